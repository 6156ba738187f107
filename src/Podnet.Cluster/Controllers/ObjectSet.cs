using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Controllers;

/// <summary>
/// A snapshot of a cluster's objects that the controllers converge in place (what the informers'
/// caches are to the real kube-controller-manager). Keyed by kind, namespace and name; records which
/// objects were written or removed so that a store can persist only the difference.
/// </summary>
public sealed class ObjectSet
{
    // One slot per object: the object and the change epoch it was last written in. A write costs one
    // hash lookup (no separate "changed" set to hash the key into again); ClearChanges starts a new epoch.
    private struct Slot
    {
        public KubeObject Object;
        public int ChangedIn;
    }

    private readonly Dictionary<string, Dictionary<(string Namespace, string Name), Slot>> byKind = new(StringComparer.Ordinal);
    private readonly HashSet<(string Kind, string Namespace, string Name)> removed = [];
    private int epoch = 1;
    private int changedCount;
    private Dictionary<(string Namespace, string Name), Api.Store.EventIdentity>? storedEvents;
    // Events recorded but not built yet (see DeferEvents): built and written, in record order, the first
    // time anything reads Events; a large convergence's Events are most of its objects, and a command that
    // never looks at them (get namespaces -f) never pays for them.
    private List<EventRecorder.EventBatch>? deferredEvents;
    private int deferredCount;
    // Whether the deferred Events are sure to be new keys (no Event loaded, stored or removed when they were
    // taken), so that counts can include them unbuilt; otherwise a count builds them first.
    private bool deferredExact;
    private bool eventRemoved;
    private readonly object materializeLock = new();

    /// <summary>Creates an empty set.</summary>
    public ObjectSet()
    {
    }

    /// <summary>Creates a set holding <paramref name="objects"/> (not marked as changed).</summary>
    public ObjectSet(IEnumerable<KubeObject> objects)
    {
        foreach (var o in objects)
        {
            Bucket(o.Kind)[Key(o.Namespace, o.Name)] = new Slot { Object = o };
        }
    }

    private static (string Namespace, string Name) Key(string ns, string name) => (ns, name);

    private Dictionary<(string Namespace, string Name), Slot> Bucket(string kind)
    {
        if (!byKind.TryGetValue(kind, out var bucket))
        {
            bucket = [];
            byKind[kind] = bucket;
        }
        return bucket;
    }

    /// <summary>Number of objects.</summary>
    public int Count
    {
        get
        {
            MaterializeIfInexact();
            return byKind.Values.Sum(b => b.Count) + deferredCount;
        }
    }

    private void MaterializeIfInexact()
    {
        if (deferredEvents is not null && !deferredExact)
        {
            MaterializeEvents();
        }
    }

    /// <summary>Every object, by kind then namespace then name.</summary>
    public IEnumerable<KubeObject> All
    {
        get
        {
            MaterializeEvents();
            return byKind.OrderBy(k => k.Key, StringComparer.Ordinal).SelectMany(k => Sorted(Objects(k.Value)));
        }
    }

    /// <summary>Every object except those of <paramref name="kinds"/>, by kind then namespace then name.</summary>
    public IEnumerable<KubeObject> AllExcept(IReadOnlySet<string> kinds)
    {
        if (!kinds.Contains("Event"))
        {
            MaterializeEvents();
        }
        return byKind.Where(k => !kinds.Contains(k.Key)).OrderBy(k => k.Key, StringComparer.Ordinal).SelectMany(k => Sorted(Objects(k.Value)));
    }

    /// <summary>
    /// Takes Events that <paramref name="batch"/> will build, as if each were <see cref="Put"/> now: they are
    /// built and written (in order, with <see cref="Put"/>'s effects) the first time anything reads Events, all
    /// objects or the change set. Counts include them unbuilt when they are sure to be new keys (no Event was
    /// loaded, stored or removed before: the recorder names each Event it records uniquely); otherwise a
    /// count builds them first.
    /// </summary>
    internal void DeferEvents(EventRecorder.EventBatch batch)
    {
        var bucket = Bucket("Event"); // exists before any reader can run in parallel
        if (deferredEvents is null)
        {
            // (while Events are deferred the bucket, the stored identities and the removals do not change:
            // each of those writes builds the deferred Events first)
            deferredExact = bucket.Count == 0 && (storedEvents is null || storedEvents.Count == 0) && !eventRemoved;
        }
        (deferredEvents ??= []).Add(batch);
        deferredCount += batch.Count;
        changedCount += batch.Count;
    }

    /// <summary>Builds and writes the deferred Events (in record order); safe to call from several threads.</summary>
    private void MaterializeEvents()
    {
        if (Volatile.Read(ref deferredEvents) is null)
        {
            return;
        }
        lock (materializeLock)
        {
            var batches = deferredEvents;
            if (batches is null)
            {
                return;
            }
            var bucket = Bucket("Event");
            bucket.EnsureCapacity(bucket.Count + deferredCount);
            foreach (var batch in batches)
            {
                foreach (var e in batch.BuildAll())
                {
                    Write(bucket, e, counted: true); // (counted when it was deferred)
                }
            }
            deferredCount = 0;
            Volatile.Write(ref deferredEvents, null);
        }
    }

    /// <summary>Objects of one kind, ordered by namespace then name.</summary>
    public IReadOnlyList<T> OfKind<T>(string kind) where T : KubeObject
    {
        MaterializeIfEvents(kind);
        if (!byKind.TryGetValue(kind, out var b))
        {
            return [];
        }
        var list = new List<T>(b.Count);
        foreach (var slot in b.Values)
        {
            list.Add((T)slot.Object);
        }
        list.Sort(static (x, y) =>
        {
            var c = string.CompareOrdinal(x.Namespace, y.Namespace);
            return c != 0 ? c : string.CompareOrdinal(x.Name, y.Name);
        });
        return list;
    }

    /// <summary>Objects of one kind, unordered (for indexes).</summary>
    public IEnumerable<KubeObject> Unordered(string kind)
    {
        MaterializeIfEvents(kind);
        return byKind.TryGetValue(kind, out var b) ? Objects(b) : [];
    }

    private void MaterializeIfEvents(string kind)
    {
        if (deferredEvents is not null && kind == "Event")
        {
            MaterializeEvents();
        }
    }

    private static IEnumerable<KubeObject> Objects(Dictionary<(string Namespace, string Name), Slot> bucket)
    {
        foreach (var slot in bucket.Values)
        {
            yield return slot.Object;
        }
    }

    /// <summary>Number of objects of a kind.</summary>
    public int CountOf(string kind)
    {
        if (kind == "Event")
        {
            MaterializeIfInexact();
        }
        return (byKind.TryGetValue(kind, out var b) ? b.Count : 0) + (kind == "Event" ? deferredCount : 0);
    }


    private static IEnumerable<KubeObject> Sorted(IEnumerable<KubeObject> objects) =>
        objects.OrderBy(o => o.Namespace, StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Ordinal);

    /// <summary>The object of <paramref name="kind"/> named <paramref name="name"/>, or null.</summary>
    public KubeObject? Get(string kind, string ns, string name)
    {
        MaterializeIfEvents(kind);
        return byKind.TryGetValue(kind, out var b) && b.TryGetValue(Key(ns, name), out var o) ? o.Object : null;
    }

    /// <summary>Typed <see cref="Get(string, string, string)"/>.</summary>
    public T? Get<T>(string kind, string ns, string name) where T : KubeObject => Get(kind, ns, name) as T;

    /// <summary>
    /// Events kept in the store and not loaded into this set, by identity only (a large cluster's Events
    /// outnumber every other object): the event recorder does not record them again and the garbage
    /// collector removes those whose object is gone (<see cref="Remove"/> marks them removed).
    /// </summary>
    public IReadOnlyCollection<Api.Store.EventIdentity> StoredEvents =>
        storedEvents is null ? [] : storedEvents.Values;

    /// <summary>Adds the identities of Events that stay in the store (see <see cref="StoredEvents"/>).</summary>
    public void AddStoredEvents(IEnumerable<Api.Store.EventIdentity> events)
    {
        MaterializeEvents();
        storedEvents ??= [];
        foreach (var e in events)
        {
            storedEvents[(e.Namespace, e.Name)] = e;
        }
    }

    /// <summary>Adds or replaces an object and marks it changed.</summary>
    public void Put(KubeObject obj)
    {
        MaterializeIfEvents(obj.Kind);
        Write(Bucket(obj.Kind), obj, counted: false);
    }

    // Writes obj into its kind's bucket and marks it changed in this epoch; counted: the change was counted
    // already (a deferred Event), so a key already changed in this epoch takes that count back.
    private void Write(Dictionary<(string Namespace, string Name), Slot> bucket, KubeObject obj, bool counted)
    {
        if (storedEvents is not null && obj.Kind == "Event")
        {
            storedEvents.Remove((obj.Namespace, obj.Name)); // the object put supersedes the stored identity
        }
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(bucket, Key(obj.Namespace, obj.Name), out _);
        slot.Object = obj;
        if (slot.ChangedIn != epoch)
        {
            slot.ChangedIn = epoch;
            if (!counted)
            {
                changedCount++;
            }
        }
        else if (counted)
        {
            changedCount--; // (a key written twice in one epoch counts once)
        }
        if (removed.Count > 0)
        {
            removed.Remove((obj.Kind, obj.Namespace, obj.Name));
        }
    }

    /// <summary>Replaces an object only when it differs (records compare by value), marking it changed.</summary>
    public bool Update(KubeObject before, KubeObject after)
    {
        if (ReferenceEquals(before, after) || ObjectComparer.Same(before, after))
        {
            return false;
        }
        Put(after);
        return true;
    }

    /// <summary>Removes an object; true when it existed.</summary>
    public bool Remove(string kind, string ns, string name)
    {
        MaterializeIfEvents(kind);
        if (kind == "Event")
        {
            eventRemoved = true;
        }
        Slot slot = default;
        if ((byKind.TryGetValue(kind, out var b) && b.Remove(Key(ns, name), out slot)) ||
            (kind == "Event" && storedEvents is not null && storedEvents.Remove((ns, name))))
        {
            if (slot.Object is not null && slot.ChangedIn == epoch)
            {
                changedCount--;
            }
            removed.Add((kind, ns, name));
            return true;
        }
        return false;
    }

    /// <summary>Number of objects written since creation or the last <see cref="ClearChanges"/>.</summary>
    public int ChangedCount
    {
        get
        {
            MaterializeIfInexact();
            return changedCount;
        }
    }

    /// <summary>Number of objects removed since creation or the last <see cref="ClearChanges"/>.</summary>
    public int RemovedCount => removed.Count;

    /// <summary>Objects written since creation or the last <see cref="ClearChanges"/>, by kind then namespace and name.</summary>
    public IReadOnlyList<KubeObject> Changed
    {
        get
        {
            MaterializeEvents();
            var result = new List<KubeObject>(changedCount);
            foreach (var kind in byKind.Keys.Order(StringComparer.Ordinal))
            {
                var from = result.Count;
                foreach (var slot in byKind[kind].Values)
                {
                    if (slot.ChangedIn == epoch)
                    {
                        result.Add(slot.Object);
                    }
                }
                SortByKey(result, from, result.Count - from);
            }
            return result;
        }
    }

    private static readonly Comparer<KubeObject> ByKey = Comparer<KubeObject>.Create(static (a, b) =>
    {
        var c = string.CompareOrdinal(a.Namespace, b.Namespace);
        return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
    });

    // Sorts list[from..from+count) by namespace and name (keys are unique: a large range on two cores).
    private static void SortByKey(List<KubeObject> list, int from, int count) => ParallelWork.Sort(list, from, count, ByKey);

    /// <summary>Objects removed since creation or the last <see cref="ClearChanges"/>.</summary>
    public IReadOnlyList<(string Kind, string Namespace, string Name)> Removed =>
        removed.OrderBy(r => r.Kind, StringComparer.Ordinal).ThenBy(r => r.Namespace, StringComparer.Ordinal)
            .ThenBy(r => r.Name, StringComparer.Ordinal).ToList();

    /// <summary>Forgets the change tracking.</summary>
    public void ClearChanges()
    {
        MaterializeEvents(); // written in the epoch they were recorded in
        epoch++;
        eventRemoved = false;
        changedCount = 0;
        removed.Clear();
    }
}

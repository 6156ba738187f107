using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Controllers;

/// <summary>
/// A snapshot of a cluster's objects that the controllers converge in place (what the informers'
/// caches are to the real kube-controller-manager). Keyed by kind, namespace and name; records which
/// objects were written or removed so that a store can persist only the difference.
/// </summary>
public sealed class ObjectSet
{
    private readonly Dictionary<string, Dictionary<(string Namespace, string Name), KubeObject>> byKind = new(StringComparer.Ordinal);
    private readonly HashSet<(string Kind, string Namespace, string Name)> changed = [];
    private readonly HashSet<(string Kind, string Namespace, string Name)> removed = [];
    private Dictionary<(string Namespace, string Name), Api.Store.EventIdentity>? storedEvents;

    /// <summary>Creates an empty set.</summary>
    public ObjectSet()
    {
    }

    /// <summary>Creates a set holding <paramref name="objects"/> (not marked as changed).</summary>
    public ObjectSet(IEnumerable<KubeObject> objects)
    {
        foreach (var o in objects)
        {
            Bucket(o.Kind)[Key(o.Namespace, o.Name)] = o;
        }
    }

    private static (string Namespace, string Name) Key(string ns, string name) => (ns, name);

    private Dictionary<(string Namespace, string Name), KubeObject> Bucket(string kind)
    {
        if (!byKind.TryGetValue(kind, out var bucket))
        {
            bucket = [];
            byKind[kind] = bucket;
        }
        return bucket;
    }

    /// <summary>Number of objects.</summary>
    public int Count => byKind.Values.Sum(b => b.Count);

    /// <summary>Every object, by kind then namespace then name.</summary>
    public IEnumerable<KubeObject> All =>
        byKind.OrderBy(k => k.Key, StringComparer.Ordinal).SelectMany(k => Sorted(k.Value.Values));

    /// <summary>Objects of one kind, ordered by namespace then name.</summary>
    public IReadOnlyList<T> OfKind<T>(string kind) where T : KubeObject =>
        byKind.TryGetValue(kind, out var b) ? Sorted(b.Values).Cast<T>().ToList() : [];

    /// <summary>Objects of one kind, unordered (for indexes).</summary>
    public IEnumerable<KubeObject> Unordered(string kind) =>
        byKind.TryGetValue(kind, out var b) ? b.Values : [];

    /// <summary>Number of objects of a kind.</summary>
    public int CountOf(string kind) => byKind.TryGetValue(kind, out var b) ? b.Count : 0;

    private static IEnumerable<KubeObject> Sorted(IEnumerable<KubeObject> objects) =>
        objects.OrderBy(o => o.Namespace, StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Ordinal);

    /// <summary>The object of <paramref name="kind"/> named <paramref name="name"/>, or null.</summary>
    public KubeObject? Get(string kind, string ns, string name) =>
        byKind.TryGetValue(kind, out var b) && b.TryGetValue(Key(ns, name), out var o) ? o : null;

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
        storedEvents ??= [];
        foreach (var e in events)
        {
            storedEvents[(e.Namespace, e.Name)] = e;
        }
    }

    /// <summary>Adds or replaces an object and marks it changed.</summary>
    public void Put(KubeObject obj)
    {
        if (storedEvents is not null && obj.Kind == "Event")
        {
            storedEvents.Remove((obj.Namespace, obj.Name)); // the object put supersedes the stored identity
        }
        Bucket(obj.Kind)[Key(obj.Namespace, obj.Name)] = obj;
        var id = (obj.Kind, obj.Namespace, obj.Name);
        changed.Add(id);
        if (removed.Count > 0)
        {
            removed.Remove(id);
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
        if ((byKind.TryGetValue(kind, out var b) && b.Remove(Key(ns, name))) ||
            (kind == "Event" && storedEvents is not null && storedEvents.Remove((ns, name))))
        {
            var id = (kind, ns, name);
            changed.Remove(id);
            removed.Add(id);
            return true;
        }
        return false;
    }

    /// <summary>Number of objects written since creation or the last <see cref="ClearChanges"/>.</summary>
    public int ChangedCount => changed.Count;

    /// <summary>Number of objects removed since creation or the last <see cref="ClearChanges"/>.</summary>
    public int RemovedCount => removed.Count;

    /// <summary>Objects written since creation or the last <see cref="ClearChanges"/>.</summary>
    public IReadOnlyList<KubeObject> Changed
    {
        get
        {
            // by kind, then namespace and name (a million changed objects sort in well under a second this way)
            var byKindChanged = new Dictionary<string, List<(string Namespace, string Name)>>(StringComparer.Ordinal);
            foreach (var (kind, ns, name) in changed)
            {
                if (!byKindChanged.TryGetValue(kind, out var ids))
                {
                    ids = [];
                    byKindChanged[kind] = ids;
                }
                ids.Add((ns, name));
            }
            var result = new List<KubeObject>(changed.Count);
            foreach (var kind in byKindChanged.Keys.Order(StringComparer.Ordinal))
            {
                var ids = byKindChanged[kind];
                ids.Sort(static (a, b) =>
                {
                    var c = string.CompareOrdinal(a.Namespace, b.Namespace);
                    return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
                });
                var bucket = byKind.GetValueOrDefault(kind);
                foreach (var id in ids)
                {
                    if (bucket is not null && bucket.TryGetValue(id, out var o))
                    {
                        result.Add(o);
                    }
                }
            }
            return result;
        }
    }

    /// <summary>Objects removed since creation or the last <see cref="ClearChanges"/>.</summary>
    public IReadOnlyList<(string Kind, string Namespace, string Name)> Removed =>
        removed.OrderBy(r => r.Kind, StringComparer.Ordinal).ThenBy(r => r.Namespace, StringComparer.Ordinal)
            .ThenBy(r => r.Name, StringComparer.Ordinal).ToList();

    /// <summary>Forgets the change tracking.</summary>
    public void ClearChanges()
    {
        changed.Clear();
        removed.Clear();
    }
}

using System.Globalization;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Controllers;

/// <summary>
/// Records core/v1 Events for what the controllers did (client-go's <c>record.EventRecorder</c>):
/// named <c>&lt;object&gt;.&lt;16 hex&gt;</c> like the real ones, in the involved object's namespace.
/// An identical event (same object, reason and message) is recorded once, so converging an already
/// converged cluster writes nothing.
/// </summary>
public sealed class EventRecorder
{
    private readonly ObjectSet objects;
    private readonly DateTimeOffset now;
    // What was recorded, by involved object (its UID, or kind/namespace/name without one): a handful
    // of (reason, message) pairs each, so one short key is hashed per event instead of the message.
    private readonly Dictionary<string, EventHistory> seen = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Component, string? Host), EventSource> sources = [];
    private KubeObject? lastInvolved;
    private EventSource? lastSource;
    private ObjectReference? lastReference;
    private long sequence;

    /// <summary>Creates a recorder over <paramref name="objects"/>, stamping events with <paramref name="now"/>.</summary>
    public EventRecorder(ObjectSet objects, DateTimeOffset now)
    {
        this.objects = objects;
        this.now = now;
        foreach (var o in objects.Unordered("Event"))
        {
            var e = (Event)o;
            Seen(e.InvolvedObject.Kind, e.InvolvedObject.Namespace ?? "", e.InvolvedObject.Name, e.InvolvedObject.Uid, e.Reason, e.Message);
            sequence++;
        }
        foreach (var e in objects.StoredEvents)
        {
            Seen(e.InvolvedKind, e.InvolvedNamespace ?? "", e.InvolvedName, e.InvolvedUid, e.Reason, e.Message);
            sequence++;
        }
    }

    /// <summary>Number of events recorded by this recorder.</summary>
    public int Recorded { get; private set; }

    /// <summary>Notes an event; false when the same one was already recorded.</summary>
    private bool Seen(string? kind, string? ns, string? name, string? uid, string? reason, string? message) =>
        History(kind, ns, name, uid).Add(reason, message);

    /// <summary>What was recorded about one involved object (created empty the first time).</summary>
    private EventHistory History(string? kind, string? ns, string? name, string? uid)
    {
        var key = string.IsNullOrEmpty(uid) ? kind + "/" + ns + "/" + name : uid;
        ref var history = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(seen, key, out _);
        return history ??= new EventHistory();
    }

    /// <summary>
    /// The (reason, message) pairs recorded about one object: a short list scanned in place (most objects
    /// have a handful), a set once it grows (a DaemonSet records one event per node).
    /// </summary>
    private sealed class EventHistory
    {
        private List<(string? Reason, string? Message)>? few = new(4);
        private HashSet<(string? Reason, string? Message)>? many;

        /// <summary>Adds the pair; false when it is there already.</summary>
        public bool Add(string? reason, string? message)
        {
            if (many is not null)
            {
                return many.Add((reason, message));
            }
            foreach (var (r, m) in few!)
            {
                if (r == reason && m == message)
                {
                    return false;
                }
            }
            few.Add((reason, message));
            if (few.Count > 16)
            {
                many = [.. few];
                few = null;
            }
            return true;
        }
    }

    /// <summary>Records a Normal event.</summary>
    public void Normal(KubeObject involved, string reason, string message, string component, string? host = null) =>
        Record(involved, "Normal", reason, message, component, host);

    /// <summary>Records a Warning event.</summary>
    public void Warning(KubeObject involved, string reason, string message, string component, string? host = null) =>
        Record(involved, "Warning", reason, message, component, host);

    private void Record(KubeObject involved, string type, string reason, string message, string component, string? host)
    {
        if (!Seen(involved.Kind, involved.Namespace, involved.Name, involved.Metadata.Uid, reason, message))
        {
            return;
        }
        objects.DeferEvents(new EventBatch([new PendingEvent(involved, type, reason, message, component, host)], [(0, Reference(involved), Source(component, host), sequence++)], 1, now));
        Recorded++;
    }

    /// <summary>
    /// Records many events at once, exactly as the same <see cref="Normal"/>/<see cref="Warning"/> calls in
    /// list order would (same deduplication, names and order), building the Event objects on all cores.
    /// The controllers of a large convergence collect their events and hand them over here.
    /// </summary>
    public void RecordAll(IReadOnlyList<PendingEvent> pending)
    {
        if (pending.Count < 512)
        {
            foreach (var p in pending)
            {
                Record(p.Involved, p.Type, p.Reason, p.Message, p.Component, p.Host);
            }
            return;
        }
        // In order: deduplication, the involved-object references and sources, and the sequence numbers.
        var kept = new (int Index, ObjectReference Reference, EventSource Source, long Sequence)[pending.Count];
        int n = 0;
        KubeObject? previous = null;
        EventHistory? history = null;
        for (int i = 0; i < pending.Count; i++)
        {
            var p = pending[i];
            var involved = p.Involved;
            if (!ReferenceEquals(involved, previous))
            {
                // the events of one object come together: one look-up for all of them
                previous = involved;
                history = History(involved.Kind, involved.Namespace, involved.Name, involved.Metadata.Uid);
            }
            if (history!.Add(p.Reason, p.Message))
            {
                kept[n++] = (i, Reference(involved), Source(p.Component, p.Host), sequence++);
            }
        }
        // The objects themselves (names, UIDs, records) are independent of each other: built on all cores
        // the first time anything reads Events (a command that never does skips them).
        objects.DeferEvents(new EventBatch(pending, kept, n, now));
        Recorded += n;
    }

    /// <summary>Events recorded together and not built yet: what <see cref="Build"/> needs for each, in record order.</summary>
    internal sealed class EventBatch(IReadOnlyList<PendingEvent> pending, (int Index, ObjectReference Reference, EventSource Source, long Sequence)[] kept, int count, DateTimeOffset now)
    {
        /// <summary>Number of events.</summary>
        public int Count => count;

        /// <summary>The Event objects, in record order (built on all cores).</summary>
        public Event[] BuildAll()
        {
            var built = new Event[count];
            ParallelWork.For(count, j =>
            {
                var (i, reference, source, seq) = kept[j];
                var p = pending[i];
                built[j] = Build(p.Involved, reference, p.Type, p.Reason, p.Message, source, seq, now);
            });
            return built;
        }
    }

    // Events of one object share its reference, and events from one component on one host share
    // the source (the records are immutable): a pod's start-up events cost one object each.
    private ObjectReference Reference(KubeObject involved)
    {
        if (!ReferenceEquals(involved, lastInvolved))
        {
            lastInvolved = involved;
            lastReference = new ObjectReference
            {
                Kind = involved.Kind,
                Namespace = involved.Namespace.Length == 0 ? null : involved.Namespace,
                Name = involved.Name,
                Uid = involved.Metadata.Uid,
                ApiVersion = involved.ApiVersion,
            };
        }
        return lastReference!;
    }

    private EventSource Source(string component, string? host)
    {
        if (lastSource is { } last && ReferenceEquals(last.Component, component) && ReferenceEquals(last.Host, host))
        {
            return last;
        }
        if (!sources.TryGetValue((component, host), out var source))
        {
            source = new EventSource { Component = component, Host = host };
            sources[(component, host)] = source;
        }
        lastSource = source;
        return source;
    }

    private static Event Build(KubeObject involved, ObjectReference reference, string type, string reason, string message, EventSource source, long sequence, DateTimeOffset now)
    {
        var ns = involved.Namespace.Length == 0 ? "default" : involved.Namespace;
        // Like client-go: <object>.<hex of the time in nanoseconds>; a sequence keeps events of one
        // instant distinct and in the order they happened.
        var nanos = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100 + sequence;
        var name = string.Create(CultureInfo.InvariantCulture, $"{involved.Name}.{nanos:x}");
        return new Event
        {
            Metadata = new ObjectMeta { Name = name, Namespace = ns, CreationTimestamp = now, Uid = ObjectIdentity.Uid("Event", ns, name, now) },
            InvolvedObject = reference,
            Reason = reason,
            Message = message,
            Source = source,
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
            Type = type,
            ReportingComponent = source.Component,
            ReportingInstance = source.Host ?? "",
        };
    }

    /// <summary>Events about <paramref name="involved"/>, oldest first (as describe lists them).</summary>
    public static IReadOnlyList<Event> For(ObjectSet objects, KubeObject involved) =>
        objects.Unordered("Event").Cast<Event>()
            .Where(e => e.InvolvedObject.Kind == involved.Kind && e.InvolvedObject.Name == involved.Name
                && (e.InvolvedObject.Namespace ?? "") == involved.Namespace
                && (string.IsNullOrEmpty(e.InvolvedObject.Uid) || string.IsNullOrEmpty(involved.Metadata.Uid) || e.InvolvedObject.Uid == involved.Metadata.Uid))
            .OrderBy(e => e.FirstTimestamp ?? e.Metadata.CreationTimestamp)
            .ThenBy(e => e.Metadata.Name, StringComparer.Ordinal)
            .ToList();
}

/// <summary>An event a controller will record (see <see cref="EventRecorder.RecordAll"/>).</summary>
/// <param name="Involved">The object the event is about.</param>
/// <param name="Type">Normal or Warning.</param>
/// <param name="Reason">The machine-readable reason, e.g. <c>Scheduled</c>.</param>
/// <param name="Message">The human-readable message.</param>
/// <param name="Component">The reporting component, e.g. <c>kubelet</c>.</param>
/// <param name="Host">The reporting host (the node for the kubelet), or null.</param>
public readonly record struct PendingEvent(KubeObject Involved, string Type, string Reason, string Message, string Component, string? Host = null)
{
    /// <summary>A Normal event.</summary>
    public static PendingEvent Normal(KubeObject involved, string reason, string message, string component, string? host = null) =>
        new(involved, "Normal", reason, message, component, host);

    /// <summary>A Warning event.</summary>
    public static PendingEvent Warning(KubeObject involved, string reason, string message, string component, string? host = null) =>
        new(involved, "Warning", reason, message, component, host);
}

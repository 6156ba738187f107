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
    private readonly Dictionary<string, List<(string? Reason, string? Message)>> seen = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Component, string? Host), EventSource> sources = [];
    private KubeObject? lastInvolved;
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
    private bool Seen(string? kind, string? ns, string? name, string? uid, string? reason, string? message)
    {
        var key = string.IsNullOrEmpty(uid) ? kind + "/" + ns + "/" + name : uid;
        if (!seen.TryGetValue(key, out var list))
        {
            seen[key] = [(reason, message)];
            return true;
        }
        foreach (var (r, m) in list)
        {
            if (r == reason && m == message)
            {
                return false;
            }
        }
        list.Add((reason, message));
        return true;
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
        var ns = involved.Namespace.Length == 0 ? "default" : involved.Namespace;
        // Like client-go: <object>.<hex of the time in nanoseconds>; a sequence keeps events of one
        // instant distinct and in the order they happened.
        var nanos = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100 + sequence++;
        var name = string.Create(CultureInfo.InvariantCulture, $"{involved.Name}.{nanos:x}");
        // Events of one object share its reference, and events from one component on one host share
        // the source (the records are immutable): a pod's start-up events cost one object each.
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
        if (!sources.TryGetValue((component, host), out var source))
        {
            source = new EventSource { Component = component, Host = host };
            sources[(component, host)] = source;
        }
        var ev = new Event
        {
            Metadata = new ObjectMeta { Name = name, Namespace = ns, CreationTimestamp = now, Uid = ObjectIdentity.Uid("Event", ns, name, now) },
            InvolvedObject = lastReference!,
            Reason = reason,
            Message = message,
            Source = source,
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
            Type = type,
            ReportingComponent = component,
            ReportingInstance = host is null ? "" : host,
        };
        objects.Put(ev);
        Recorded++;
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

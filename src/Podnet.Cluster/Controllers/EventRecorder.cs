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
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);
    private long sequence;

    /// <summary>Creates a recorder over <paramref name="objects"/>, stamping events with <paramref name="now"/>.</summary>
    public EventRecorder(ObjectSet objects, DateTimeOffset now)
    {
        this.objects = objects;
        this.now = now;
        foreach (var o in objects.Unordered("Event"))
        {
            var e = (Event)o;
            seen.Add(Key(e.InvolvedObject.Kind, e.InvolvedObject.Namespace, e.InvolvedObject.Name, e.InvolvedObject.Uid, e.Reason, e.Message));
            sequence++;
        }
    }

    /// <summary>Number of events recorded by this recorder.</summary>
    public int Recorded { get; private set; }

    private static string Key(string? kind, string? ns, string? name, string? uid, string? reason, string? message) =>
        string.Join('\u0001', kind, ns, name, uid, reason, message);

    /// <summary>Records a Normal event.</summary>
    public void Normal(KubeObject involved, string reason, string message, string component, string? host = null) =>
        Record(involved, "Normal", reason, message, component, host);

    /// <summary>Records a Warning event.</summary>
    public void Warning(KubeObject involved, string reason, string message, string component, string? host = null) =>
        Record(involved, "Warning", reason, message, component, host);

    private void Record(KubeObject involved, string type, string reason, string message, string component, string? host)
    {
        var key = Key(involved.Kind, involved.Namespace, involved.Name, involved.Metadata.Uid, reason, message);
        if (!seen.Add(key))
        {
            return;
        }
        var ns = involved.Namespace.Length == 0 ? "default" : involved.Namespace;
        // Like client-go: <object>.<hex of the time in nanoseconds>; a sequence keeps events of one
        // instant distinct and in the order they happened.
        var nanos = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100 + sequence++;
        var name = involved.Name + "." + nanos.ToString("x", CultureInfo.InvariantCulture);
        var ev = new Event
        {
            Metadata = new ObjectMeta { Name = name, Namespace = ns, CreationTimestamp = now },
            InvolvedObject = new ObjectReference
            {
                Kind = involved.Kind,
                Namespace = involved.Namespace.Length == 0 ? null : involved.Namespace,
                Name = involved.Name,
                Uid = involved.Metadata.Uid,
                ApiVersion = involved.ApiVersion,
            },
            Reason = reason,
            Message = message,
            Source = new EventSource { Component = component, Host = host },
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
            Type = type,
            ReportingComponent = component,
            ReportingInstance = host is null ? "" : host,
        };
        objects.Put(ObjectIdentity.WithUid(ev));
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

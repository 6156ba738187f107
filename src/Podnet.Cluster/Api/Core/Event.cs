using System.Text.Json;
using System.Text.Json.Serialization;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Core;

/// <summary>Kubernetes <c>v1 Event</c>: something that happened to an object (what <c>describe</c> lists under Events).</summary>
public sealed record Event : KubeObject
{
    /// <summary>Creates an empty Event with apiVersion and kind set.</summary>
    public Event()
    {
        ApiVersion = "v1";
        Kind = "Event";
    }

    /// <summary><c>involvedObject</c>.</summary>
    public ObjectReference InvolvedObject { get; init; } = ObjectReference.Unset;
    /// <summary><c>reason</c>, e.g. Scheduled, FailedScheduling.</summary>
    public string? Reason { get; init; }
    /// <summary><c>message</c>.</summary>
    public string? Message { get; init; }
    /// <summary><c>source</c>.</summary>
    public EventSource? Source { get; init; }
    /// <summary><c>firstTimestamp</c>.</summary>
    public DateTimeOffset? FirstTimestamp { get; init; }
    /// <summary><c>lastTimestamp</c>.</summary>
    public DateTimeOffset? LastTimestamp { get; init; }
    /// <summary><c>count</c>.</summary>
    public int? Count { get; init; }
    /// <summary><c>type</c>: Normal or Warning.</summary>
    public string? Type { get; init; }
    /// <summary><c>reportingComponent</c>.</summary>
    public string? ReportingComponent { get; init; }
    /// <summary><c>reportingInstance</c>.</summary>
    public string? ReportingInstance { get; init; }
}

/// <summary>Kubernetes <c>v1 EventSource</c>.</summary>
public sealed record EventSource
{
    /// <summary><c>component</c>, e.g. default-scheduler, kubelet.</summary>
    public string? Component { get; init; }
    /// <summary><c>host</c>.</summary>
    public string? Host { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

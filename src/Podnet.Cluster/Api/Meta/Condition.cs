using System.Text.Json;
using System.Text.Json.Serialization;

namespace Podnet.Cluster.Api.Meta;

/// <summary>
/// A status condition as the core and apps kinds carry them (PodCondition, NodeCondition,
/// DeploymentCondition, JobCondition, <c>metav1.Condition</c>): type, status and timestamps. Only the
/// timestamp fields the kind uses are set.
/// </summary>
public sealed record Condition
{
    /// <summary>Condition type, e.g. <c>Ready</c>, <c>Available</c>.</summary>
    public string Type { get; init; } = "";
    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>.</summary>
    public string Status { get; init; } = "";
    /// <summary>Generation the condition was computed for (metav1.Condition).</summary>
    public long? ObservedGeneration { get; init; }
    /// <summary>Last probe (pods).</summary>
    public DateTimeOffset? LastProbeTime { get; init; }
    /// <summary>Last heartbeat (nodes).</summary>
    public DateTimeOffset? LastHeartbeatTime { get; init; }
    /// <summary>Last update (deployments).</summary>
    public DateTimeOffset? LastUpdateTime { get; init; }
    /// <summary>Last status flip.</summary>
    public DateTimeOffset? LastTransitionTime { get; init; }
    /// <summary>Machine-readable reason.</summary>
    public string? Reason { get; init; }
    /// <summary>Human-readable message.</summary>
    public string? Message { get; init; }
    /// <summary>Unmodelled fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

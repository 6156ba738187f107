using System.Text.Json;
using System.Text.Json.Serialization;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Apps;

/// <summary>Kubernetes <c>apps/v1 StatefulSet</c>: pods with stable ordinal names (web-0, web-1) behind a headless Service.</summary>
public sealed record StatefulSet : KubeObject
{
    /// <summary>Creates an empty StatefulSet with apiVersion and kind set.</summary>
    public StatefulSet()
    {
        ApiVersion = "apps/v1";
        Kind = "StatefulSet";
    }

    /// <summary>Desired state.</summary>
    public StatefulSetSpec Spec { get; init; } = new();

    /// <summary>Observed state.</summary>
    public StatefulSetStatus? Status { get; init; }
}

/// <summary>Kubernetes <c>apps/v1 StatefulSetSpec</c> (volumeClaimTemplates etc. kept unmodelled).</summary>
public sealed record StatefulSetSpec
{
    /// <summary><c>replicas</c> (default 1).</summary>
    public int? Replicas { get; init; }
    /// <summary><c>selector</c>.</summary>
    public LabelSelector? Selector { get; init; }
    /// <summary><c>template</c>.</summary>
    public PodTemplateSpec Template { get; init; } = new();
    /// <summary><c>serviceName</c>: the governing headless Service.</summary>
    public string? ServiceName { get; init; }
    /// <summary><c>podManagementPolicy</c>: OrderedReady (default) or Parallel.</summary>
    public string? PodManagementPolicy { get; init; }
    /// <summary><c>updateStrategy</c>.</summary>
    public WorkloadUpdateStrategy? UpdateStrategy { get; init; }
    /// <summary><c>revisionHistoryLimit</c>.</summary>
    public int? RevisionHistoryLimit { get; init; }
    /// <summary><c>minReadySeconds</c>.</summary>
    public int? MinReadySeconds { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>apps/v1 StatefulSetUpdateStrategy</c> / <c>DaemonSetUpdateStrategy</c>.</summary>
public sealed record WorkloadUpdateStrategy
{
    /// <summary><c>type</c>: RollingUpdate or OnDelete.</summary>
    public string? Type { get; init; }
    /// <summary><c>rollingUpdate</c>.</summary>
    public RollingUpdateParameters? RollingUpdate { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>apps/v1 StatefulSetStatus</c>.</summary>
public sealed record StatefulSetStatus
{
    /// <summary><c>observedGeneration</c>.</summary>
    public long? ObservedGeneration { get; init; }
    /// <summary><c>replicas</c>.</summary>
    public int Replicas { get; init; }
    /// <summary><c>readyReplicas</c>.</summary>
    public int? ReadyReplicas { get; init; }
    /// <summary><c>currentReplicas</c>.</summary>
    public int? CurrentReplicas { get; init; }
    /// <summary><c>updatedReplicas</c>.</summary>
    public int? UpdatedReplicas { get; init; }
    /// <summary><c>availableReplicas</c>.</summary>
    public int? AvailableReplicas { get; init; }
    /// <summary><c>currentRevision</c>.</summary>
    public string? CurrentRevision { get; init; }
    /// <summary><c>updateRevision</c>.</summary>
    public string? UpdateRevision { get; init; }
    /// <summary><c>collisionCount</c>.</summary>
    public int? CollisionCount { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Apps;

/// <summary>Kubernetes <c>apps/v1 Deployment</c>: replicas of a pod template, rolled out through ReplicaSets.</summary>
public sealed record Deployment : KubeObject
{
    /// <summary>Creates an empty Deployment with apiVersion and kind set.</summary>
    public Deployment()
    {
        ApiVersion = "apps/v1";
        Kind = "Deployment";
    }

    /// <summary>Desired state.</summary>
    public DeploymentSpec Spec { get; init; } = new();

    /// <summary>Observed state.</summary>
    public DeploymentStatus? Status { get; init; }
}

/// <summary>Kubernetes <c>apps/v1 DeploymentSpec</c>.</summary>
public sealed record DeploymentSpec
{
    /// <summary><c>replicas</c> (default 1).</summary>
    public int? Replicas { get; init; }
    /// <summary><c>selector</c> (required).</summary>
    public LabelSelector? Selector { get; init; }
    /// <summary><c>template</c>.</summary>
    public PodTemplateSpec Template { get; init; } = new();
    /// <summary><c>strategy</c> (default RollingUpdate 25%/25%).</summary>
    public DeploymentStrategy? Strategy { get; init; }
    /// <summary><c>minReadySeconds</c>.</summary>
    public int? MinReadySeconds { get; init; }
    /// <summary><c>revisionHistoryLimit</c> (default 10).</summary>
    public int? RevisionHistoryLimit { get; init; }
    /// <summary><c>paused</c>.</summary>
    public bool? Paused { get; init; }
    /// <summary><c>progressDeadlineSeconds</c> (default 600).</summary>
    public int? ProgressDeadlineSeconds { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>apps/v1 DeploymentStrategy</c>.</summary>
public sealed record DeploymentStrategy
{
    /// <summary><c>type</c>: RollingUpdate or Recreate.</summary>
    public string? Type { get; init; }
    /// <summary><c>rollingUpdate</c>.</summary>
    public RollingUpdateParameters? RollingUpdate { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>apps/v1 RollingUpdateDeployment</c> / <c>RollingUpdateDaemonSet</c> / <c>RollingUpdateStatefulSetStrategy</c>.</summary>
public sealed record RollingUpdateParameters
{
    /// <summary><c>maxUnavailable</c>.</summary>
    public IntOrString? MaxUnavailable { get; init; }
    /// <summary><c>maxSurge</c>.</summary>
    public IntOrString? MaxSurge { get; init; }
    /// <summary><c>partition</c> (StatefulSet).</summary>
    public int? Partition { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>apps/v1 DeploymentStatus</c>.</summary>
public sealed record DeploymentStatus
{
    /// <summary><c>observedGeneration</c>.</summary>
    public long? ObservedGeneration { get; init; }
    /// <summary><c>replicas</c>.</summary>
    public int? Replicas { get; init; }
    /// <summary><c>updatedReplicas</c>.</summary>
    public int? UpdatedReplicas { get; init; }
    /// <summary><c>readyReplicas</c>.</summary>
    public int? ReadyReplicas { get; init; }
    /// <summary><c>availableReplicas</c>.</summary>
    public int? AvailableReplicas { get; init; }
    /// <summary><c>unavailableReplicas</c>.</summary>
    public int? UnavailableReplicas { get; init; }
    /// <summary><c>conditions</c>.</summary>
    public IReadOnlyList<Condition> Conditions { get; init; } = [];
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

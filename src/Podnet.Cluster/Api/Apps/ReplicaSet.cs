using System.Text.Json;
using System.Text.Json.Serialization;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Apps;

/// <summary>Kubernetes <c>apps/v1 ReplicaSet</c>: keeps N pods of one template (owned by a Deployment).</summary>
public sealed record ReplicaSet : KubeObject
{
    /// <summary>Creates an empty ReplicaSet with apiVersion and kind set.</summary>
    public ReplicaSet()
    {
        ApiVersion = "apps/v1";
        Kind = "ReplicaSet";
    }

    /// <summary>Desired state.</summary>
    public ReplicaSetSpec Spec { get; init; } = new();

    /// <summary>Observed state.</summary>
    public ReplicaSetStatus? Status { get; init; }
}

/// <summary>Kubernetes <c>apps/v1 ReplicaSetSpec</c>.</summary>
public sealed record ReplicaSetSpec
{
    /// <summary><c>replicas</c> (default 1).</summary>
    public int? Replicas { get; init; }
    /// <summary><c>minReadySeconds</c>.</summary>
    public int? MinReadySeconds { get; init; }
    /// <summary><c>selector</c>.</summary>
    public LabelSelector? Selector { get; init; }
    /// <summary><c>template</c>.</summary>
    public PodTemplateSpec Template { get; init; } = new();
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>apps/v1 ReplicaSetStatus</c>.</summary>
public sealed record ReplicaSetStatus
{
    /// <summary><c>replicas</c>.</summary>
    public int Replicas { get; init; }
    /// <summary><c>fullyLabeledReplicas</c>.</summary>
    public int? FullyLabeledReplicas { get; init; }
    /// <summary><c>readyReplicas</c>.</summary>
    public int? ReadyReplicas { get; init; }
    /// <summary><c>availableReplicas</c>.</summary>
    public int? AvailableReplicas { get; init; }
    /// <summary><c>observedGeneration</c>.</summary>
    public long? ObservedGeneration { get; init; }
    /// <summary><c>conditions</c>.</summary>
    public IReadOnlyList<Condition> Conditions { get; init; } = [];
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Apps;

/// <summary>Kubernetes <c>apps/v1 DaemonSet</c>: one pod per matching node (kube-proxy, CNI agents).</summary>
public sealed record DaemonSet : KubeObject
{
    /// <summary>Creates an empty DaemonSet with apiVersion and kind set.</summary>
    public DaemonSet()
    {
        ApiVersion = "apps/v1";
        Kind = "DaemonSet";
    }

    /// <summary>Desired state.</summary>
    public DaemonSetSpec Spec { get; init; } = new();

    /// <summary>Observed state.</summary>
    public DaemonSetStatus? Status { get; init; }
}

/// <summary>Kubernetes <c>apps/v1 DaemonSetSpec</c>.</summary>
public sealed record DaemonSetSpec
{
    /// <summary><c>selector</c>.</summary>
    public LabelSelector? Selector { get; init; }
    /// <summary><c>template</c>.</summary>
    public PodTemplateSpec Template { get; init; } = new();
    /// <summary><c>updateStrategy</c>.</summary>
    public WorkloadUpdateStrategy? UpdateStrategy { get; init; }
    /// <summary><c>minReadySeconds</c>.</summary>
    public int? MinReadySeconds { get; init; }
    /// <summary><c>revisionHistoryLimit</c>.</summary>
    public int? RevisionHistoryLimit { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>apps/v1 DaemonSetStatus</c>.</summary>
public sealed record DaemonSetStatus
{
    /// <summary><c>currentNumberScheduled</c>.</summary>
    public int CurrentNumberScheduled { get; init; }
    /// <summary><c>numberMisscheduled</c>.</summary>
    public int NumberMisscheduled { get; init; }
    /// <summary><c>desiredNumberScheduled</c>.</summary>
    public int DesiredNumberScheduled { get; init; }
    /// <summary><c>numberReady</c>.</summary>
    public int NumberReady { get; init; }
    /// <summary><c>observedGeneration</c>.</summary>
    public long? ObservedGeneration { get; init; }
    /// <summary><c>updatedNumberScheduled</c>.</summary>
    public int? UpdatedNumberScheduled { get; init; }
    /// <summary><c>numberAvailable</c>.</summary>
    public int? NumberAvailable { get; init; }
    /// <summary><c>numberUnavailable</c>.</summary>
    public int? NumberUnavailable { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

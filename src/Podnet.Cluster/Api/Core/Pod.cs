using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Core;

/// <summary>Kubernetes <c>v1 Pod</c>: containers sharing one network namespace (one Linux netns per pod).</summary>
public sealed record Pod : KubeObject
{
    /// <summary>Creates an empty Pod with apiVersion and kind set.</summary>
    public Pod()
    {
        ApiVersion = "v1";
        Kind = "Pod";
    }

    /// <summary>Desired state.</summary>
    public PodSpec Spec { get; init; } = PodSpec.Unset;

    /// <summary>Observed state (written by the scheduler, IPAM and kubelet).</summary>
    public PodStatus? Status { get; init; }
}

using Podnet.Cluster.NetworkPolicies;
namespace Podnet.Analysis.NetworkPolicies;

/// <summary>
/// One end of a connection the analyzer judges: a pod, an external IPv4 range ("atom") outside the
/// cluster, or the ingress controller (netpol-analyzer's <c>{ingress-controller}</c>).
/// </summary>
public sealed record Endpoint
{
    private Endpoint(PodInfo? pod, Ipv4Range? range, bool ingressController)
    {
        Pod = pod;
        Range = range;
        IsIngressController = ingressController;
    }

    /// <summary>The pod, for a pod endpoint.</summary>
    public PodInfo? Pod { get; }

    /// <summary>The address range, for an external endpoint.</summary>
    public Ipv4Range? Range { get; }

    /// <summary>True for the ingress controller.</summary>
    public bool IsIngressController { get; }

    /// <summary>The namespace the ingress controller is modelled in (a namespace with no other labels).</summary>
    public const string IngressControllerNamespace = "ingress-controller-ns";

    /// <summary>A pod endpoint.</summary>
    public static Endpoint ForPod(PodInfo pod) => new(pod, null, false);

    /// <summary>An external range endpoint.</summary>
    public static Endpoint ForRange(Ipv4Range range) => new(null, range, false);

    /// <summary>The ingress controller.</summary>
    public static Endpoint IngressController { get; } = new(null, null, true);

    /// <summary>The peer name in netpol-analyzer's form (workload, <c>a-b[External]</c> or <c>{ingress-controller}</c>).</summary>
    public string DisplayName => Pod != null ? Pod.Workload.ToString() : IsIngressController ? "{ingress-controller}" : Range + "[External]";

    /// <inheritdoc />
    public override string ToString() => Pod != null ? "pod/" + Pod.FullName : DisplayName;
}

using System.Net;

namespace Podnet.Cluster.Dns.CoreDns;

/// <summary>The <c>pods</c> option of the kubernetes plugin.</summary>
public enum PodsMode
{
    /// <summary>No pod records (plugin default).</summary>
    Disabled,
    /// <summary>Answer any well-formed dashed IP in an existing namespace (kubeadm's default).</summary>
    Insecure,
    /// <summary>Answer only if a pod with that IP exists in the namespace.</summary>
    Verified,
}

/// <summary>Options of the CoreDNS <c>kubernetes [ZONES...] { ... }</c> block (reference §1.13).</summary>
public sealed record KubernetesPluginOptions
{
    /// <summary>Authoritative zones, absolute, the first being the primary zone (PTR targets use it).</summary>
    public IReadOnlyList<string> Zones { get; init; } = ["cluster.local."];

    /// <summary><c>namespaces</c>: exposed namespaces (empty = all).</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary><c>pods</c>.</summary>
    public PodsMode Pods { get; init; } = PodsMode.Disabled;

    /// <summary><c>ttl</c> (default 5, 0..3600).</summary>
    public uint Ttl { get; init; } = 5;

    /// <summary><c>fallthrough [ZONES]</c>: null = no fallthrough; empty = every zone.</summary>
    public IReadOnlyList<string>? Fallthrough { get; init; }

    /// <summary><c>ignore empty_service</c>.</summary>
    public bool IgnoreEmptyService { get; init; }

    /// <summary><c>endpoint_pod_names</c>.</summary>
    public bool EndpointPodNames { get; init; }

    /// <summary><c>noendpoints</c>.</summary>
    public bool NoEndpoints { get; init; }

    /// <summary>The IPs of the CoreDNS instance itself (its pod IPs), used for the apex NS record.</summary>
    public IReadOnlyList<IPAddress> OwnAddresses { get; init; } = [];
}

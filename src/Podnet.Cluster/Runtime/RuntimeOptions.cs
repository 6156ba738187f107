namespace Podnet.Cluster.Runtime;

/// <summary>How a cluster is realized: the seed of its event loop, the wall-clock time at virtual zero, and switches a user may flip to see why things exist.</summary>
public sealed record RuntimeOptions
{
    /// <summary>Seed of the event loop's random source (<c>--seed</c>).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Wall-clock time at virtual time zero (log timestamps).</summary>
    public DateTimeOffset Epoch { get; init; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Egress masquerade (ip-masq-agent rules); off shows why it exists: replies to pod IPs find no route back.</summary>
    public bool EgressMasquerade { get; init; } = true;

    /// <summary>The NetworkPolicy agent on every node (filter rules from the policies that select its pods).</summary>
    public bool EnforceNetworkPolicies { get; init; } = true;

    /// <summary>
    /// Whether the kubelets run their pods' probes in the background (as on a live node, so that
    /// <c>tcpdump</c> sees the probe traffic). Off by default: a pod's readiness is already its stored status.
    /// </summary>
    public bool RunProbes { get; init; }

    /// <summary>Overrides the cluster's overlay (<c>host-gw</c> or <c>vxlan</c>); null keeps the cluster's setting.</summary>
    public string? Overlay { get; init; }

    /// <summary>Overrides the cluster's kube-proxy mode; null keeps the cluster's setting.</summary>
    public string? ProxyMode { get; init; }
}

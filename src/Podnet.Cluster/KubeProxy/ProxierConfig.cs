using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Podnet.Kernel.Simulation;

namespace Podnet.Cluster.KubeProxy;

/// <summary>
/// The kube-proxy configuration a proxier runs with (the flags and KubeProxyConfiguration fields
/// that shape the rules): node, IP family, masquerading, local-traffic detection, NodePort addresses,
/// localhost NodePorts, and facts about the node's tools (nfacct counters, <c>--random-fully</c>).
/// </summary>
public sealed record ProxierConfig
{
    /// <summary>This node's name (endpoints with this <c>nodeName</c> are local).</summary>
    public required string NodeName { get; init; }

    /// <summary>The proxier's family: IPv4 (<c>InterNetwork</c>) or IPv6.</summary>
    public AddressFamily IPFamily { get; init; } = AddressFamily.InterNetwork;

    /// <summary>The node's primary IP of this family (used for LoadBalancerSourceRanges' "allow from node").</summary>
    public IPAddress? NodeIP { get; init; }

    /// <summary>Every address on the node's interfaces (loopback included), for <c>--nodeport-addresses</c> and IPVS NodePorts.</summary>
    public IReadOnlyList<IPAddress> NodeAddresses { get; init; } = [];

    /// <summary>Labels of this node (topology); a change forces a full sync.</summary>
    public IReadOnlyDictionary<string, string> NodeLabels { get; init; } = new Dictionary<string, string>();

    /// <summary><c>--masquerade-all</c>.</summary>
    public bool MasqueradeAll { get; init; }

    /// <summary><c>--iptables-masquerade-bit</c> (default 14, mark 0x4000).</summary>
    public int MasqueradeBit { get; init; } = 14;

    /// <summary>If set, used verbatim as the mark text (upstream's test fakes use "0x4000").</summary>
    public string? MasqueradeMarkOverride { get; init; }

    /// <summary>The mark as kube-proxy writes it: Go's <c>%#08x</c> of <c>1 &lt;&lt; bit</c>, i.e. <c>0x00004000</c>.</summary>
    public string MasqueradeMark => MasqueradeMarkOverride ?? "0x" + (1 << MasqueradeBit).ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>The local traffic detector (<c>--detect-local-mode</c> and its CIDR or interface).</summary>
    public LocalTrafficDetector LocalDetector { get; init; } = LocalTrafficDetector.NoOp;

    /// <summary><c>--nodeport-addresses</c>: CIDRs (or "primary"); null or empty = all local addresses.</summary>
    public IReadOnlyList<string>? NodePortAddresses { get; init; }

    /// <summary><c>--iptables-localhost-nodeports</c> (default true; forced off as upstream does when NodePort addresses exclude loopback).</summary>
    public bool LocalhostNodePorts { get; init; } = true;

    /// <summary>The nfacct counter <c>ct_state_invalid_dropped_pkts</c> exists on the node.</summary>
    public bool NfacctCtStateInvalidDropped { get; init; }

    /// <summary>The nfacct counter <c>localhost_nps_accepted_pkts</c> exists on the node.</summary>
    public bool NfacctLocalhostNodePortsAccepted { get; init; }

    /// <summary><c>net.netfilter.nf_conntrack_tcp_be_liberal</c> is non-zero: no INVALID drop rule.</summary>
    public bool ConntrackTcpBeLiberal { get; init; }

    /// <summary>The iptables binary supports <c>MASQUERADE --random-fully</c>.</summary>
    public bool IptablesHasRandomFully { get; init; } = true;

    /// <summary>Endpoints above which iptables mode drops per-endpoint comments (upstream 1000).</summary>
    public int LargeClusterEndpointsThreshold { get; init; } = 1000;

    /// <summary>Service CIDRs (ServiceCIDR objects); nftables drops traffic to unallocated IPs in them.</summary>
    public IReadOnlyList<string> ServiceCIDRs { get; init; } = [];

    /// <summary><c>--sync-period</c>: in large-cluster mode stale chains are deleted at most this often.</summary>
    public TimeSpan SyncPeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Virtual clock for the time-based behaviours; null = every sync is "after the period".</summary>
    public IClock? Clock { get; init; }

    /// <summary>IPVS scheduler (<c>--ipvs-scheduler</c>, default rr).</summary>
    public string IpvsScheduler { get; init; } = "rr";

    /// <summary>True for an IPv6 proxier.</summary>
    public bool IsIPv6 => IPFamily == AddressFamily.InterNetworkV6;
}

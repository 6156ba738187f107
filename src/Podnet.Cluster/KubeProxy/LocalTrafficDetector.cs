using System.Net.Sockets;

namespace Podnet.Cluster.KubeProxy;

/// <summary>How kube-proxy tells pod traffic from other traffic (<c>--detect-local-mode</c>).</summary>
public enum LocalDetectMode
{
    /// <summary>No detector: rules that need one are omitted.</summary>
    None,

    /// <summary>Source inside the cluster CIDR (<c>--cluster-cidr</c>).</summary>
    ClusterCIDR,

    /// <summary>Source inside this node's pod CIDR.</summary>
    NodeCIDR,

    /// <summary>Arriving on the pod bridge (<c>--pod-bridge-interface</c>).</summary>
    BridgeInterface,

    /// <summary>Arriving on an interface whose name starts with a prefix (<c>--pod-interface-name-prefix</c>).</summary>
    InterfaceNamePrefix,
}

/// <summary>
/// Upstream <c>proxyutil.LocalTrafficDetector</c>: the match fragments that select traffic from
/// local pods (<c>IfLocal</c>) or from anything else (<c>IfNotLocal</c>), in iptables and nftables syntax.
/// </summary>
public sealed record LocalTrafficDetector(LocalDetectMode Mode, string Value = "", AddressFamily Family = AddressFamily.InterNetwork)
{
    /// <summary>The "no detector" value.</summary>
    public static LocalTrafficDetector NoOp { get; } = new(LocalDetectMode.None);

    /// <summary>A ClusterCIDR/NodeCIDR detector for <paramref name="cidr"/> (family taken from the CIDR).</summary>
    public static LocalTrafficDetector ForCidr(string cidr, LocalDetectMode mode = LocalDetectMode.ClusterCIDR)
    {
        if (!IpParsing.TryParseCidrSloppy(cidr, out var net))
            throw new ArgumentException($"invalid CIDR \"{cidr}\"", nameof(cidr));
        return new LocalTrafficDetector(mode, net.ToString(), net.BaseAddress.AddressFamily);
    }

    /// <summary>Upstream <c>IsImplemented()</c>.</summary>
    public bool IsImplemented => Mode != LocalDetectMode.None;

    private string SAddr => Family == AddressFamily.InterNetworkV6 ? "ip6 saddr" : "ip saddr";

    /// <summary>iptables arguments matching local pod traffic, e.g. <c>-s 10.0.0.0/8</c>.</summary>
    public string IfLocal => Mode switch
    {
        LocalDetectMode.ClusterCIDR or LocalDetectMode.NodeCIDR => "-s " + Value,
        LocalDetectMode.BridgeInterface => "-i " + Value,
        LocalDetectMode.InterfaceNamePrefix => "-i " + Value + "+",
        _ => "",
    };

    /// <summary>iptables arguments matching non-pod traffic, e.g. <c>! -s 10.0.0.0/8</c>.</summary>
    public string IfNotLocal => Mode switch
    {
        LocalDetectMode.ClusterCIDR or LocalDetectMode.NodeCIDR => "! -s " + Value,
        LocalDetectMode.BridgeInterface => "! -i " + Value,
        LocalDetectMode.InterfaceNamePrefix => "! -i " + Value + "+",
        _ => "",
    };

    /// <summary>nftables expression matching local pod traffic, e.g. <c>ip saddr 10.0.0.0/8</c>.</summary>
    public string IfLocalNft => Mode switch
    {
        LocalDetectMode.ClusterCIDR or LocalDetectMode.NodeCIDR => SAddr + " " + Value,
        LocalDetectMode.BridgeInterface => "iif " + Value,
        LocalDetectMode.InterfaceNamePrefix => "iifname " + Value + "*",
        _ => "",
    };

    /// <summary>nftables expression matching non-pod traffic, e.g. <c>ip saddr != 10.0.0.0/8</c>.</summary>
    public string IfNotLocalNft => Mode switch
    {
        LocalDetectMode.ClusterCIDR or LocalDetectMode.NodeCIDR => SAddr + " != " + Value,
        LocalDetectMode.BridgeInterface => "iif != " + Value,
        LocalDetectMode.InterfaceNamePrefix => "iifname != " + Value + "*",
        _ => "",
    };
}

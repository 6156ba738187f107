namespace Podnet.Cluster.KubeProxy;

/// <summary>kube-proxy's <c>--proxy-mode</c>.</summary>
public enum ProxyMode
{
    /// <summary>iptables-restore text (the default on Linux).</summary>
    Iptables,

    /// <summary>One <c>nft -f</c> transaction for the <c>kube-proxy</c> table.</summary>
    Nftables,

    /// <summary>IPVS virtual services, ipsets and supporting iptables rules.</summary>
    Ipvs,
}

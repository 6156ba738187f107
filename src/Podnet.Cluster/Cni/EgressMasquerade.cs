using System.Text;

namespace Podnet.Cluster.Cni;

/// <summary>
/// Egress masquerade as ip-masq-agent (and kindnetd, which embeds it) writes it into the node's
/// <c>nat</c> table: traffic to a non-local destination goes to <c>IP-MASQ</c>, which RETURNs for
/// the cluster's pod CIDR (pod-to-pod keeps its source) and masquerades everything else, so a pod
/// reaching the internet leaves with the node's IP.
/// </summary>
public static class EgressMasquerade
{
    /// <summary>The chain ip-masq-agent owns.</summary>
    public const string Chain = "IP-MASQ";

    /// <summary>The <c>iptables-restore --noflush</c> input for a cluster whose pod network is <paramref name="clusterCidr"/>.</summary>
    public static string RestoreText(string clusterCidr)
    {
        var sb = new StringBuilder();
        sb.Append("*nat\n");
        sb.Append(":IP-MASQ - [0:0]\n");
        sb.Append("-A POSTROUTING -m comment --comment \"ip-masq-agent: ensure nat POSTROUTING directs all non-LOCAL destination traffic to our custom IP-MASQ chain\" -m addrtype ! --dst-type LOCAL -j IP-MASQ\n");
        sb.Append("-A IP-MASQ -d ").Append(clusterCidr).Append(" -m comment --comment \"ip-masq-agent: local traffic is not subject to MASQUERADE\" -j RETURN\n");
        sb.Append("-A IP-MASQ -m comment --comment \"ip-masq-agent: outbound traffic is subject to MASQUERADE (must be last in chain)\" -j MASQUERADE\n");
        sb.Append("COMMIT\n");
        return sb.ToString();
    }
}

namespace Podnet.Cluster.NetworkPolicies;

/// <summary>
/// The layer-4 protocols a Kubernetes NetworkPolicy port can name (<c>networking.k8s.io/v1</c>
/// <c>NetworkPolicyPort.protocol</c>: TCP, the default, UDP or SCTP). Values index arrays.
/// </summary>
public enum PolicyProtocol
{
    /// <summary>TCP (IP protocol 6); the default when a port omits its protocol.</summary>
    Tcp = 0,

    /// <summary>UDP (IP protocol 17).</summary>
    Udp = 1,

    /// <summary>SCTP (IP protocol 132).</summary>
    Sctp = 2,
}

/// <summary>Names of <see cref="PolicyProtocol"/> as Kubernetes writes them.</summary>
public static class PolicyProtocols
{
    /// <summary>All protocols in Kubernetes' order (TCP, UDP, SCTP).</summary>
    public static readonly PolicyProtocol[] All = [PolicyProtocol.Tcp, PolicyProtocol.Udp, PolicyProtocol.Sctp];

    /// <summary>The upper-case name (<c>TCP</c>, <c>UDP</c>, <c>SCTP</c>).</summary>
    public static string Name(PolicyProtocol p) => p switch
    {
        PolicyProtocol.Tcp => "TCP",
        PolicyProtocol.Udp => "UDP",
        _ => "SCTP",
    };

    /// <summary>The lower-case name iptables and nft use (<c>tcp</c>, <c>udp</c>, <c>sctp</c>).</summary>
    public static string LowerName(PolicyProtocol p) => p switch
    {
        PolicyProtocol.Tcp => "tcp",
        PolicyProtocol.Udp => "udp",
        _ => "sctp",
    };

    /// <summary>Parses a Kubernetes protocol name (case-insensitive); null/empty means TCP.</summary>
    public static bool TryParse(string? text, out PolicyProtocol protocol)
    {
        switch (text?.ToUpperInvariant())
        {
            case null or "" or "TCP":
                protocol = PolicyProtocol.Tcp;
                return true;
            case "UDP":
                protocol = PolicyProtocol.Udp;
                return true;
            case "SCTP":
                protocol = PolicyProtocol.Sctp;
                return true;
            default:
                protocol = PolicyProtocol.Tcp;
                return false;
        }
    }
}

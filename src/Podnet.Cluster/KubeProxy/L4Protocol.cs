namespace Podnet.Cluster.KubeProxy;

/// <summary>
/// A Service port's transport protocol (Kubernetes <c>v1.Protocol</c>: TCP, UDP, SCTP).
/// kube-proxy writes it lowercased in rules (<c>-m tcp -p tcp</c>, <c>meta l4proto tcp</c>) and hashes.
/// </summary>
public enum L4Protocol
{
    /// <summary>TCP (IP protocol 6).</summary>
    Tcp,

    /// <summary>UDP (IP protocol 17).</summary>
    Udp,

    /// <summary>SCTP (IP protocol 132).</summary>
    Sctp,
}

/// <summary>Text forms of <see cref="L4Protocol"/> as kube-proxy writes them.</summary>
public static class L4ProtocolNames
{
    /// <summary>Lowercase name used in iptables/nftables rules and chain hashes: tcp, udp, sctp.</summary>
    public static string Lower(this L4Protocol protocol) => protocol switch
    {
        L4Protocol.Tcp => "tcp",
        L4Protocol.Udp => "udp",
        L4Protocol.Sctp => "sctp",
        _ => throw new ArgumentOutOfRangeException(nameof(protocol)),
    };

    /// <summary>Kubernetes API spelling: TCP, UDP, SCTP.</summary>
    public static string Api(this L4Protocol protocol) => protocol switch
    {
        L4Protocol.Tcp => "TCP",
        L4Protocol.Udp => "UDP",
        L4Protocol.Sctp => "SCTP",
        _ => throw new ArgumentOutOfRangeException(nameof(protocol)),
    };

    /// <summary>Parses the API spelling (case-insensitive); an empty string is TCP as the API defaults it.</summary>
    public static bool TryParse(string? text, out L4Protocol protocol)
    {
        switch ((text ?? "").ToUpperInvariant())
        {
            case "":
            case "TCP": protocol = L4Protocol.Tcp; return true;
            case "UDP": protocol = L4Protocol.Udp; return true;
            case "SCTP": protocol = L4Protocol.Sctp; return true;
            default: protocol = L4Protocol.Tcp; return false;
        }
    }
}

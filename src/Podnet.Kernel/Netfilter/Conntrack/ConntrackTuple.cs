namespace Podnet.Kernel.Netfilter.Conntrack;

/// <summary>
/// A conntrack tuple (<c>struct nf_conntrack_tuple</c>): protocol, addresses and ports. ICMP echo flows
/// use the echo identifier as both ports, so the tuple inverts onto itself as in Linux's icmp tuple.
/// </summary>
public readonly record struct ConntrackTuple(byte Protocol, uint Source, uint Destination, ushort SourcePort, ushort DestinationPort)
{
    public ConntrackTuple Invert() => new(Protocol, Destination, Source, DestinationPort, SourcePort);

    /// <summary>Field-wise equality (written out: the compiler's version goes through EqualityComparer per field).</summary>
    public bool Equals(ConntrackTuple other) =>
        Source == other.Source && Destination == other.Destination && SourcePort == other.SourcePort
        && DestinationPort == other.DestinationPort && Protocol == other.Protocol;

    /// <summary>A hash over all fields (as the kernel's hash_conntrack over the tuple).</summary>
    public override int GetHashCode()
    {
        ulong h = ((ulong)Source << 32 | Destination) * 0x9E3779B97F4A7C15UL;
        h ^= ((ulong)SourcePort << 24 | (ulong)DestinationPort << 8 | Protocol) * 0xC2B2AE3D27D4EB4FUL;
        h ^= h >> 29;
        return (int)h ^ (int)(h >> 32);
    }

    /// <summary>The tuple of a packet as it is now (after any rewrite so far).</summary>
    public static ConntrackTuple Of(NetfilterPacket p) => p.Protocol switch
    {
        1 => new ConntrackTuple(1, p.Source, p.Destination, p.IcmpId, p.IcmpId),
        6 or 17 or 132 => new ConntrackTuple(p.Protocol, p.Source, p.Destination, p.SourcePort, p.DestinationPort),
        _ => new ConntrackTuple(p.Protocol, p.Source, p.Destination, 0, 0),
    };
}

/// <summary>Which way a packet travels relative to its conntrack entry (IP_CT_DIR_ORIGINAL / IP_CT_DIR_REPLY).</summary>
public enum ConntrackDirection
{
    Original,
    Reply,
}

/// <summary>The conntrack state a packet has, as <c>-m conntrack --ctstate</c> and nft <c>ct state</c> name it.</summary>
[Flags]
public enum ConntrackState
{
    None = 0,
    Invalid = 1,
    Established = 2,
    Related = 4,
    New = 8,
    Untracked = 64,
    /// <summary>ctstate SNAT pseudo-state: the connection has a source NAT.</summary>
    Snat = 128,
    /// <summary>ctstate DNAT pseudo-state: the connection has a destination NAT.</summary>
    Dnat = 256,
}

/// <summary>TCP connection tracking states (<c>enum tcp_conntrack</c>) as <c>conntrack -L</c> prints them.</summary>
public enum TcpConntrackState
{
    None,
    SynSent,
    SynRecv,
    Established,
    FinWait,
    CloseWait,
    LastAck,
    TimeWait,
    Close,
}

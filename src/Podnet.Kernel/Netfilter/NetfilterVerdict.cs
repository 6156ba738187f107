namespace Podnet.Kernel.Netfilter;

/// <summary>What a hook decided for a packet.</summary>
public enum NetfilterVerdictKind
{
    /// <summary>Continue through the stack (the packet may have been rewritten by NAT).</summary>
    Accept,
    /// <summary>Silently discard (NF_DROP).</summary>
    Drop,
    /// <summary>Discard and answer the sender: ICMP error or TCP RST, see <see cref="RejectWith"/>.</summary>
    Reject,
}

/// <summary>How a REJECT answers, as iptables' <c>--reject-with</c> and nft's <c>reject with</c>.</summary>
public enum RejectWith
{
    IcmpPortUnreachable,
    IcmpNetUnreachable,
    IcmpHostUnreachable,
    IcmpProtoUnreachable,
    IcmpNetProhibited,
    IcmpHostProhibited,
    IcmpAdminProhibited,
    TcpReset,
}

/// <summary>The result of running one hook over a packet.</summary>
public readonly record struct NetfilterVerdict(NetfilterVerdictKind Kind, RejectWith RejectWith = RejectWith.IcmpPortUnreachable)
{
    public static NetfilterVerdict Accept => new(NetfilterVerdictKind.Accept);
    public static NetfilterVerdict Drop => new(NetfilterVerdictKind.Drop);
    public static NetfilterVerdict Reject(RejectWith with) => new(NetfilterVerdictKind.Reject, with);
}

using Podnet.Kernel.Netfilter.Conntrack;

namespace Podnet.Kernel.Netfilter;

/// <summary>
/// Something registered at a netfilter hook with a priority (<c>struct nf_hook_ops</c>): an iptables
/// table's built-in chain, an nftables base chain, or one of the kernel's own functions
/// (conntrack, NAT manipulation, IPVS, confirmation).
/// </summary>
internal abstract class HookFunction
{
    protected HookFunction(NetfilterHook hook, int priority)
    {
        Hook = hook;
        Priority = priority;
    }

    public NetfilterHook Hook { get; }
    public int Priority { get; }
    /// <summary>Order among functions of equal priority (kernel functions after rule sets).</summary>
    public virtual int Tiebreak => 0;
    /// <summary>True for NAT chains (iptables nat table, nft <c>type nat</c>): consulted only for a connection's first packet.</summary>
    public virtual bool IsNat => false;

    public abstract NetfilterVerdict Run(PacketContext ctx);
}

/// <summary>Per-packet evaluation state shared by the rule interpreters (reused; netfilter is single-threaded per namespace).</summary>
internal sealed class PacketContext
{
    public PacketContext(Netfilter owner) => Netfilter = owner;

    public Netfilter Netfilter { get; }
    public NetfilterPacket Packet = null!;
    public NetfilterHook Hook;
    public ConntrackRef Ct = ConntrackRef.Invalid;
    /// <summary>The packet has its conntrack for this namespace (looked up, or carried from an earlier hook): <see cref="Ct"/> is it.</summary>
    public bool Tracked;
    /// <summary>Set when a NAT target bound the connection during this hook.</summary>
    public bool NatBound;
    /// <summary>Set by a function that took the packet over (IPVS at INPUT, NF_STOLEN): later functions of this hook do not run.</summary>
    public bool Stolen;
    public TimeSpan Now;
}

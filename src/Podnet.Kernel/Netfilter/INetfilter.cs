namespace Podnet.Kernel.Netfilter;

/// <summary>
/// One network namespace's netfilter: the stack calls <see cref="Process"/> at each hook.
/// Tables (raw, mangle, nat, filter, nftables base chains), conntrack, NAT and IPVS live behind it.
/// </summary>
/// <remarks>
/// Contract with the stack:
/// <list type="bullet">
/// <item>PREROUTING and OUTPUT: conntrack looks the packet up (or creates a NEW entry) and applies
/// destination NAT (DNAT, or the reverse of an existing SNAT for replies); the stack routes on the
/// rewritten <see cref="NetfilterPacket.Destination"/> afterwards.</item>
/// <item>POSTROUTING and INPUT: source NAT (SNAT, MASQUERADE, or reverse of DNAT for replies) and
/// conntrack confirmation.</item>
/// <item>If after INPUT the destination is no longer local (IPVS rewrote it), the stack routes
/// the packet out as if it were forwarded, through POSTROUTING.</item>
/// <item>The stack applies every rewritten field of <see cref="NetfilterPacket"/> back to the wire packet
/// (addresses, ports, ICMP id, mark) and fixes checksums.</item>
/// <item>The packet object is only valid during the call: the stack refills and reuses it for its
/// next hook call (as the kernel reads the fields from the skb again), so an implementation must not
/// keep it.</item>
/// </list>
/// </remarks>
public interface INetfilter
{
    NetfilterVerdict Process(NetfilterHook hook, NetfilterPacket packet);
}

using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Podnet.Kernel.Links;
using Podnet.Kernel.Netfilter;
using Podnet.Kernel.Tracing;
using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Stack;

// Calling netfilter at the hook points and applying what it rewrote (NAT, mark) back to the packet.
public sealed partial class NetNamespace
{
    /// <summary>Runs one hook over the IPv4 packet at offset 14 of <paramref name="f"/>; false when it was dropped or rejected.</summary>
    private bool Hook(NetfilterHook hook, Frame f, NetDevice? inDev, NetDevice? outDev, bool local)
    {
        if (_emulatedNetfilter is { } enf && !enf.HasFunctions(hook))
        {
            // nothing registered at this hook: nothing to run (a kept view is forgotten, as by any hook call)
            _viewFrame = null;
            return true;
        }
        NetfilterPacket? p;
        if (ReferenceEquals(_viewFrame, f) && hook == _viewNext && !_hookPacketBusy)
        {
            // POSTROUTING right after OUTPUT, INPUT right after PREROUTING, of the same frame: the view
            // already holds its header fields (NAT's changes were written back to the frame from it)
            p = _hookPacket!;
            _hookPacketBusy = true;
            p.Modified = false;
        }
        else p = RentPacket(f);
        _viewFrame = null;
        if (p == null) return true;
        // the same devices hook after hook: store only a changed name (each reference store is a GC write barrier)
        var inName = inDev?.Name;
        var outName = outDev?.Name;
        if (!ReferenceEquals(p.InInterface, inName)) p.InInterface = inName;
        if (!ReferenceEquals(p.OutInterface, outName)) p.OutInterface = outName;
        if (p.Bridged)
        {
            p.PhysInInterface = p.PhysOutInterface = null;
            p.Bridged = false;
        }
        p.LocallyGenerated = local;
        var r = RunHook(hook, f, p, inDev ?? outDev);
        if (r != BridgeHookResult.Stolen && hook is NetfilterHook.Output or NetfilterHook.Prerouting && ReferenceEquals(p, _hookPacket)
            && _emulatedNetfilter is not null && p.IcmpEmbedded is null && f.Trace is null)
        {
            _viewFrame = f;
            _viewNext = hook == NetfilterHook.Output ? NetfilterHook.Postrouting : NetfilterHook.Input;
        }
        ReturnPacket(p);
        return r != BridgeHookResult.Stolen;
    }

    // The frame whose header fields the shared view still holds after an accepted OUTPUT or PREROUTING
    // (the emulated netfilter writes only what NAT changes, and the stack writes that back to the frame),
    // and the hook that may use it without loading it again: the next hook call of this namespace, when
    // it is that hook for that frame (the paths between them read the frame and do not change it; any
    // other hook call forgets it). Never for a traced frame, an ICMP error (its embedded view is not
    // kept) or another netfilter implementation (it may change fields the stack does not write back).
    private Frame? _viewFrame;
    private NetfilterHook _viewNext;

    // One netfilter view is reused from hook call to hook call (every field is refilled from the frame
    // and the hook's arguments each time, as the kernel reads them from the skb); a nested hook call (a
    // REJECT's own packet) gets a fresh one. A busy flag rather than taking the object out and putting
    // it back keeps reference stores (GC write barriers) off the per-hook path.
    private NetfilterPacket? _hookPacket;
    private bool _hookPacketBusy;

    private NetfilterPacket? RentPacket(Frame f)
    {
        int length = f.Length - IpOffset;
        if (length < Ipv4Header.MinSize) return null;
        NetfilterPacket p;
        if (_hookPacketBusy) p = new NetfilterPacket();
        else
        {
            p = _hookPacket ??= new NetfilterPacket();
            _hookPacketBusy = true;
        }
        p.Load(new ReadOnlySpan<byte>(f.Data, IpOffset, length));
        return p;
    }

    private void ReturnPacket(NetfilterPacket p)
    {
        // a view comes back with Conntrack, Trace and IcmpEmbedded cleared (stores of null need no write barrier)
        p.Conntrack = null;
        p.Trace = null;
        p.IcmpEmbedded = null;
        if (ReferenceEquals(p, _hookPacket)) _hookPacketBusy = false;
    }

    /// <summary>br_netfilter: a hook over a bridged IPv4 frame (<see cref="NetfilterPacket.Bridged"/>).</summary>
    internal BridgeHookResult BridgeHook(NetfilterHook hook, Bridge bridge, NetDevice inPort, NetDevice? outPort, Frame f)
    {
        if (!Ipv4Header.TryParse(f.Span[IpOffset..], out _, out _))
        {
            Counters.InHdrErrors++;
            return BridgeHookResult.Stolen;
        }
        _viewFrame = null;
        if (_emulatedNetfilter is { } enf && !enf.HasFunctions(hook)) return BridgeHookResult.Continue;
        var p = RentPacket(f);
        if (p == null) return BridgeHookResult.Continue;
        p.Bridged = true;
        p.LocallyGenerated = false;
        p.InInterface = bridge.Name;
        p.OutInterface = outPort != null ? bridge.Name : null;
        p.PhysInInterface = inPort.Name;
        p.PhysOutInterface = outPort?.Name;
        var r = RunHook(hook, f, p, bridge);
        ReturnPacket(p);
        return r;
    }

    private BridgeHookResult RunHook(NetfilterHook hook, Frame f, NetfilterPacket p, NetDevice? device)
    {
        p.Mark = f.Mark;
        // the view comes back with Conntrack and Trace cleared: store only what is there (each reference
        // store is a GC write barrier, and this runs at every hook)
        if (f.Trace is { } trace) p.Trace = trace;
        uint oldDst = p.Destination;
        NetfilterVerdict v;
        var carried = f.Conntrack;
        if (_emulatedNetfilter is { } nf)
        {
            // the emulated netfilter takes and gives back the frame's conntrack beside the view
            var nfct = carried;
            v = nf.Process(hook, p, World.Loop.Now, ref nfct);
            if (!ReferenceEquals(carried, nfct)) f.Conntrack = nfct;
        }
        else
        {
            if (carried is not null) p.Conntrack = carried;
            v = Netfilter!.Process(hook, p);
            if (!ReferenceEquals(carried, p.Conntrack)) f.Conntrack = p.Conntrack;
        }
        f.Mark = p.Mark;
        if (v.Kind != NetfilterVerdictKind.Accept) return Refused(hook, f, v, device);
        // write back only what NAT or IPVS assigned (an unmodified view equals the frame)
        if (p.Modified || p.IcmpEmbedded is { Modified: true }) ApplyRewrite(f, IpOffset, p);
        return p.Destination != oldDst && hook is NetfilterHook.Prerouting ? BridgeHookResult.DestinationChanged : BridgeHookResult.Continue;
    }

    // a verdict other than accept: count, trace, and send the REJECT's error
    private BridgeHookResult Refused(NetfilterHook hook, Frame f, NetfilterVerdict v, NetDevice? device)
    {
        if (v.Kind == NetfilterVerdictKind.Drop)
        {
            Counters.NetfilterDrops++;
            if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Drop, Name, device?.Name, $"dropped by netfilter at {hook.ToString().ToUpperInvariant()}"));
            return BridgeHookResult.Stolen;
        }
        if (v.Kind == NetfilterVerdictKind.Reject)
        {
            Counters.NetfilterDrops++;
            if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Drop, Name, device?.Name, $"rejected by netfilter at {hook.ToString().ToUpperInvariant()} with {v.RejectWith}"));
            SendReject(f, v.RejectWith);
            return BridgeHookResult.Stolen;
        }
        return BridgeHookResult.Continue;
    }

    /// <summary>Writes NAT results (addresses, ports, ICMP id, embedded header of an ICMP error) back and fixes checksums.</summary>
    private static void ApplyRewrite(Frame f, int ipOffset, NetfilterPacket p)
    {
        var b = f.Span[ipOffset..];
        if (TryRewriteIncremental(b, p)) return;
        if (!Rewrite(b, p, out int ihl)) return;
        int total = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(b[2..]), b.Length);
        Ipv4Header.FixChecksum(b);
        var seg = b[ihl..total];
        switch (p.Protocol)
        {
            case IpProtocol.Tcp when seg.Length >= TcpHeader.MinSize:
                TcpHeader.FixChecksum(seg, p.Source, p.Destination);
                break;
            case IpProtocol.Udp when seg.Length >= UdpHeader.Size:
                if (seg[6] != 0 || seg[7] != 0) UdpHeader.FixChecksum(seg[..Math.Min(seg.Length, BinaryPrimitives.ReadUInt16BigEndian(seg[4..]))], p.Source, p.Destination);
                break;
            case IpProtocol.Sctp when seg.Length >= SctpCommonHeaderSize:
                FixSctpChecksum(seg);
                break;
            case IpProtocol.Icmp when seg.Length >= IcmpHeader.Size:
                seg[2] = 0;
                seg[3] = 0;
                BinaryPrimitives.WriteUInt16BigEndian(seg[2..], Checksum.Compute(seg));
                break;
        }
    }

    /// <summary>
    /// The common NAT rewrite of a TCP segment or a checksummed UDP datagram: addresses and ports are
    /// written and the transport checksum is adjusted by the difference of the changed 16-bit words
    /// (RFC 1624, as the kernel's inet_proto_csum_replace4/2), instead of being summed over the whole
    /// payload again. False when the packet is of another kind (the full rewrite handles it).
    /// </summary>
    internal static bool TryRewriteIncremental(Span<byte> b, NetfilterPacket p)
    {
        if (b.Length < Ipv4Header.MinSize || p.IcmpEmbedded != null) return false;
        ref byte ip = ref MemoryMarshal.GetReference(b);
        int ihl = (ip & 15) * 4;
        byte proto = Unsafe.Add(ref ip, 9);
        int total = Math.Min(ReadBig16(ref ip, 2), b.Length);
        int csumAt;
        if (proto == IpProtocol.Tcp && total - ihl >= TcpHeader.MinSize) csumAt = 16;
        else if (proto == IpProtocol.Udp && total - ihl >= UdpHeader.Size) csumAt = 6;
        else return false;
        if (ihl < Ipv4Header.MinSize) return false;
        // every offset below lies inside the checked header lengths: unchecked reads and writes
        ref byte t = ref Unsafe.Add(ref ip, ihl);
        uint os = ReadBig32(ref ip, 12), od = ReadBig32(ref ip, 16);
        ushort osp = ReadBig16(ref t, 0), odp = ReadBig16(ref t, 2);
        uint ns = p.Source, nd = p.Destination;
        ushort nsp = p.SourcePort, ndp = p.DestinationPort;
        if (os == ns && od == nd && osp == nsp && odp == ndp) return true;
        WriteBig32(ref ip, 12, ns);
        WriteBig32(ref ip, 16, nd);
        WriteBig16(ref t, 0, nsp);
        WriteBig16(ref t, 2, ndp);
        // HC' = ~(~HC + ~m + m') over each changed word; the IP header checksum covers the addresses
        // (csum_replace4 on iph->check in nf_nat_ipv4_manip_pkt), the transport one the addresses of
        // the pseudo-header and the ports
        uint addresses = (uint)(ushort)~(os >> 16) + (ushort)~os + (ns >> 16) + (ns & 0xFFFF)
            + (ushort)~(od >> 16) + (ushort)~od + (nd >> 16) + (nd & 0xFFFF);
        uint ipSum = (ushort)~ReadBig16(ref ip, 10) + addresses;
        while (ipSum > 0xFFFF) ipSum = (ipSum & 0xFFFF) + (ipSum >> 16);
        WriteBig16(ref ip, 10, (ushort)~ipSum);
        ushort old = ReadBig16(ref t, csumAt);
        // a UDP datagram sent without a checksum keeps none
        if (proto == IpProtocol.Udp && old == 0) return true;
        uint sum = (ushort)~old + addresses;
        sum += (uint)(ushort)~osp + nsp + (ushort)~odp + ndp;
        while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
        ushort csum = (ushort)~sum;
        if (proto == IpProtocol.Udp && csum == 0) csum = 0xFFFF;
        WriteBig16(ref t, csumAt, csum);
        return true;
    }

    private static ushort ReadBig16(ref byte b, int at) => BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref b, at)));

    private static uint ReadBig32(ref byte b, int at) => BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref b, at)));

    private static void WriteBig16(ref byte b, int at, ushort v) => Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, at), BinaryPrimitives.ReverseEndianness(v));

    private static void WriteBig32(ref byte b, int at, uint v) => Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, at), BinaryPrimitives.ReverseEndianness(v));

    /// <summary>Writes changed fields; true when anything changed.</summary>
    private static bool Rewrite(Span<byte> b, NetfilterPacket p, out int ihl)
    {
        ihl = (b[0] & 15) * 4;
        bool changed = false;
        if (BinaryPrimitives.ReadUInt32BigEndian(b[12..]) != p.Source) { BinaryPrimitives.WriteUInt32BigEndian(b[12..], p.Source); changed = true; }
        if (BinaryPrimitives.ReadUInt32BigEndian(b[16..]) != p.Destination) { BinaryPrimitives.WriteUInt32BigEndian(b[16..], p.Destination); changed = true; }
        if (b.Length < ihl + 4) return changed;
        var t = b[ihl..];
        switch (b[9])
        {
            case IpProtocol.Tcp or IpProtocol.Udp or IpProtocol.Sctp:
                if (BinaryPrimitives.ReadUInt16BigEndian(t) != p.SourcePort) { BinaryPrimitives.WriteUInt16BigEndian(t, p.SourcePort); changed = true; }
                if (BinaryPrimitives.ReadUInt16BigEndian(t[2..]) != p.DestinationPort) { BinaryPrimitives.WriteUInt16BigEndian(t[2..], p.DestinationPort); changed = true; }
                break;
            case IpProtocol.Icmp:
                if (t.Length >= 8 && t[0] is IcmpHeader.EchoRequest or IcmpHeader.EchoReply && BinaryPrimitives.ReadUInt16BigEndian(t[4..]) != p.IcmpId)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(t[4..], p.IcmpId);
                    changed = true;
                }
                if (p.IcmpEmbedded != null && t.Length >= 8 + Ipv4Header.MinSize)
                {
                    var inner = t[8..];
                    if (Rewrite(inner, p.IcmpEmbedded, out _))
                    {
                        Ipv4Header.FixChecksum(inner);
                        changed = true;
                    }
                }
                break;
        }
        return changed;
    }

    private const int SctpCommonHeaderSize = 12;

    /// <summary>
    /// SCTP's checksum is a CRC32c over the whole packet with the checksum field zeroed (RFC 9260 §6.8),
    /// without a pseudo-header; NAT of ports recomputes it as sctp_manip_pkt does.
    /// </summary>
    private static void FixSctpChecksum(Span<byte> seg)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(seg[8..], 0);
        uint crc = 0xFFFFFFFF;
        int i = 0;
        for (; i + 8 <= seg.Length; i += 8) crc = System.Numerics.BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(seg[i..]));
        for (; i < seg.Length; i++) crc = System.Numerics.BitOperations.Crc32C(crc, seg[i]);
        // the CRC is stored least significant byte first (RFC 9260 Appendix B)
        BinaryPrimitives.WriteUInt32LittleEndian(seg[8..], ~crc);
    }

    /// <summary>REJECT: an ICMP error or a TCP RST back to the sender of <paramref name="f"/> (nf_send_unreach / nf_send_reset).</summary>
    private void SendReject(Frame f, RejectWith with)
    {
        if (with == RejectWith.TcpReset)
        {
            Tcp.SendResetFor(f);
            return;
        }
        byte code = with switch
        {
            RejectWith.IcmpNetUnreachable => IcmpHeader.CodeNetUnreachable,
            RejectWith.IcmpHostUnreachable => IcmpHeader.CodeHostUnreachable,
            RejectWith.IcmpProtoUnreachable => IcmpHeader.CodeProtocolUnreachable,
            RejectWith.IcmpNetProhibited => IcmpHeader.CodeNetProhibited,
            RejectWith.IcmpHostProhibited => IcmpHeader.CodeHostProhibited,
            RejectWith.IcmpAdminProhibited => IcmpHeader.CodeAdminProhibited,
            _ => IcmpHeader.CodePortUnreachable,
        };
        SendIcmpError(f, IcmpHeader.DestinationUnreachable, code);
    }
}

using System.Buffers.Binary;
using Podnet.Kernel.Links;
using Podnet.Kernel.Netfilter;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Tracing;
using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Stack;

// The IPv4 packet path: receive (ip_rcv), route input, local delivery, forwarding, local output.
public sealed partial class NetNamespace
{
    internal const int IpOffset = EthernetHeader.Size;

    /// <summary>A frame came up from <paramref name="dev"/> (netif_receive_skb → protocol handler).</summary>
    internal void ReceiveFrame(NetDevice dev, Frame f)
    {
        if (f.Length < EthernetHeader.Size)
        {
            Counters.OtherHostDrops++;
            return;
        }
        var span = f.Span;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(span[12..]);
        if (!dev.NoArp)
        {
            var dst = MacAddress.Read(span);
            if (!dst.IsMulticast && dst != dev.Mac)
            {
                Counters.OtherHostDrops++;
                if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Drop, Name, dev.Name, $"frame for {dst} is not for this host (PACKET_OTHERHOST)"));
                return;
            }
        }
        if (type == EtherType.Ipv4) ReceiveIpv4(dev, f);
        else if (type == EtherType.Arp) ReceiveArp(dev, f);
        else Counters.OtherHostDrops++;
    }

    private void ReceiveIpv4(NetDevice dev, Frame f)
    {
        Counters.InReceives++;
        if (!Ipv4Header.TryParse(f.Span[IpOffset..], out var ip, out var err))
        {
            Counters.InHdrErrors++;
            if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Drop, Name, dev.Name, $"malformed IPv4 header: {err}"));
            return;
        }
        if (IpOffset + ip.TotalLength < f.Length) f.Length = IpOffset + ip.TotalLength;
        if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Ingress, Name, dev.Name, $"{Ipv4Address.Format(ip.Source)} > {Ipv4Address.Format(ip.Destination)} ttl {ip.Ttl}"));
        bool fromLo = dev is Links.Loopback;
        if (!fromLo && (Ipv4Address.IsLoopback(ip.Source) || (Ipv4Address.IsLoopback(ip.Destination) && !(dev.Ipv4Config.RouteLocalnet || Sysctls.All.RouteLocalnet))))
        {
            Counters.MartianDrops++;
            if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Drop, Name, dev.Name, "martian packet (127.0.0.0/8 on a non-loopback device, route_localnet=0)"));
            return;
        }
        if (Netfilter != null && !f.BridgePreroutingDone)
        {
            if (!Hook(NetfilterHook.Prerouting, f, dev, null, false)) return;
        }
        f.BridgePreroutingDone = false;
        RouteInput(dev, f);
    }

    private static uint ReadSource(Frame f) => BinaryPrimitives.ReadUInt32BigEndian(f.Data.AsSpan(IpOffset + 12));

    private static uint ReadDestination(Frame f) => BinaryPrimitives.ReadUInt32BigEndian(f.Data.AsSpan(IpOffset + 16));

    /// <summary>ip_route_input: local, broadcast, forward, or an error.</summary>
    private void RouteInput(NetDevice dev, Frame f)
    {
        uint src = ReadSource(f);
        uint dst = ReadDestination(f);
        bool fromLo = dev is Links.Loopback;
        if (dst == Ipv4Address.Broadcast)
        {
            LocalDeliver(dev, f);
            return;
        }
        if (Ipv4Address.IsMulticast(dst) || Ipv4Address.IsMulticast(src) || src == Ipv4Address.Broadcast)
        {
            Counters.InAddrErrors++;
            return;
        }
        if (!fromLo)
        {
            int rp = Math.Max(Sysctls.All.RpFilter, dev.Ipv4Config.RpFilter);
            if (rp != 0 && src != 0)
            {
                var back = MainTable.Lookup(src);
                if (back == null || back.Type != RouteType.Unicast || (rp == 1 && back.Device != dev))
                {
                    Counters.MartianDrops++;
                    if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Drop, Name, dev.Name, $"rp_filter={rp}: no reverse route to {Ipv4Address.Format(src)} via {dev.Name}"));
                    return;
                }
            }
            if (src != 0 && LocalTable.Lookup(src) is { Type: RouteType.Local })
            {
                Counters.MartianDrops++;
                if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Drop, Name, dev.Name, $"martian source {Ipv4Address.Format(src)} (a local address)"));
                return;
            }
        }
        var local = LocalTable.Lookup(dst);
        if (local != null)
        {
            if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Route, Name, dev.Name, $"{local.Type.ToString().ToLowerInvariant()} {Ipv4Address.Format(dst)} (table local)"));
            LocalDeliver(dev, f);
            return;
        }
        if (!(dev.Ipv4Config.Forwarding || Sysctls.IpForward))
        {
            Counters.InAddrErrors++;
            if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Drop, Name, dev.Name, $"{Ipv4Address.Format(dst)} is not local and net.ipv4.ip_forward=0"));
            return;
        }
        var r = MainTable.Lookup(dst);
        if (r == null)
        {
            Counters.InNoRoutes++;
            if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Route, Name, dev.Name, $"no route to {Ipv4Address.Format(dst)}: ICMP net unreachable"));
            SendIcmpError(f, IcmpHeader.DestinationUnreachable, IcmpHeader.CodeNetUnreachable);
            return;
        }
        switch (r.Type)
        {
            case RouteType.Blackhole:
                Counters.InDiscards++;
                if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Drop, Name, dev.Name, $"route {r.Format().TrimEnd()}: silently discarded"));
                return;
            case RouteType.Unreachable:
                if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Route, Name, dev.Name, $"route {r.Format().TrimEnd()}: ICMP host unreachable"));
                SendIcmpError(f, IcmpHeader.DestinationUnreachable, IcmpHeader.CodeHostUnreachable);
                return;
            case RouteType.Prohibit:
                if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Route, Name, dev.Name, $"route {r.Format().TrimEnd()}: ICMP admin prohibited"));
                SendIcmpError(f, IcmpHeader.DestinationUnreachable, IcmpHeader.CodeAdminProhibited);
                return;
        }
        Forward(dev, f, r, dst);
    }

    /// <summary>ip_forward: TTL, FORWARD hook, MTU, then POSTROUTING and the neighbour layer.</summary>
    private void Forward(NetDevice inDev, Frame f, Route r, uint dst)
    {
        var b = f.Span;
        byte ttl = b[IpOffset + 8];
        if (ttl <= 1)
        {
            Counters.TtlExceeded++;
            if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Drop, Name, inDev.Name, "TTL exceeded in transit: ICMP time exceeded"));
            SendIcmpError(f, IcmpHeader.TimeExceeded, 0);
            return;
        }
        var outDev = r.Device!;
        uint nexthop = r.Gateway != 0 ? r.Gateway : dst;
        if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Route, Name, inDev.Name, $"forward: {r.Format().TrimEnd()}"));
        b[IpOffset + 8] = (byte)(ttl - 1);
        Ipv4Header.FixChecksum(b[IpOffset..]);
        if (Netfilter != null)
        {
            if (!Hook(NetfilterHook.Forward, f, inDev, outDev, false)) return;
            uint nd = ReadDestination(f);
            if (nd != dst)
            {
                var r2 = MainTable.Lookup(nd);
                if (r2 == null || r2.Type != RouteType.Unicast) { Counters.OutNoRoutes++; return; }
                outDev = r2.Device!;
                nexthop = r2.Gateway != 0 ? r2.Gateway : nd;
            }
        }
        int len = f.Length - IpOffset;
        if (len > outDev.Mtu)
        {
            if ((b[IpOffset + 6] & 0x40) != 0)
                SendIcmpError(f, IcmpHeader.DestinationUnreachable, IcmpHeader.CodeFragmentationNeeded, (ushort)outDev.Mtu);
            Counters.InDiscards++;
            if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Drop, Name, outDev.Name, $"packet of {len} bytes exceeds mtu {outDev.Mtu} (fragmentation is not emulated)"));
            return;
        }
        Counters.ForwDatagrams++;
        PostRoute(f, inDev, outDev, nexthop, false);
    }

    /// <summary>ip_output → POSTROUTING → ip_finish_output2 (neighbour output).</summary>
    private void PostRoute(Frame f, NetDevice? inDev, NetDevice outDev, uint nexthop, bool local)
    {
        if (Netfilter != null && !Hook(NetfilterHook.Postrouting, f, inDev, outDev, local)) return;
        NeighbourOutput(outDev, nexthop, f);
    }

    private void LocalDeliver(NetDevice dev, Frame f)
    {
        if (Netfilter != null)
        {
            uint before = ReadDestination(f);
            if (!Hook(NetfilterHook.Input, f, dev, null, false)) return;
            uint nd = ReadDestination(f);
            if (nd != before && nd != Ipv4Address.Broadcast && LocalTable.Lookup(nd) == null)
            {
                // IPVS rewrote the destination at INPUT: send it on as if forwarded, through POSTROUTING.
                var r = MainTable.Lookup(nd);
                if (r == null || r.Type != RouteType.Unicast) { Counters.InNoRoutes++; return; }
                if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Route, Name, dev.Name, $"destination rewritten at INPUT: out via {r.Format().TrimEnd()}"));
                PostRoute(f, dev, r.Device!, r.Gateway != 0 ? r.Gateway : nd, false);
                return;
            }
        }
        Counters.InDelivers++;
        var b = f.Span[IpOffset..];
        int ihl = (b[0] & 15) * 4;
        int total = BinaryPrimitives.ReadUInt16BigEndian(b[2..]);
        byte proto = b[9];
        uint src = ReadSource(f);
        uint dst = ReadDestination(f);
        int l4 = IpOffset + ihl;
        int l4Len = total - ihl;
        switch (proto)
        {
            case IpProtocol.Tcp:
                Tcp.Receive(dev, f, src, dst, l4, l4Len);
                break;
            case IpProtocol.Udp:
                Udp.Receive(dev, f, src, dst, l4, l4Len);
                break;
            case IpProtocol.Icmp:
                Icmp.Receive(dev, f, src, dst, b[8], l4, l4Len);
                break;
            default:
                if (dst != Ipv4Address.Broadcast) SendIcmpError(f, IcmpHeader.DestinationUnreachable, IcmpHeader.CodeProtocolUnreachable);
                break;
        }
    }

    /// <summary>
    /// Output route lookup for a locally generated packet (ip_route_output_key): local table then main.
    /// Returns the errno a socket call would see: ENETUNREACH (no route), EINVAL (blackhole),
    /// EHOSTUNREACH (unreachable), EACCES (prohibit).
    /// </summary>
    public Errno RouteOutput(uint destination, out RouteResult result)
    {
        result = default;
        var r = LocalTable.Lookup(destination);
        if (r != null && r.Type == RouteType.Local)
        {
            uint src = LocalTable.Lookup(destination)!.Destination.Length == 32 ? destination : r.PreferredSource;
            result = new RouteResult(r, Loopback, destination, src);
            return Errno.None;
        }
        if (destination == Ipv4Address.Broadcast || (r != null && r.Type == RouteType.Broadcast))
        {
            var dev = r?.Device ?? FirstUpDevice();
            if (dev == null) return Errno.ENETUNREACH;
            result = new RouteResult(r ?? new Route(new Ipv4Prefix(destination, 32), RouteType.Broadcast, 0, dev, 0, RouteScope.Link, "kernel", 0), dev, destination, r?.PreferredSource ?? SelectSource(dev, destination, RouteScope.Link));
            return Errno.None;
        }
        r = MainTable.Lookup(destination);
        if (r == null) return Errno.ENETUNREACH;
        switch (r.Type)
        {
            case RouteType.Blackhole: return Errno.EINVAL;
            case RouteType.Unreachable: return Errno.EHOSTUNREACH;
            case RouteType.Prohibit: return Errno.EACCES;
        }
        var d = r.Device!;
        uint nh = r.Gateway != 0 ? r.Gateway : destination;
        uint s = r.PreferredSource != 0 ? r.PreferredSource : SelectSource(d, nh, r.Scope == RouteScope.Host ? RouteScope.Host : RouteScope.Universe);
        result = new RouteResult(r, d, nh, s);
        return Errno.None;
    }

    /// <summary>Route lookup that only says whether a usable route exists (see <see cref="RouteOutput"/>).</summary>
    public bool TryRoute(uint destination, out RouteResult result) => RouteOutput(destination, out result) == Errno.None;

    private NetDevice? FirstUpDevice()
    {
        foreach (var d in _devices) if (d is not Links.Loopback && d.IsUp) return d;
        return null;
    }

    /// <summary>
    /// Sends a locally generated IPv4 packet (header and payload at offset 14, checksums done):
    /// route, OUTPUT hook (re-route if NAT moved it), POSTROUTING, neighbour output.
    /// Returns the synchronous error a sendmsg would return.
    /// </summary>
    internal Errno SendLocal(Frame f) => SendLocal(f, out _);

    /// <summary><see cref="SendLocal(Frame)"/>, also giving the route looked up for the packet's destination (before any NAT).</summary>
    private Errno SendLocal(Frame f, out RouteResult r)
    {
        Counters.OutRequests++;
        uint dst = ReadDestination(f);
        var err = RouteOutput(dst, out r);
        if (err != Errno.None)
        {
            Counters.OutNoRoutes++;
            if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Route, Name, null, $"no usable route to {Ipv4Address.Format(dst)}: {err.Message()}"));
            return err;
        }
        if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Route, Name, r.Device.Name, $"output: {r.Route.Format().TrimEnd()}"));
        return OutputRouted(f, dst, r);
    }

    /// <summary>The part of local output after the route lookup: OUTPUT (re-route if NAT moved the packet, ip_route_me_harder), POSTROUTING, neighbour.</summary>
    private Errno OutputRouted(Frame f, uint dst, RouteResult r)
    {
        if (Netfilter != null)
        {
            if (!Hook(NetfilterHook.Output, f, null, r.Device, true)) return Errno.EPERM;
            uint nd = ReadDestination(f);
            if (nd != dst)
            {
                if (f.Trace == null && nd == _reroutedDestination && _reroutedGeneration == RouteGeneration && _rerouted.Device.IsUp)
                    r = _rerouted;
                else
                {
                    var err = RouteOutput(nd, out r);
                    if (err != Errno.None) return err;
                    if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Route, Name, r.Device.Name, $"re-routed after NAT: {r.Route.Format().TrimEnd()}"));
                    else
                    {
                        _rerouted = r;
                        _reroutedDestination = nd;
                        _reroutedGeneration = RouteGeneration;
                    }
                }
            }
        }
        PostRoute(f, null, r.Device, r.NextHop, true);
        return Errno.None;
    }

    // ip_route_me_harder's last answer (a connection's packets DNATed at OUTPUT all go to the same
    // address): reused while the routing tables are unchanged and the device is up, as a connected
    // socket's own route is (see SendLocal with a cached route)
    private RouteResult _rerouted;
    private uint _reroutedDestination;
    private long _reroutedGeneration = -1;

    /// <summary>The routing generation: changes whenever either table changes (invalidates socket route caches).</summary>
    internal long RouteGeneration => MainTable.Version + LocalTable.Version;

    /// <summary>
    /// <see cref="SendLocal(Frame)"/> for a connected socket that keeps its route (sk_dst_cache): the
    /// lookup of the socket's destination is skipped while the tables are unchanged. Netfilter still
    /// sees every packet at OUTPUT and POSTROUTING, and a packet that NAT moved is routed again.
    /// </summary>
    internal Errno SendLocal(Frame f, ref RouteResult cached, ref long generation)
    {
        if (f.Trace != null || generation != RouteGeneration || cached.Route == null || !cached.Device.IsUp)
        {
            // the route the send looked up is the socket's route (the same lookup, made once)
            var e = SendLocal(f, out var routed);
            if (e == Errno.None)
            {
                cached = routed;
                generation = RouteGeneration;
            }
            else generation = -1;
            return e;
        }
        Counters.OutRequests++;
        if (Netfilter == null)
        {
            NeighbourOutput(cached.Device, cached.NextHop, f);
            return Errno.None;
        }
        return OutputRouted(f, ReadDestination(f), cached);
    }

    /// <summary>Sends an encapsulated (VXLAN) datagram built by a tunnel device: same path as local output.</summary>
    internal void OutputTunnel(Frame f) => SendLocal(f);

    /// <summary>
    /// icmp_send: an ICMP error about <paramref name="original"/> back to its sender, quoting its IP
    /// header and the start of its payload. Never about ICMP errors, broadcasts or unspecified sources.
    /// </summary>
    internal void SendIcmpError(Frame original, byte type, byte code, ushort mtu = 0)
    {
        var ob = original.Span[IpOffset..];
        if (ob.Length < Ipv4Header.MinSize) return;
        int ihl = (ob[0] & 15) * 4;
        int total = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(ob[2..]), ob.Length);
        uint osrc = BinaryPrimitives.ReadUInt32BigEndian(ob[12..]);
        uint odst = BinaryPrimitives.ReadUInt32BigEndian(ob[16..]);
        if (osrc == 0 || osrc == Ipv4Address.Broadcast || Ipv4Address.IsMulticast(osrc) || odst == Ipv4Address.Broadcast || Ipv4Address.IsMulticast(odst)) return;
        if (ob[9] == IpProtocol.Icmp && total > ihl && ob[ihl] is not (IcmpHeader.EchoRequest or IcmpHeader.EchoReply or 13 or 15 or 17)) return;
        if (LocalTable.Lookup(odst) is { Type: RouteType.Broadcast }) return;
        uint saddr;
        if (IsLocalAddress(odst)) saddr = odst;
        else if (TryRoute(osrc, out var back)) saddr = back.Source;
        else return;
        int quote = Math.Min(total, 576 - Ipv4Header.MinSize - IcmpHeader.Size);
        var f = new Frame(IpOffset + Ipv4Header.MinSize + IcmpHeader.Size + quote) { Trace = original.Trace, ChecksumTrusted = true };
        var b = f.Span;
        int icmp = IpOffset + Ipv4Header.MinSize;
        ob[..quote].CopyTo(b[(icmp + IcmpHeader.Size)..]);
        new IcmpHeader(type, code, 0, mtu).Write(b[icmp..]);
        new Ipv4Header(0xC0, (ushort)(Ipv4Header.MinSize + IcmpHeader.Size + quote), NextIpId(), 0, 64, IpProtocol.Icmp, saddr, osrc).Write(b[IpOffset..]);
        Counters.IcmpOutErrors++;
        if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Error, Name, null, $"ICMP {IcmpText(type, code)} from {Ipv4Address.Format(saddr)} to {Ipv4Address.Format(osrc)}"));
        SendLocal(f);
    }

    internal static string IcmpText(byte type, byte code) => (type, code) switch
    {
        (IcmpHeader.TimeExceeded, _) => "time exceeded in-transit",
        (IcmpHeader.DestinationUnreachable, 0) => "net unreachable",
        (IcmpHeader.DestinationUnreachable, 1) => "host unreachable",
        (IcmpHeader.DestinationUnreachable, 2) => "protocol unreachable",
        (IcmpHeader.DestinationUnreachable, 3) => "port unreachable",
        (IcmpHeader.DestinationUnreachable, 4) => "need to frag",
        (IcmpHeader.DestinationUnreachable, 9) => "net prohibited",
        (IcmpHeader.DestinationUnreachable, 10) => "host prohibited",
        (IcmpHeader.DestinationUnreachable, 13) => "admin prohibited filter",
        (IcmpHeader.EchoRequest, _) => "echo request",
        (IcmpHeader.EchoReply, _) => "echo reply",
        _ => $"type {type} code {code}",
    };
}

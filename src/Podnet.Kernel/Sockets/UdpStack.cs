using Podnet.Kernel.Links;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Tracing;
using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Sockets;

/// <summary>A namespace's UDP: the socket table (udp_table), port binding rules, demultiplexing, and UDP tunnel ports (VXLAN).</summary>
public sealed class UdpStack
{
    private readonly NetNamespace _ns;
    private readonly Dictionary<ushort, List<UdpSocket>> _ports = [];
    private readonly Dictionary<ushort, List<Vxlan>> _tunnels = [];

    internal UdpStack(NetNamespace ns) => _ns = ns;

    /// <summary>socket(AF_INET, SOCK_DGRAM, 0).</summary>
    public UdpSocket Open() => new(_ns);

    /// <summary>Opens and binds in one step; the error (EADDRINUSE, EADDRNOTAVAIL) is returned with a null socket.</summary>
    public (UdpSocket? Socket, Errno Error) Bind(uint address, ushort port, bool reuseAddress = false)
    {
        var s = new UdpSocket(_ns) { ReuseAddress = reuseAddress };
        var e = Bind(s, address, port);
        return e == Errno.None ? (s, e) : (null, e);
    }

    /// <summary>All bound sockets (for <c>ss -u</c>).</summary>
    public IEnumerable<UdpSocket> Sockets => _ports.Values.SelectMany(l => l);

    internal Errno Bind(UdpSocket s, uint address, ushort port)
    {
        if (s.IsBound) return Errno.EINVAL;
        if (address != 0 && address != Ipv4Address.Broadcast && !_ns.IsLocalAddress(address)) return Errno.EADDRNOTAVAIL;
        if (port == 0)
        {
            var (lo, hi) = _ns.Sysctls.LocalPortRange;
            int range = hi - lo + 1;
            int start = _ns.Random.Next(range);
            for (int i = 0; i < range; i++)
            {
                ushort p = (ushort)(lo + (start + i) % range);
                if (!_ports.TryGetValue(p, out var l) || l.Count == 0) { port = p; break; }
            }
            if (port == 0) return Errno.EAGAIN;
        }
        else if (_ports.TryGetValue(port, out var list))
        {
            foreach (var o in list)
                if ((o.LocalEndpoint.Address == 0 || address == 0 || o.LocalEndpoint.Address == address) && !(o.ReuseAddress && s.ReuseAddress))
                    return Errno.EADDRINUSE;
        }
        if (!_ports.TryGetValue(port, out var bucket)) _ports[port] = bucket = [];
        bucket.Add(s);
        s.LocalEndpoint = new Ipv4Endpoint(address, port);
        s.IsBound = true;
        return Errno.None;
    }

    internal void Unbind(UdpSocket s)
    {
        if (s.IsBound && _ports.TryGetValue(s.LocalEndpoint.Port, out var l)) l.Remove(s);
        s.IsBound = false;
    }

    internal void RegisterTunnel(Vxlan v)
    {
        if (!_tunnels.TryGetValue(v.DestinationPort, out var l)) _tunnels[v.DestinationPort] = l = [];
        if (!l.Contains(v)) l.Add(v);
    }

    internal void UnregisterTunnel(Vxlan v)
    {
        if (_tunnels.TryGetValue(v.DestinationPort, out var l)) l.Remove(v);
    }

    private UdpSocket? Lookup(uint src, ushort sport, uint dst, ushort dport)
    {
        if (!_ports.TryGetValue(dport, out var list) || list.Count == 0) return null;
        UdpSocket? best = null;
        int bestScore = -1;
        foreach (var s in list)
        {
            int score = 0;
            if (s.LocalEndpoint.Address != 0)
            {
                if (s.LocalEndpoint.Address != dst) continue;
                score += 2;
            }
            if (s.RemoteEndpoint is { } r)
            {
                if (r.Address != src || r.Port != sport) continue;
                score += 4;
            }
            if (score > bestScore) { best = s; bestScore = score; }
        }
        return best;
    }

    internal void Receive(NetDevice dev, Frame f, uint src, uint dst, int l4, int len)
    {
        var seg = f.Data.AsSpan(l4, len);
        if (!UdpHeader.TryParse(seg, src, dst, out var udp, !f.ChecksumTrusted))
        {
            _ns.Counters.UdpInErrors++;
            if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Drop, _ns.Name, dev.Name, "malformed UDP datagram or bad checksum"));
            return;
        }
        if (_tunnels.TryGetValue(udp.DestinationPort, out var tunnels) && tunnels.Count > 0
            && Vxlan.TryReadVni(seg[UdpHeader.Size..udp.Length], out var vni))
        {
            foreach (var v in tunnels)
                if (v.Vni == vni)
                {
                    v.Decapsulate(f, l4 + UdpHeader.Size, src);
                    return;
                }
        }
        var s = Lookup(src, udp.SourcePort, dst, udp.DestinationPort);
        if (s == null)
        {
            _ns.Counters.UdpNoPorts++;
            if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Deliver, _ns.Name, dev.Name, $"no socket on udp port {udp.DestinationPort}: ICMP port unreachable"));
            if (dst != Ipv4Address.Broadcast && !_ns.IsBroadcastAddress(dst))
                _ns.SendIcmpError(f, IcmpHeader.DestinationUnreachable, IcmpHeader.CodePortUnreachable);
            return;
        }
        if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Deliver, _ns.Name, dev.Name, $"delivered to udp socket {s.LocalEndpoint}"));
        s.Deliver(seg[UdpHeader.Size..udp.Length], new Ipv4Endpoint(src, udp.SourcePort));
    }

    /// <summary>An ICMP error quoting a datagram we sent (udp_err).</summary>
    internal void HandleIcmpError(uint origin, byte type, byte code, uint src, ushort sport, uint dst, ushort dport)
    {
        if (!_ports.TryGetValue(sport, out var list)) return;
        foreach (var s in list)
        {
            if (s.LocalEndpoint.Address != 0 && s.LocalEndpoint.Address != src) continue;
            if (s.RemoteEndpoint is { } r && (r.Address != dst || r.Port != dport)) continue;
            var err = type == IcmpHeader.TimeExceeded ? Errno.EHOSTUNREACH : ErrnoExtensions.FromIcmpUnreachable(code);
            s.DeliverError(err, origin, type, code, new Ipv4Endpoint(dst, dport));
            return;
        }
    }

    internal void Destroy()
    {
        foreach (var s in _ports.Values.SelectMany(l => l).ToArray()) s.Close();
    }
}

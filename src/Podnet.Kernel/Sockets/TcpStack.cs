using System.Buffers.Binary;
using Podnet.Kernel.Links;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Tracing;
using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Sockets;

/// <summary>
/// A namespace's TCP (tcp_hashinfo): established and listening socket tables, bind buckets with Linux's
/// conflict rules (0.0.0.0 vs a specific address, SO_REUSEADDR, EADDRINUSE), ephemeral ports from
/// <c>ip_local_port_range</c> unique per 4-tuple, demultiplexing, and RST for segments nobody owns.
/// </summary>
public sealed class TcpStack
{
    private readonly Dictionary<(uint, ushort, uint, ushort), TcpSocket> _connections = new(FourTupleComparer.Instance);

    // the established hash's key (local address, local port, remote address, remote port): a multiply-xor
    // hash instead of ValueTuple's HashCode.Combine, which costs more than the rest of a lookup
    private sealed class FourTupleComparer : IEqualityComparer<(uint, ushort, uint, ushort)>
    {
        public static readonly FourTupleComparer Instance = new();

        public bool Equals((uint, ushort, uint, ushort) a, (uint, ushort, uint, ushort) b) =>
            a.Item1 == b.Item1 && a.Item2 == b.Item2 && a.Item3 == b.Item3 && a.Item4 == b.Item4;

        public int GetHashCode((uint, ushort, uint, ushort) k)
        {
            ulong h = ((ulong)k.Item1 << 32 | k.Item3) * 0x9E3779B97F4A7C15UL;
            h ^= ((ulong)k.Item2 << 16 | k.Item4) * 0xC2B2AE3D27D4EB4FUL;
            h ^= h >> 29;
            return (int)h ^ (int)(h >> 32);
        }
    }
    private readonly Dictionary<ushort, List<TcpListener>> _listeners = [];
    private readonly Dictionary<ushort, List<TcpBinding>> _bound = [];

    internal TcpStack(NetNamespace ns) => Namespace = ns;

    public NetNamespace Namespace { get; }

    /// <summary>socket(AF_INET, SOCK_STREAM, 0).</summary>
    public TcpSocket Open() => new(this);

    /// <summary>Opens a socket and connects it; the result carries the socket and the errno (None on success).</summary>
    public async ValueTask<(TcpSocket Socket, Errno Error)> ConnectAsync(uint address, ushort port, TcpConnectOptions? options = null)
    {
        var s = Open();
        var e = await s.ConnectAsync(address, port, options);
        return (s, e);
    }

    /// <summary>socket + bind + listen. EADDRINUSE / EADDRNOTAVAIL come back with a null listener.</summary>
    public (TcpListener? Listener, Errno Error) Listen(uint address, ushort port, int backlog = 4096, bool reuseAddress = false)
    {
        if (address != 0 && !Namespace.IsLocalAddress(address)) return (null, Errno.EADDRNOTAVAIL);
        if (port == 0)
        {
            var (lo, hi) = Namespace.Sysctls.LocalPortRange;
            for (int p = lo; p <= hi; p++)
                if (!_bound.ContainsKey((ushort)p)) { port = (ushort)p; break; }
            if (port == 0) return (null, Errno.EADDRINUSE);
        }
        if (Conflicts(address, port, reuseAddress)) return (null, Errno.EADDRINUSE);
        var l = new TcpListener(this, new Ipv4Endpoint(address, port), backlog, reuseAddress);
        l.Binding = AddBinding(address, port, reuseAddress, true, l);
        if (!_listeners.TryGetValue(port, out var list)) _listeners[port] = list = [];
        list.Add(l);
        return (l, Errno.None);
    }

    /// <summary>Listening sockets (<c>ss -tln</c>).</summary>
    public IEnumerable<TcpListener> Listeners => _listeners.Values.SelectMany(l => l);

    /// <summary>Connections (<c>ss -tn</c>).</summary>
    public IEnumerable<TcpSocket> Connections => _connections.Values;

    private bool Conflicts(uint address, ushort port, bool reuse)
    {
        if (!_bound.TryGetValue(port, out var list)) return false;
        foreach (var b in list)
        {
            if (b.Address != 0 && address != 0 && b.Address != address) continue;
            if (reuse && b.Reuse && !b.Listening) continue;
            return true;
        }
        return false;
    }

    private TcpBinding AddBinding(uint address, ushort port, bool reuse, bool listening, object owner)
    {
        var b = new TcpBinding(address, port, reuse, listening, owner);
        if (!_bound.TryGetValue(port, out var list)) _bound[port] = list = [];
        list.Add(b);
        return b;
    }

    private void RemoveBinding(TcpBinding? b)
    {
        if (b == null || !_bound.TryGetValue(b.Port, out var list)) return;
        list.Remove(b);
        if (list.Count == 0) _bound.Remove(b.Port);
    }

    internal Errno BindExplicit(TcpSocket s, uint address, ushort port, bool reuse)
    {
        if (Conflicts(address, port, reuse)) return Errno.EADDRINUSE;
        s.Binding = AddBinding(address, port, reuse, false, s);
        return Errno.None;
    }

    /// <summary>__inet_hash_connect: an ephemeral port not held by a bind and unique for this 4-tuple; 0 when exhausted.</summary>
    internal ushort AllocatePort(uint src, uint dst, ushort dport)
    {
        var (lo, hi) = Namespace.Sysctls.LocalPortRange;
        int range = hi - lo + 1;
        int start = Namespace.Random.Next(range);
        for (int i = 0; i < range; i++)
        {
            ushort p = (ushort)(lo + (start + i) % range);
            if (_bound.ContainsKey(p)) continue;
            if (!_connections.ContainsKey((src, p, dst, dport))) return p;
        }
        return 0;
    }

    internal void Register(TcpSocket s)
    {
        _connections[(s.LocalEndpoint.Address, s.LocalEndpoint.Port, s.RemoteEndpoint.Address, s.RemoteEndpoint.Port)] = s;
        s.Registered = true;
    }

    internal void Unregister(TcpSocket s)
    {
        if (!s.Registered) return;
        s.Registered = false;
        var key = (s.LocalEndpoint.Address, s.LocalEndpoint.Port, s.RemoteEndpoint.Address, s.RemoteEndpoint.Port);
        if (_connections.TryGetValue(key, out var cur) && cur == s) _connections.Remove(key);
        RemoveBinding(s.Binding);
        s.Binding = null;
    }

    internal void Unlisten(TcpListener l)
    {
        if (_listeners.TryGetValue(l.LocalEndpoint.Port, out var list)) list.Remove(l);
        RemoveBinding(l.Binding);
    }

    private TcpListener? FindListener(uint dst, ushort port)
    {
        if (!_listeners.TryGetValue(port, out var list)) return null;
        TcpListener? any = null;
        foreach (var l in list)
        {
            if (l.LocalEndpoint.Address == dst) return l;
            if (l.LocalEndpoint.Address == 0) any ??= l;
        }
        return any;
    }

    internal void Receive(NetDevice dev, Frame f, uint src, uint dst, int l4, int len)
    {
        // local delivery ends the frame's life: whatever TCP keeps (payload, header fields) it copies
        f.Consumed = true;
        var seg = f.Data.AsSpan(l4, len);
        if (!TcpHeader.TryParse(seg, src, dst, out var h, !f.ChecksumTrusted))
        {
            Namespace.Counters.TcpInErrs++;
            if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Drop, Namespace.Name, dev.Name, "malformed TCP segment or bad checksum"));
            return;
        }
        var payload = seg[h.HeaderLength..];
        if (_connections.TryGetValue((dst, h.DestinationPort, src, h.SourcePort), out var s))
        {
            if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Deliver, Namespace.Name, dev.Name, $"tcp {Flags(h.Flags)} to {s.State} socket {s.LocalEndpoint}"));
            s.OnSegment(h, payload);
            return;
        }
        if ((h.Flags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) == TcpFlags.Syn && Namespace.IsLocalAddress(dst))
        {
            var l = FindListener(dst, h.DestinationPort);
            if (l != null)
            {
                if (!l.CanAcceptSyn)
                {
                    if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Drop, Namespace.Name, dev.Name, $"accept queue of {l.LocalEndpoint} full: SYN dropped"));
                    return;
                }
                if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Deliver, Namespace.Name, dev.Name, $"SYN to listening socket {l.LocalEndpoint}"));
                var child = new TcpSocket(this)
                {
                    LocalEndpoint = new Ipv4Endpoint(dst, h.DestinationPort),
                    RemoteEndpoint = new Ipv4Endpoint(src, h.SourcePort),
                    Trace = f.Trace,
                    Listener = l,
                };
                child.Binding = AddBinding(dst, h.DestinationPort, l.ReuseAddress, false, child);
                Register(child);
                l.Embryo();
                int mtu = Namespace.RouteOutput(src, out var r) == Errno.None ? r.Device.Mtu : 1500;
                child.StartPassive(h.Sequence, h.Mss, mtu);
                return;
            }
        }
        if ((h.Flags & TcpFlags.Rst) != 0) return;
        if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Deliver, Namespace.Name, dev.Name, $"no socket for tcp port {h.DestinationPort}: RST"));
        Namespace.Counters.TcpOutRsts++;
        ResetFor(dst, src, h, payload.Length, f.Trace);
    }


    private void ResetFor(uint ourAddress, uint peer, in TcpHeader h, int payloadLength, ITraceSink? trace)
    {
        if ((h.Flags & TcpFlags.Ack) != 0)
            SendReset(ourAddress, h.DestinationPort, peer, h.SourcePort, h.Acknowledgment, 0, TcpFlags.Rst, trace);
        else
        {
            uint ack = h.Sequence + (uint)payloadLength + ((h.Flags & TcpFlags.Syn) != 0 ? 1u : 0u) + ((h.Flags & TcpFlags.Fin) != 0 ? 1u : 0u);
            SendReset(ourAddress, h.DestinationPort, peer, h.SourcePort, 0, ack, TcpFlags.Rst | TcpFlags.Ack, trace);
        }
    }

    /// <summary>tcp_v4_send_reset / nf_send_reset: a bare RST (or RST+ACK).</summary>
    internal void SendReset(uint src, ushort sport, uint dst, ushort dport, uint seq, uint ack, TcpFlags flags, ITraceSink? trace)
    {
        var f = new Frame(NetNamespace.IpOffset + Ipv4Header.MinSize + TcpHeader.MinSize) { Trace = trace, ChecksumTrusted = true };
        var b = f.Span;
        int l4 = NetNamespace.IpOffset + Ipv4Header.MinSize;
        new Ipv4Header(0, Ipv4Header.MinSize + TcpHeader.MinSize, 0, Ipv4Header.DontFragment, 64, IpProtocol.Tcp, src, dst).Write(b[NetNamespace.IpOffset..]);
        new TcpHeader(sport, dport, seq, ack, flags, 0).Write(b.Slice(l4, TcpHeader.MinSize), src, dst);
        if (trace != null) trace.Add(new TraceStep(TraceStepKind.Error, Namespace.Name, null, $"TCP RST {Ipv4Address.Format(src)}:{sport} > {Ipv4Address.Format(dst)}:{dport}"));
        Namespace.SendLocal(f);
    }

    /// <summary>REJECT --reject-with tcp-reset for the packet in <paramref name="f"/>.</summary>
    internal void SendResetFor(Frame f)
    {
        var b = f.Span[NetNamespace.IpOffset..];
        if (b.Length < Ipv4Header.MinSize) return;
        int ihl = (b[0] & 15) * 4;
        if (b[9] != IpProtocol.Tcp || b.Length < ihl + TcpHeader.MinSize) return;
        var t = b[ihl..];
        var flags = (TcpFlags)(t[13] & 0x3F);
        if ((flags & TcpFlags.Rst) != 0) return;
        int total = BinaryPrimitives.ReadUInt16BigEndian(b[2..]);
        int off = (t[12] >> 4) * 4;
        var h = new TcpHeader(BinaryPrimitives.ReadUInt16BigEndian(t), BinaryPrimitives.ReadUInt16BigEndian(t[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(t[4..]), BinaryPrimitives.ReadUInt32BigEndian(t[8..]), flags, 0, off);
        uint src = BinaryPrimitives.ReadUInt32BigEndian(b[12..]);
        uint dst = BinaryPrimitives.ReadUInt32BigEndian(b[16..]);
        Namespace.Counters.TcpOutRsts++;
        ResetFor(dst, src, h, Math.Max(0, total - ihl - off), f.Trace);
    }

    /// <summary>An ICMP error quoting a segment we sent (tcp_v4_err).</summary>
    internal void HandleIcmpError(byte type, byte code, uint src, ushort sport, uint dst, ushort dport)
    {
        if (!_connections.TryGetValue((src, sport, dst, dport), out var s)) return;
        var err = type == IcmpHeader.TimeExceeded ? Errno.EHOSTUNREACH : ErrnoExtensions.FromIcmpUnreachable(code);
        s.OnIcmpError(err);
    }

    internal static string Flags(TcpFlags f)
    {
        Span<char> c = stackalloc char[6];
        int n = 0;
        if ((f & TcpFlags.Syn) != 0) c[n++] = 'S';
        if ((f & TcpFlags.Fin) != 0) c[n++] = 'F';
        if ((f & TcpFlags.Rst) != 0) c[n++] = 'R';
        if ((f & TcpFlags.Psh) != 0) c[n++] = 'P';
        if ((f & TcpFlags.Ack) != 0) c[n++] = '.';
        return n == 0 ? "none" : new string(c[..n]);
    }

    internal void Destroy()
    {
        foreach (var l in Listeners.ToArray()) l.Close();
        foreach (var c in _connections.Values.ToArray()) c.Fail(Errno.ECONNRESET);
    }
}

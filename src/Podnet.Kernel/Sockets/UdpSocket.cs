using Podnet.Kernel.Simulation;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Tracing;
using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Sockets;

/// <summary>
/// A UDP socket (<c>socket(AF_INET, SOCK_DGRAM, 0)</c>): bind, connect, sendto, recvfrom with an optional
/// timeout (SO_RCVTIMEO → EAGAIN). On a connected socket an ICMP port unreachable makes the next
/// receive fail with ECONNREFUSED, as in Linux.
/// </summary>
public sealed class UdpSocket
{
    private readonly Queue<UdpReceiveResult> _queue = new();
    private readonly LoopOperation<UdpReceiveResult> _receive;
    private LoopTimer? _timeout;
    private Errno _pendingError;

    internal UdpSocket(NetNamespace ns)
    {
        Namespace = ns;
        _receive = new LoopOperation<UdpReceiveResult>(ns.World.Loop);
    }

    public NetNamespace Namespace { get; }

    public Ipv4Endpoint LocalEndpoint { get; internal set; }

    /// <summary>The peer after <see cref="Connect"/>, else null.</summary>
    public Ipv4Endpoint? RemoteEndpoint { get; private set; }

    public bool IsBound { get; internal set; }

    public bool IsClosed { get; private set; }

    /// <summary>SO_REUSEADDR.</summary>
    public bool ReuseAddress { get; set; }

    /// <summary>IP_TTL for datagrams sent (64 by default).</summary>
    public byte Ttl { get; set; } = 64;

    /// <summary>IP_RECVERR: report ICMP errors on unconnected sockets too (traceroute).</summary>
    public bool ReceiveErrors { get; set; }

    /// <summary>Trace sink for datagrams this socket sends (null = not traced).</summary>
    public ITraceSink? Trace { get; set; }

    /// <summary>Datagrams waiting to be read (SO_RCVBUF is not limited).</summary>
    public int Pending => _queue.Count;

    public Errno Bind(uint address, ushort port) => Namespace.Udp.Bind(this, address, port);

    public Errno Bind(Ipv4Endpoint endpoint) => Bind(endpoint.Address, endpoint.Port);

    /// <summary>connect(): fixes the peer, picks the source address by routing, binds an ephemeral port if needed.</summary>
    public Errno Connect(uint address, ushort port)
    {
        var err = Namespace.RouteOutput(address, out var r);
        if (err != Errno.None) return err;
        if (!IsBound)
        {
            err = Namespace.Udp.Bind(this, 0, 0);
            if (err != Errno.None) return err;
        }
        if (LocalEndpoint.Address == 0) LocalEndpoint = LocalEndpoint with { Address = r.Source };
        RemoteEndpoint = new Ipv4Endpoint(address, port);
        return Errno.None;
    }

    public Errno Send(ReadOnlySpan<byte> data) =>
        RemoteEndpoint is { } r ? SendTo(data, r.Address, r.Port) : Errno.ENOTCONN;

    /// <summary>sendto(): builds and sends one datagram.</summary>
    public Errno SendTo(ReadOnlySpan<byte> data, uint address, ushort port)
    {
        if (IsClosed) return Errno.EINVAL;
        if (data.Length > 65507) return Errno.EMSGSIZE;
        if (!IsBound)
        {
            var e = Namespace.Udp.Bind(this, 0, 0);
            if (e != Errno.None) return e;
        }
        uint src = LocalEndpoint.Address;
        if (src == 0 || (RemoteEndpoint is { } rem && (rem.Address != address || rem.Port != port)))
        {
            var err = Namespace.RouteOutput(address, out var r);
            if (err != Errno.None) return err;
            if (src == 0) src = r.Source;
        }
        int udpLen = UdpHeader.Size + data.Length;
        var f = new Frame(NetNamespace.IpOffset + Ipv4Header.MinSize + udpLen) { Trace = Trace, ChecksumTrusted = true };
        var b = f.Span;
        int l4 = NetNamespace.IpOffset + Ipv4Header.MinSize;
        data.CopyTo(b[(l4 + UdpHeader.Size)..]);
        new Ipv4Header(0, (ushort)(Ipv4Header.MinSize + udpLen), Namespace.NextIpId(), Ipv4Header.DontFragment, Ttl, IpProtocol.Udp, src, address).Write(b[NetNamespace.IpOffset..]);
        UdpHeader.Write(b.Slice(l4, udpLen), LocalEndpoint.Port, port, src, address);
        return Namespace.SendLocal(f);
    }

    /// <summary>
    /// recvfrom(): the next datagram, or a pending error (ECONNREFUSED after a port unreachable on a
    /// connected socket), or EAGAIN when <paramref name="timeout"/> of virtual time passes first.
    /// </summary>
    public ValueTask<UdpReceiveResult> ReceiveAsync(TimeSpan? timeout = null)
    {
        if (_pendingError != Errno.None)
        {
            var e = _pendingError;
            _pendingError = Errno.None;
            return ValueTask.FromResult(new UdpReceiveResult(e, [], default));
        }
        if (_queue.TryDequeue(out var d)) return ValueTask.FromResult(d);
        if (IsClosed) return ValueTask.FromResult(new UdpReceiveResult(Errno.EINVAL, [], default));
        var task = _receive.Begin();
        if (timeout is { } t)
        {
            _timeout ??= Namespace.World.Loop.CreateTimer(static s => ((UdpSocket)s!)._receive.TryComplete(new UdpReceiveResult(Errno.EAGAIN, [], default)), this);
            _timeout.Start(t);
        }
        return task;
    }

    /// <summary>Non-blocking recvfrom (MSG_DONTWAIT): false when nothing is queued.</summary>
    public bool TryReceive(out UdpReceiveResult result) => _queue.TryDequeue(out result);

    internal void Deliver(ReadOnlySpan<byte> payload, Ipv4Endpoint from)
    {
        var r = new UdpReceiveResult(Errno.None, payload.ToArray(), from);
        if (_receive.Waiting)
        {
            _timeout?.Cancel();
            _receive.TryComplete(r);
        }
        else _queue.Enqueue(r);
    }

    internal void DeliverError(Errno error, uint origin, byte type, byte code, Ipv4Endpoint about)
    {
        if (RemoteEndpoint == null && !ReceiveErrors) return;
        var r = new UdpReceiveResult(error, [], about, origin, type, code);
        if (_receive.Waiting)
        {
            _timeout?.Cancel();
            _receive.TryComplete(r);
        }
        else if (ReceiveErrors) _queue.Enqueue(r);
        else _pendingError = error;
    }

    /// <summary>close().</summary>
    public void Close()
    {
        if (IsClosed) return;
        IsClosed = true;
        _timeout?.Cancel();
        Namespace.Udp.Unbind(this);
        _receive.TryComplete(new UdpReceiveResult(Errno.EINVAL, [], default));
    }
}

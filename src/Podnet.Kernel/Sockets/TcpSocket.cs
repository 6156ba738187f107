using Podnet.Kernel.Simulation;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Tracing;
using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Sockets;

/// <summary>
/// A TCP connection endpoint (<c>struct tcp_sock</c>): three-way handshake with SYN retransmission
/// (1 s, 2 s, 4 s ... as tcp_syn_retries=6, ETIMEDOUT after 127 s), data both ways with retransmission
/// of unacknowledged data, FIN and RST. Delayed ACKs are sent at the end of the current event-loop
/// turn, so a reply piggybacks them as on Linux. Errors are <see cref="Errno"/> values.
/// Not emulated: flow control windows, congestion control, out-of-order queueing, TIME_WAIT.
/// </summary>
public sealed class TcpSocket
{
    internal const int SynRetries = 6;
    internal const int SynAckRetries = 5;
    internal const int Retries2 = 15;
    private const ushort Window = 64240;
    private static readonly TimeSpan InitialRto = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinRto = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxRto = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan FinTimeout = TimeSpan.FromSeconds(60);

    private static readonly Action<object?> FlushAckCallback = static s => ((TcpSocket)s!).FlushAck();
    private static readonly Action<object?> RtoCallback = static s => ((TcpSocket)s!).OnRetransmitTimer();

    private readonly TcpStack _stack;
    // the receive queue lives inside the socket (a mutable struct field, never copied)
    private ByteQueue _received;
    // a connection rarely has more than a segment and a FIN in flight: start with room for two
    private readonly List<(uint Seq, TcpFlags Flags, byte[]? Data)> _unacked = new(2);
    private LoopOperation<Errno>? _connect;
    private readonly LoopOperation<TcpReadResult> _read;
    private LoopTimer? _rto;
    private LoopTimer? _connectTimer;
    private LoopTimer? _readTimer;
    private Memory<byte> _readBuffer;
    private TimeSpan _rtoValue = InitialRto;
    private int _retries;
    private uint _iss;
    private uint _sndUna;
    private uint _sndNxt;
    private uint _rcvNxt;
    private bool _finReceived;
    private bool _finSent;
    private bool _closedByApp;
    private bool _ackPending;
    private Errno _error;
    private RouteResult _route;
    private long _routeGeneration = -1;

    internal TcpSocket(TcpStack stack)
    {
        _stack = stack;
        Namespace = stack.Namespace;
        _read = new LoopOperation<TcpReadResult>(Namespace.World.Loop);
    }

    public NetNamespace Namespace { get; }

    public TcpState State { get; private set; } = TcpState.Closed;

    public Ipv4Endpoint LocalEndpoint { get; internal set; }

    public Ipv4Endpoint RemoteEndpoint { get; internal set; }

    /// <summary>The error that ended the connection (ECONNREFUSED, ETIMEDOUT, ECONNRESET, EHOSTUNREACH...), or None.</summary>
    public Errno Error => _error;

    /// <summary>Trace sink for this connection's packets (null = not traced). An accepted socket inherits the traced SYN's sink.</summary>
    public ITraceSink? Trace { get; set; }

    /// <summary>The maximum segment size in use (from the route's MTU and the peer's MSS option).</summary>
    public int Mss { get; private set; } = 1460;

    /// <summary>Bytes received and not yet read.</summary>
    public int Available => _received.Count;

    internal TcpListener? Listener { get; set; }

    internal TcpBinding? Binding { get; set; }

    internal bool Registered { get; set; }

    /// <summary>
    /// connect(): chooses the source by routing (ENETUNREACH, EINVAL for a blackhole route and so on
    /// are returned at once), sends SYN and completes when the handshake does, the peer refuses
    /// (ECONNREFUSED), an ICMP error arrives (EHOSTUNREACH...), or the retries or
    /// <see cref="TcpConnectOptions.Timeout"/> run out (ETIMEDOUT).
    /// </summary>
    public ValueTask<Errno> ConnectAsync(uint address, ushort port, TcpConnectOptions? options = null)
    {
        if (State != TcpState.Closed || Registered) return ValueTask.FromResult(Errno.EISCONN);
        if (options?.Trace != null) Trace = options.Trace;
        var err = Namespace.RouteOutput(address, out var route);
        if (err != Errno.None) return ValueTask.FromResult(err);
        uint src = options?.LocalAddress ?? 0;
        if (src == 0) src = route.Source;
        else if (!Namespace.IsLocalAddress(src)) return ValueTask.FromResult(Errno.EADDRNOTAVAIL);
        if (Ipv4Address.IsLoopback(src) && !route.IsLocal && !route.Device.Ipv4Config.RouteLocalnet) return ValueTask.FromResult(Errno.EINVAL);
        ushort sport = options?.LocalPort ?? 0;
        if (sport != 0)
        {
            err = _stack.BindExplicit(this, src, sport, options!.ReuseAddress);
            if (err != Errno.None) return ValueTask.FromResult(err);
        }
        else
        {
            sport = _stack.AllocatePort(src, address, port);
            if (sport == 0) return ValueTask.FromResult(Errno.EADDRNOTAVAIL);
        }
        LocalEndpoint = new Ipv4Endpoint(src, sport);
        RemoteEndpoint = new Ipv4Endpoint(address, port);
        Mss = route.Device.Mtu - 40;
        _stack.Register(this);
        _iss = (uint)Namespace.Random.Next() ^ ((uint)Namespace.Random.Next() << 1);
        _sndUna = _iss;
        _sndNxt = _iss + 1;
        State = TcpState.SynSent;
        _connect ??= new LoopOperation<Errno>(Namespace.World.Loop);
        var task = _connect.Begin();
        _unacked.Add((_iss, TcpFlags.Syn, null));
        var sendErr = SendSegment(TcpFlags.Syn, _iss, default, withMss: true);
        if (sendErr != Errno.None)
        {
            Fail(sendErr);
            return task;
        }
        StartRto(InitialRto);
        if (options?.Timeout is { } t)
        {
            _connectTimer ??= Namespace.World.Loop.CreateTimer(static s =>
            {
                var sock = (TcpSocket)s!;
                if (sock.State == TcpState.SynSent) sock.Fail(Errno.ETIMEDOUT);
            }, this);
            _connectTimer.Start(t);
        }
        return task;
    }

    /// <summary>
    /// send(): queues <paramref name="data"/> as segments of at most <see cref="Mss"/> bytes and sends
    /// them at once (no send-buffer or window limit is modelled). EPIPE after the write side closed.
    /// </summary>
    public Errno Send(ReadOnlySpan<byte> data)
    {
        if (_error != Errno.None) return _error;
        if (State is not (TcpState.Established or TcpState.CloseWait)) return State is TcpState.Closed or TcpState.SynSent ? Errno.ENOTCONN : Errno.EPIPE;
        if (_finSent) return Errno.EPIPE;
        while (data.Length > 0)
        {
            int n = Math.Min(data.Length, Mss);
            var chunk = data[..n].ToArray();
            _unacked.Add((_sndNxt, TcpFlags.Psh | TcpFlags.Ack, chunk));
            SendSegment(TcpFlags.Psh | TcpFlags.Ack, _sndNxt, chunk, false);
            _sndNxt += (uint)n;
            data = data[n..];
        }
        if (_rto is not { Pending: true }) StartRto(_rtoValue);
        return Errno.None;
    }

    /// <summary>send() as an awaitable, for symmetry with other socket APIs; completes at once.</summary>
    public ValueTask<Errno> SendAsync(ReadOnlyMemory<byte> data) => ValueTask.FromResult(Send(data.Span));

    /// <summary>
    /// recv(): waits for data; returns the count (0 = the peer sent FIN), or an error such as
    /// ECONNRESET; with <paramref name="timeout"/>, EAGAIN when it passes first (SO_RCVTIMEO).
    /// </summary>
    public ValueTask<TcpReadResult> ReceiveAsync(Memory<byte> buffer, TimeSpan? timeout = null)
    {
        if (_received.Count > 0) return ValueTask.FromResult(new TcpReadResult(_received.Read(buffer.Span), Errno.None));
        if (_finReceived) return ValueTask.FromResult(new TcpReadResult(0, Errno.None));
        if (_error != Errno.None) return ValueTask.FromResult(new TcpReadResult(0, _error));
        if (State is TcpState.Closed or TcpState.SynSent or TcpState.Listen) return ValueTask.FromResult(new TcpReadResult(0, Errno.ENOTCONN));
        _readBuffer = buffer;
        var task = _read.Begin();
        if (timeout is { } t)
        {
            _readTimer ??= Namespace.World.Loop.CreateTimer(static s => ((TcpSocket)s!)._read.TryComplete(new TcpReadResult(0, Errno.EAGAIN)), this);
            _readTimer.Start(t);
        }
        return task;
    }

    /// <summary>Reads until the peer closes; returns everything read (or what was read before an error).</summary>
    public async ValueTask<byte[]> ReadToEndAsync(TimeSpan? timeout = null)
    {
        var ms = new MemoryStream();
        var buf = new byte[4096];
        while (true)
        {
            var r = await ReceiveAsync(buf, timeout);
            if (r.Count == 0) return ms.ToArray();
            ms.Write(buf, 0, r.Count);
        }
    }

    /// <summary>shutdown(SHUT_WR): sends FIN; reading stays possible.</summary>
    public void Shutdown()
    {
        if (_finSent) return;
        if (State == TcpState.Established) { SendFin(); State = TcpState.FinWait1; }
        else if (State == TcpState.CloseWait) { SendFin(); State = TcpState.LastAck; }
    }

    /// <summary>
    /// close(): FIN (or RST when unread data is left, as tcp_close does). The socket is released when
    /// the exchange of FINs completes.
    /// </summary>
    public void Close()
    {
        _closedByApp = true;
        switch (State)
        {
            case TcpState.SynSent:
                Fail(Errno.ECONNRESET);
                break;
            case TcpState.SynReceived:
            case TcpState.Established:
            case TcpState.CloseWait:
                if (_received.Count > 0)
                {
                    SendSegment(TcpFlags.Rst | TcpFlags.Ack, _sndNxt, default, false);
                    Terminate();
                    break;
                }
                Shutdown();
                break;
        }
        _read.TryComplete(new TcpReadResult(0, Errno.None));
    }

    /// <summary>Abortive close (SO_LINGER 0): RST now.</summary>
    public void Abort()
    {
        if (State is TcpState.Closed or TcpState.Listen) return;
        if (State != TcpState.SynSent) SendSegment(TcpFlags.Rst | TcpFlags.Ack, _sndNxt, default, false);
        _closedByApp = true;
        Fail(Errno.ECONNRESET);
    }

    // ---- internals ----

    internal void StartPassive(uint irs, ushort peerMss, int mtu)
    {
        State = TcpState.SynReceived;
        _rcvNxt = irs + 1;
        Mss = Math.Min(mtu - 40, peerMss == 0 ? 536 : peerMss);
        _iss = (uint)Namespace.Random.Next() ^ ((uint)Namespace.Random.Next() << 1);
        _sndUna = _iss;
        _sndNxt = _iss + 1;
        _unacked.Add((_iss, TcpFlags.Syn | TcpFlags.Ack, null));
        SendSegment(TcpFlags.Syn | TcpFlags.Ack, _iss, default, withMss: true);
        StartRto(InitialRto);
    }

    private Errno SendSegment(TcpFlags flags, uint seq, ReadOnlySpan<byte> data, bool withMss)
    {
        if ((flags & TcpFlags.Ack) != 0) _ackPending = false;
        var src = LocalEndpoint.Address;
        var dst = RemoteEndpoint.Address;
        var h = new TcpHeader(LocalEndpoint.Port, RemoteEndpoint.Port, seq, (flags & TcpFlags.Ack) != 0 ? _rcvNxt : 0, flags, Window, 20, withMss ? (ushort)Math.Min(Mss, 65495) : (ushort)0);
        int tcpLen = h.WrittenSize + data.Length;
        var f = Namespace.World.Frames.Rent(NetNamespace.IpOffset + Ipv4Header.MinSize + tcpLen);
        f.Trace = Trace;
        f.ChecksumTrusted = true;
        var b = f.Span;
        int l4 = NetNamespace.IpOffset + Ipv4Header.MinSize;
        data.CopyTo(b[(l4 + h.WrittenSize)..]);
        new Ipv4Header(0, (ushort)(Ipv4Header.MinSize + tcpLen), Namespace.NextIpId(), Ipv4Header.DontFragment, 64, IpProtocol.Tcp, src, dst).Write(b[NetNamespace.IpOffset..]);
        h.Write(b.Slice(l4, tcpLen), src, dst);
        return Namespace.SendLocal(f, ref _route, ref _routeGeneration);
    }

    private void SendFin()
    {
        _finSent = true;
        _unacked.Add((_sndNxt, TcpFlags.Fin | TcpFlags.Ack, null));
        SendSegment(TcpFlags.Fin | TcpFlags.Ack, _sndNxt, default, false);
        _sndNxt++;
        if (_rto is not { Pending: true }) StartRto(_rtoValue);
    }

    private void ScheduleAck()
    {
        if (_ackPending) return;
        _ackPending = true;
        Namespace.World.Loop.Post(FlushAckCallback, this);
    }

    private void FlushAck()
    {
        if (!_ackPending || State == TcpState.Closed) return;
        SendSegment(TcpFlags.Ack, _sndNxt, default, false);
    }

    private void StartRto(TimeSpan rto)
    {
        _rto ??= Namespace.World.Loop.CreateTimer(RtoCallback, this);
        _rto.Start(rto);
    }

    private void OnRetransmitTimer()
    {
        if (State == TcpState.FinWait2 && _closedByApp && _unacked.Count == 0)
        {
            // tcp_fin_timeout: an orphaned FIN_WAIT2 socket is released after 60 s.
            Terminate();
            return;
        }
        if (_unacked.Count == 0 || State == TcpState.Closed) return;
        _retries++;
        int limit = State switch { TcpState.SynSent => SynRetries, TcpState.SynReceived => SynAckRetries, _ => Retries2 };
        if (_retries > limit)
        {
            if (State == TcpState.SynReceived) Terminate();
            else Fail(Errno.ETIMEDOUT);
            return;
        }
        _rtoValue = _rtoValue * 2 > MaxRto ? MaxRto : _rtoValue * 2;
        // Go back N: resend everything not yet acknowledged (the receiver keeps no out-of-order queue).
        var pending = _unacked.ToArray();
        foreach (var (seq, flags, data) in pending)
        {
            if (Trace != null) Trace.Add(new TraceStep(TraceStepKind.Note, Namespace.Name, null, $"retransmit #{_retries} of seq {seq} ({flags}); next timeout {_rtoValue.TotalSeconds:0.###} s"));
            SendSegment(flags, seq, data, (flags & TcpFlags.Syn) != 0);
        }
        StartRto(_rtoValue);
    }

    private static bool After(uint a, uint b) => (int)(a - b) > 0;

    /// <summary>A segment for this connection arrived (tcp_rcv_state_process).</summary>
    internal void OnSegment(in TcpHeader h, ReadOnlySpan<byte> payload)
    {
        var flags = h.Flags;
        if (State == TcpState.SynSent)
        {
            if ((flags & TcpFlags.Ack) != 0 && h.Acknowledgment != _iss + 1)
            {
                if ((flags & TcpFlags.Rst) == 0) _stack.SendReset(LocalEndpoint.Address, LocalEndpoint.Port, RemoteEndpoint.Address, RemoteEndpoint.Port, h.Acknowledgment, 0, TcpFlags.Rst, Trace);
                return;
            }
            if ((flags & TcpFlags.Rst) != 0)
            {
                if ((flags & TcpFlags.Ack) != 0) Fail(Errno.ECONNREFUSED);
                return;
            }
            if ((flags & (TcpFlags.Syn | TcpFlags.Ack)) == (TcpFlags.Syn | TcpFlags.Ack))
            {
                _rcvNxt = h.Sequence + 1;
                _sndUna = h.Acknowledgment;
                _unacked.Clear();
                _rto?.Cancel();
                _connectTimer?.Cancel();
                _retries = 0;
                _rtoValue = MinRto;
                if (h.Mss != 0) Mss = Math.Min(Mss, h.Mss);
                State = TcpState.Established;
                SendSegment(TcpFlags.Ack, _sndNxt, default, false);
                _connect?.TryComplete(Errno.None);
            }
            return;
        }
        if ((flags & TcpFlags.Rst) != 0)
        {
            if (h.Sequence != _rcvNxt && !(State == TcpState.SynReceived)) return;
            if (State == TcpState.SynReceived) { Terminate(); return; }
            Fail(State == TcpState.CloseWait ? Errno.EPIPE : Errno.ECONNRESET);
            return;
        }
        if ((flags & TcpFlags.Syn) != 0)
        {
            // A retransmitted SYN or SYN-ACK: our answer was lost; answer again.
            if (State == TcpState.SynReceived) SendSegment(TcpFlags.Syn | TcpFlags.Ack, _iss, default, true);
            else SendSegment(TcpFlags.Ack, _sndNxt, default, false);
            return;
        }
        if ((flags & TcpFlags.Ack) == 0) return;
        uint ack = h.Acknowledgment;
        if (State == TcpState.SynReceived)
        {
            if (ack != _sndNxt)
            {
                _stack.SendReset(LocalEndpoint.Address, LocalEndpoint.Port, RemoteEndpoint.Address, RemoteEndpoint.Port, ack, 0, TcpFlags.Rst, Trace);
                return;
            }
            State = TcpState.Established;
            _rtoValue = MinRto;
            Listener?.Established(this);
        }
        if (After(ack, _sndUna) && !After(ack, _sndNxt))
        {
            _sndUna = ack;
            int i = 0;
            while (i < _unacked.Count)
            {
                var (seq, fl, data) = _unacked[i];
                uint end = seq + (uint)(data?.Length ?? 0) + ((fl & (TcpFlags.Syn | TcpFlags.Fin)) != 0 ? 1u : 0u);
                if (!After(end, ack)) i++;
                else break;
            }
            _unacked.RemoveRange(0, i);
            _retries = 0;
            if (_unacked.Count == 0) _rto?.Cancel();
            else StartRto(_rtoValue);
            if (_finSent && ack == _sndNxt)
            {
                switch (State)
                {
                    case TcpState.FinWait1:
                        State = TcpState.FinWait2;
                        if (_closedByApp) StartRto(FinTimeout);
                        break;
                    case TcpState.Closing: Terminate(); return;
                    case TcpState.LastAck: Terminate(); return;
                }
            }
        }
        if (payload.Length > 0)
        {
            if (h.Sequence != _rcvNxt)
            {
                SendSegment(TcpFlags.Ack, _sndNxt, default, false);
                return;
            }
            if (_closedByApp || State is not (TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2))
            {
                // Data for a socket the application closed: tcp_rcv_state_process answers with RST.
                if (_closedByApp)
                {
                    _stack.SendReset(LocalEndpoint.Address, LocalEndpoint.Port, RemoteEndpoint.Address, RemoteEndpoint.Port, _sndNxt, 0, TcpFlags.Rst, Trace);
                    Terminate();
                }
                return;
            }
            _rcvNxt += (uint)payload.Length;
            if (_received.Count == 0 && _read.Waiting && _readBuffer.Length > 0)
            {
                // a reader is blocked in recv(): copy straight into its buffer (tcp_recvmsg's direct copy to
                // the waiting user buffer); only what does not fit is queued
                int n = Math.Min(payload.Length, _readBuffer.Length);
                payload[..n].CopyTo(_readBuffer.Span);
                if (n < payload.Length) _received.Write(payload[n..]);
                _readTimer?.Cancel();
                _readBuffer = default;
                _read.TryComplete(new TcpReadResult(n, Errno.None));
            }
            else
            {
                _received.Write(payload);
                WakeReader();
            }
            ScheduleAck();
        }
        if ((flags & TcpFlags.Fin) != 0 && h.Sequence + (uint)payload.Length == _rcvNxt && !_finReceived)
        {
            _rcvNxt++;
            _finReceived = true;
            WakeReader();
            switch (State)
            {
                case TcpState.Established:
                    State = TcpState.CloseWait;
                    ScheduleAck();
                    break;
                case TcpState.FinWait1:
                    State = TcpState.Closing;
                    SendSegment(TcpFlags.Ack, _sndNxt, default, false);
                    break;
                case TcpState.FinWait2:
                    SendSegment(TcpFlags.Ack, _sndNxt, default, false);
                    Terminate();
                    break;
            }
        }
    }

    private void WakeReader()
    {
        if (!_read.Waiting) return;
        _readTimer?.Cancel();
        if (_received.Count > 0) _read.TryComplete(new TcpReadResult(_received.Read(_readBuffer.Span), Errno.None));
        else if (_finReceived) _read.TryComplete(new TcpReadResult(0, Errno.None));
        else if (_error != Errno.None) _read.TryComplete(new TcpReadResult(0, _error));
        _readBuffer = default;
    }

    /// <summary>An ICMP error quoting one of our segments (tcp_v4_err).</summary>
    internal void OnIcmpError(Errno err)
    {
        if (State is TcpState.SynSent or TcpState.SynReceived)
        {
            if (State == TcpState.SynReceived) Terminate();
            else Fail(err);
        }
    }

    internal void Fail(Errno err)
    {
        _error = err;
        if (Trace != null) Trace.Add(new TraceStep(TraceStepKind.Note, Namespace.Name, null, $"connection {LocalEndpoint} -> {RemoteEndpoint}: {err.Message()}"));
        Terminate();
        _connect?.TryComplete(err);
        if (_read.Waiting)
        {
            _readTimer?.Cancel();
            _read.TryComplete(new TcpReadResult(0, err));
        }
    }

    private void Terminate()
    {
        if (State == TcpState.Closed && !Registered) return;
        State = TcpState.Closed;
        if (Listener != null)
        {
            Listener.EmbryoGone();
            Listener = null;
        }
        _rto?.Cancel();
        _connectTimer?.Cancel();
        _unacked.Clear();
        _stack.Unregister(this);
        if (_read.Waiting)
        {
            _readTimer?.Cancel();
            _read.TryComplete(new TcpReadResult(0, _error));
        }
    }

    public override string ToString() => $"tcp {State} {LocalEndpoint} -> {RemoteEndpoint}";
}

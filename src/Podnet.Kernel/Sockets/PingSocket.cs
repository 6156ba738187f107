using Podnet.Kernel.Simulation;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Tracing;
using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Sockets;

/// <summary>
/// An ICMP echo socket (what <c>ping</c> opens): sends echo requests with an identifier and TTL of its
/// choosing and receives echo replies and the ICMP errors quoting its requests.
/// </summary>
public sealed class PingSocket
{
    private readonly IcmpStack _stack;
    private readonly Queue<PingReply> _queue = new();
    private readonly LoopOperation<PingReply> _receive;
    private readonly Dictionary<ushort, TimeSpan> _sent = [];
    private LoopTimer? _timeout;

    internal PingSocket(IcmpStack stack, ushort id)
    {
        _stack = stack;
        Identifier = id;
        _receive = new LoopOperation<PingReply>(stack.Namespace.World.Loop);
    }

    public ushort Identifier { get; }

    /// <summary>IP_TTL of requests sent.</summary>
    public byte Ttl { get; set; } = 64;

    public ITraceSink? Trace { get; set; }

    /// <summary>Sends one echo request with <paramref name="payloadSize"/> bytes of data (ping's -s, 56 by default).</summary>
    public Errno Send(uint destination, ushort sequence, int payloadSize = 56)
    {
        var ns = _stack.Namespace;
        var err = ns.RouteOutput(destination, out var r);
        if (err != Errno.None) return err;
        int icmpLen = IcmpHeader.Size + payloadSize;
        var f = new Frame(NetNamespace.IpOffset + Ipv4Header.MinSize + icmpLen) { Trace = Trace, ChecksumTrusted = true };
        var b = f.Span;
        int l4 = NetNamespace.IpOffset + Ipv4Header.MinSize;
        for (int i = 0; i < payloadSize; i++) b[l4 + IcmpHeader.Size + i] = (byte)(i + 8);
        new IcmpHeader(IcmpHeader.EchoRequest, 0, Identifier, sequence).Write(b.Slice(l4, icmpLen));
        new Ipv4Header(0, (ushort)(Ipv4Header.MinSize + icmpLen), ns.NextIpId(), Ipv4Header.DontFragment, Ttl, IpProtocol.Icmp, r.Source, destination).Write(b[NetNamespace.IpOffset..]);
        _sent[sequence] = ns.Now;
        return ns.SendLocal(f);
    }

    /// <summary>Waits for the next reply or error; <see cref="PingStatus.Timeout"/> after <paramref name="timeout"/>.</summary>
    public ValueTask<PingReply> ReceiveAsync(TimeSpan timeout)
    {
        if (_queue.TryDequeue(out var r)) return ValueTask.FromResult(r);
        var task = _receive.Begin();
        _timeout ??= _stack.Namespace.World.Loop.CreateTimer(static s => ((PingSocket)s!)._receive.TryComplete(new PingReply(PingStatus.Timeout, 0, 0, 0, 0, TimeSpan.Zero)), this);
        _timeout.Start(timeout);
        return task;
    }

    internal void Deliver(PingStatus status, uint from, ushort seq, byte ttl, byte code, int bytes)
    {
        var rtt = _sent.TryGetValue(seq, out var t) ? _stack.Namespace.Now - t : TimeSpan.Zero;
        var reply = new PingReply(status, from, seq, ttl, code, rtt, Errno.None, bytes);
        if (_receive.Waiting)
        {
            _timeout?.Cancel();
            _receive.TryComplete(reply);
        }
        else _queue.Enqueue(reply);
    }

    public void Close() => _stack.Release(this);
}

using System.Buffers.Binary;
using Podnet.Kernel.Links;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Tracing;
using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Sockets;

/// <summary>
/// A namespace's ICMP (net/ipv4/icmp.c): answers echo requests (not to broadcast, as
/// icmp_echo_ignore_broadcasts=1), hands echo replies to ping sockets, and passes errors to the TCP,
/// UDP or ping socket whose packet they quote.
/// </summary>
public sealed class IcmpStack
{
    private readonly Dictionary<ushort, PingSocket> _sockets = [];
    private ushort _nextId;

    internal IcmpStack(NetNamespace ns) => Namespace = ns;

    public NetNamespace Namespace { get; }

    /// <summary>Opens a ping socket with a fresh identifier (or <paramref name="id"/> if free).</summary>
    public PingSocket Open(ushort? id = null)
    {
        ushort i = id ?? 0;
        if (i == 0 || _sockets.ContainsKey(i))
        {
            do { i = (ushort)(++_nextId == 0 ? ++_nextId : _nextId); } while (_sockets.ContainsKey(i));
        }
        var s = new PingSocket(this, i);
        _sockets[i] = s;
        return s;
    }

    internal void Release(PingSocket s) => _sockets.Remove(s.Identifier);

    /// <summary>One echo request and its answer (ping -c 1 -W timeout -t ttl).</summary>
    public async ValueTask<PingReply> PingAsync(uint destination, TimeSpan timeout, byte ttl = 64, ushort sequence = 1, ITraceSink? trace = null)
    {
        var s = Open();
        s.Ttl = ttl;
        s.Trace = trace;
        try
        {
            var err = s.Send(destination, sequence);
            if (err != Errno.None) return new PingReply(PingStatus.SendError, 0, sequence, 0, 0, TimeSpan.Zero, err);
            return await s.ReceiveAsync(timeout);
        }
        finally
        {
            s.Close();
        }
    }

    internal void Receive(NetDevice dev, Frame f, uint src, uint dst, byte ttl, int l4, int len)
    {
        var msg = f.Data.AsSpan(l4, len);
        if (!IcmpHeader.TryParse(msg, out var h, !f.ChecksumTrusted))
        {
            Namespace.Counters.IcmpInErrors++;
            if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Drop, Namespace.Name, dev.Name, "malformed ICMP message or bad checksum"));
            return;
        }
        switch (h.Type)
        {
            case IcmpHeader.EchoRequest:
                if (Namespace.IsBroadcastAddress(dst)) return;
                if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Deliver, Namespace.Name, dev.Name, $"ICMP echo request id {h.Identifier} seq {h.Sequence}: echo reply"));
                var reply = new Frame(NetNamespace.IpOffset + Ipv4Header.MinSize + len) { Trace = f.Trace, ChecksumTrusted = true };
                var b = reply.Span;
                int rl4 = NetNamespace.IpOffset + Ipv4Header.MinSize;
                msg.CopyTo(b[rl4..]);
                new IcmpHeader(IcmpHeader.EchoReply, 0, h.Identifier, h.Sequence).Write(b.Slice(rl4, len));
                new Ipv4Header(0, (ushort)(Ipv4Header.MinSize + len), Namespace.NextIpId(), 0, 64, IpProtocol.Icmp, dst, src).Write(b[NetNamespace.IpOffset..]);
                Namespace.SendLocal(reply);
                return;
            case IcmpHeader.EchoReply:
                if (_sockets.TryGetValue(h.Identifier, out var ps))
                {
                    if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Deliver, Namespace.Name, dev.Name, $"ICMP echo reply id {h.Identifier} seq {h.Sequence} to ping socket"));
                    ps.Deliver(PingStatus.Reply, src, h.Sequence, ttl, 0, len);
                }
                return;
            case IcmpHeader.DestinationUnreachable:
            case IcmpHeader.TimeExceeded:
                HandleError(dev, f, src, h, msg);
                return;
        }
    }

    private void HandleError(NetDevice dev, Frame f, uint origin, in IcmpHeader h, ReadOnlySpan<byte> msg)
    {
        var inner = msg[IcmpHeader.Size..];
        if (inner.Length < Ipv4Header.MinSize + 8 || inner[0] >> 4 != 4) { Namespace.Counters.IcmpInErrors++; return; }
        int ihl = (inner[0] & 15) * 4;
        if (inner.Length < ihl + 8) { Namespace.Counters.IcmpInErrors++; return; }
        byte proto = inner[9];
        uint isrc = BinaryPrimitives.ReadUInt32BigEndian(inner[12..]);
        uint idst = BinaryPrimitives.ReadUInt32BigEndian(inner[16..]);
        var t = inner[ihl..];
        if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Deliver, Namespace.Name, dev.Name, $"ICMP {NetNamespace.IcmpText(h.Type, h.Code)} from {Ipv4Address.Format(origin)} about {Ipv4Address.Format(isrc)} > {Ipv4Address.Format(idst)}"));
        switch (proto)
        {
            case IpProtocol.Tcp:
                Namespace.Tcp.HandleIcmpError(h.Type, h.Code, isrc, BinaryPrimitives.ReadUInt16BigEndian(t), idst, BinaryPrimitives.ReadUInt16BigEndian(t[2..]));
                break;
            case IpProtocol.Udp:
                Namespace.Udp.HandleIcmpError(origin, h.Type, h.Code, isrc, BinaryPrimitives.ReadUInt16BigEndian(t), idst, BinaryPrimitives.ReadUInt16BigEndian(t[2..]));
                break;
            case IpProtocol.Icmp when t[0] == IcmpHeader.EchoRequest:
                if (_sockets.TryGetValue(BinaryPrimitives.ReadUInt16BigEndian(t[4..]), out var ps))
                    ps.Deliver(h.Type == IcmpHeader.TimeExceeded ? PingStatus.TimeExceeded : PingStatus.Unreachable, origin, BinaryPrimitives.ReadUInt16BigEndian(t[6..]), 0, h.Code, 0);
                break;
        }
    }
}

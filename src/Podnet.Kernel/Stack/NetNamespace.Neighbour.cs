using Podnet.Kernel.Links;
using Podnet.Kernel.Tracing;
using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Stack;

// ARP and the neighbour cache (net/ipv4/arp.c, net/core/neighbour.c).
public sealed partial class NetNamespace
{
    /// <summary>retrans_time: one ARP probe per second.</summary>
    public static readonly TimeSpan ArpRetransmit = TimeSpan.FromSeconds(1);

    /// <summary>mcast_probes: probes before an INCOMPLETE entry becomes FAILED.</summary>
    public const int ArpProbes = 3;

    /// <summary>unres_qlen: packets queued per unresolved neighbour.</summary>
    public const int UnresolvedQueueLength = 101;

    private readonly Dictionary<long, Neighbour> _neighbours = [];
    private long _neighbourSequence;

    internal long NextNeighbourSequence() => ++_neighbourSequence;

    public IEnumerable<Neighbour> Neighbours => _neighbours.Values;

    private static long Key(NetDevice dev, uint ip) => ((long)dev.Index << 32) | ip;

    public Neighbour? GetNeighbour(NetDevice dev, uint ip) => _neighbours.GetValueOrDefault(Key(dev, ip));

    /// <summary><c>ip neigh add|replace IP lladdr MAC dev DEV [nud permanent|reachable|stale]</c>.</summary>
    public NetlinkError SetNeighbour(NetDevice dev, uint ip, MacAddress mac, NudState state, bool replace)
    {
        var key = Key(dev, ip);
        if (_neighbours.TryGetValue(key, out var n))
        {
            if (!replace) return NetlinkError.Exists;
        }
        else
        {
            n = new Neighbour(dev, ip);
            _neighbours.Add(key, n);
        }
        n.Timer?.Cancel();
        n.Mac = mac;
        n.HasMac = true;
        n.RawState = state;
        n.Confirmed = Now;
        FlushPending(n);
        return NetlinkError.None;
    }

    /// <summary><c>ip neigh del IP dev DEV</c>.</summary>
    public NetlinkError DeleteNeighbour(NetDevice dev, uint ip)
    {
        if (!_neighbours.Remove(Key(dev, ip), out var n)) return NetlinkError.NoSuchProcess;
        n.Timer?.Cancel();
        return NetlinkError.None;
    }

    private void FlushNeighbours(NetDevice dev)
    {
        var gone = new List<long>();
        foreach (var kv in _neighbours)
            if (kv.Value.Device == dev)
            {
                kv.Value.Timer?.Cancel();
                gone.Add(kv.Key);
            }
        foreach (var k in gone) _neighbours.Remove(k);
    }

    private static void WriteEthernet(Frame f, MacAddress dst, MacAddress src, ushort type)
    {
        var b = f.Span;
        dst.Write(b);
        src.Write(b[6..]);
        b[12] = (byte)(type >> 8);
        b[13] = (byte)type;
    }

    /// <summary>neigh_output: resolve <paramref name="nexthop"/> on <paramref name="dev"/> and transmit, queueing while INCOMPLETE.</summary>
    private void NeighbourOutput(NetDevice dev, uint nexthop, Frame f)
    {
        if (dev.NoArp)
        {
            WriteEthernet(f, MacAddress.Zero, dev.Mac, EtherType.Ipv4);
            dev.Transmit(f);
            return;
        }
        if (nexthop == Ipv4Address.Broadcast || LocalTable.Lookup(nexthop) is { Type: RouteType.Broadcast })
        {
            WriteEthernet(f, MacAddress.Broadcast, dev.Mac, EtherType.Ipv4);
            dev.Transmit(f);
            return;
        }
        var key = Key(dev, nexthop);
        if (!_neighbours.TryGetValue(key, out var n))
        {
            n = new Neighbour(dev, nexthop);
            _neighbours.Add(key, n);
        }
        if (n.HasMac && n.RawState is not (NudState.Incomplete or NudState.Failed))
        {
            WriteEthernet(f, n.Mac, dev.Mac, EtherType.Ipv4);
            dev.Transmit(f);
            return;
        }
        n.Pending ??= new Queue<Frame>();
        if (n.Pending.Count >= UnresolvedQueueLength) n.Pending.Dequeue();
        n.Pending.Enqueue(f);
        if (n.RawState != NudState.Incomplete || n.Timer is not { Pending: true })
        {
            n.RawState = NudState.Incomplete;
            n.HasMac = false;
            n.Probes = 0;
            if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Neighbour, Name, dev.Name, $"ARP who-has {Ipv4Address.Format(nexthop)}: INCOMPLETE, packet queued"));
            SendArpRequest(n, ReadSource(f));
            n.Timer ??= World.Loop.CreateTimer(static s => ((Neighbour)s!).Device.Namespace.NeighbourTimer((Neighbour)s!), n);
            n.Timer.Start(ArpRetransmit);
        }
    }

    private void NeighbourTimer(Neighbour n)
    {
        if (n.RawState != NudState.Incomplete) return;
        n.Probes++;
        if (n.Probes >= ArpProbes)
        {
            n.RawState = NudState.Failed;
            Counters.NeighbourFailures++;
            var pending = n.Pending;
            n.Pending = null;
            if (pending != null)
                while (pending.TryDequeue(out var f))
                {
                    if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Neighbour, Name, n.Device.Name, $"ARP for {Ipv4Address.Format(n.Address)} failed after {ArpProbes} probes: FAILED, ICMP host unreachable"));
                    SendIcmpError(f, IcmpHeader.DestinationUnreachable, IcmpHeader.CodeHostUnreachable);
                }
            return;
        }
        SendArpRequest(n, 0);
        n.Timer!.Start(ArpRetransmit);
    }

    private void SendArpRequest(Neighbour n, uint packetSource)
    {
        var dev = n.Device;
        uint sip = packetSource != 0 && IsLocalAddress(packetSource) ? packetSource : SelectSource(dev, n.Address, RouteScope.Link);
        var f = new Frame(EthernetHeader.Size + ArpPacket.Size);
        WriteEthernet(f, MacAddress.Broadcast, dev.Mac, EtherType.Arp);
        new ArpPacket(ArpPacket.Request, dev.Mac, sip, MacAddress.Zero, n.Address).Write(f.Span[EthernetHeader.Size..]);
        dev.Transmit(f);
    }

    private void ReceiveArp(NetDevice dev, Frame f)
    {
        if (!ArpPacket.TryParse(f.Span[EthernetHeader.Size..], out var arp))
        {
            Counters.ArpMalformed++;
            return;
        }
        if (dev.NoArp || arp.SenderIp == 0 && arp.Operation == ArpPacket.Reply) return;
        if (arp.SenderMac.IsMulticast || Ipv4Address.IsMulticast(arp.SenderIp)) return;
        bool forUs = LocalTable.Lookup(arp.TargetIp) is { Type: RouteType.Local } && !Ipv4Address.IsLoopback(arp.TargetIp);
        _neighbours.TryGetValue(Key(dev, arp.SenderIp), out var n);
        if (arp.Operation == ArpPacket.Request)
        {
            if (!forUs) return;
            if (arp.SenderIp != 0)
            {
                if (n == null)
                {
                    n = new Neighbour(dev, arp.SenderIp);
                    _neighbours.Add(Key(dev, arp.SenderIp), n);
                }
                Update(n, arp.SenderMac, confirmed: false);
            }
            var reply = new Frame(EthernetHeader.Size + ArpPacket.Size) { Trace = f.Trace };
            WriteEthernet(reply, arp.SenderMac, dev.Mac, EtherType.Arp);
            new ArpPacket(ArpPacket.Reply, dev.Mac, arp.TargetIp, arp.SenderMac, arp.SenderIp).Write(reply.Span[EthernetHeader.Size..]);
            dev.Transmit(reply);
            return;
        }
        if (n != null) Update(n, arp.SenderMac, confirmed: true);
    }

    private void Update(Neighbour n, MacAddress mac, bool confirmed)
    {
        if (n.RawState is NudState.Permanent or NudState.Noarp) return;
        bool same = n.HasMac && n.Mac == mac;
        n.Mac = mac;
        n.HasMac = true;
        if (confirmed)
        {
            n.RawState = NudState.Reachable;
            n.Confirmed = Now;
        }
        else if (!same || n.RawState is NudState.Incomplete or NudState.Failed)
        {
            // neigh_event_ns: a request from the neighbour makes the entry STALE; a waiting INCOMPLETE entry can send now.
            n.RawState = n.RawState == NudState.Incomplete ? NudState.Reachable : NudState.Stale;
            n.Confirmed = Now;
        }
        n.Timer?.Cancel();
        FlushPending(n);
    }

    private void FlushPending(Neighbour n)
    {
        var q = n.Pending;
        if (q == null) return;
        n.Pending = null;
        while (q.TryDequeue(out var f))
        {
            if (f.Trace != null) f.Trace.Add(new TraceStep(TraceStepKind.Neighbour, Name, n.Device.Name, $"ARP {Ipv4Address.Format(n.Address)} is-at {n.Mac}"));
            WriteEthernet(f, n.Mac, n.Device.Mac, EtherType.Ipv4);
            n.Device.Transmit(f);
        }
    }
}

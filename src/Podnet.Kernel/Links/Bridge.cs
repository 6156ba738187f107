using Podnet.Kernel.Netfilter;
using Podnet.Kernel.Tracing;
using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Links;

/// <summary>
/// A learning Ethernet bridge (net/bridge): ports are devices whose master it is; it learns source
/// MACs into its FDB (ageing in virtual time, 300 s by default), forwards known unicast to one port,
/// floods broadcast, multicast and unknown unicast, and passes frames for its own MAC up to its
/// namespace's IP stack (the bridge as a gateway). With <c>net.bridge.bridge-nf-call-iptables=1</c>
/// bridged IPv4 traverses netfilter (br_netfilter) with <see cref="NetfilterPacket.Bridged"/> set.
/// </summary>
public sealed class Bridge : NetDevice
{
    private readonly Dictionary<MacAddress, BridgeFdbEntry> _fdb = [];
    private readonly List<NetDevice> _ports = [];

    public Bridge(string name, MacAddress mac) : base(name, mac, 1500) { }

    public override string? Kind => "bridge";

    /// <summary>FDB ageing time (<c>ageing_time</c>, default 300 s).</summary>
    public TimeSpan AgeingTime { get; set; } = TimeSpan.FromSeconds(300);

    public IReadOnlyList<NetDevice> Ports => _ports;

    /// <summary>Carrier is up while any port is up (no STP).</summary>
    public override bool Carrier
    {
        get
        {
            if (!AdminUp) return false;
            foreach (var p in _ports) if (p.IsUp) return true;
            return false;
        }
    }

    /// <summary>The live FDB entries (expired ones are skipped), as <c>bridge fdb show</c>.</summary>
    public IEnumerable<BridgeFdbEntry> Fdb
    {
        get
        {
            var now = Namespace.World.Loop.Now;
            foreach (var e in _fdb.Values)
                if (e.IsLocal || e.IsStatic || now - e.Updated <= AgeingTime) yield return e;
        }
    }

    internal void AddPort(NetDevice port)
    {
        _ports.Add(port);
        port.Master = this;
        _fdb[port.Mac] = new BridgeFdbEntry(port.Mac, port, true, true, Namespace.World.Loop.Now);
        RecalculateMac();
    }

    internal void RemovePort(NetDevice port)
    {
        _ports.Remove(port);
        port.Master = null;
        var stale = new List<MacAddress>();
        foreach (var e in _fdb.Values) if (e.Port == port) stale.Add(e.Mac);
        foreach (var m in stale) _fdb.Remove(m);
        RecalculateMac();
    }

    /// <summary>Adds a static entry (<c>bridge fdb add MAC dev PORT master static</c>).</summary>
    public void AddStatic(MacAddress mac, NetDevice port) =>
        _fdb[mac] = new BridgeFdbEntry(mac, port, false, true, Namespace.World.Loop.Now);

    internal void PortMacChanged(NetDevice port, MacAddress old)
    {
        if (_fdb.TryGetValue(old, out var e) && e.IsLocal && e.Port == port) _fdb.Remove(old);
        _fdb[port.Mac] = new BridgeFdbEntry(port.Mac, port, true, true, Namespace.World.Loop.Now);
        RecalculateMac();
    }

    /// <summary>br_stp_recalculate_bridge_id: unless set explicitly, the bridge takes its ports' lowest MAC.</summary>
    private void RecalculateMac()
    {
        if (MacSetExplicitly || _ports.Count == 0) return;
        var min = _ports[0].Mac;
        foreach (var p in _ports) if (p.Mac.Value < min.Value) min = p.Mac;
        Mac = min;
    }

    private void Learn(MacAddress mac, NetDevice port)
    {
        var now = Namespace.World.Loop.Now;
        if (_fdb.TryGetValue(mac, out var e))
        {
            if (e.IsLocal || e.IsStatic) return;
            e.Port = port;
            e.Updated = now;
            return;
        }
        _fdb[mac] = new BridgeFdbEntry(mac, port, false, false, now);
    }

    private NetDevice? LookupPort(MacAddress mac) => _fdb.TryGetValue(mac, out var e) ? LiveEntryPort(e) : null;

    // the entry's port, or null when it aged out (then it is removed)
    private NetDevice? LiveEntryPort(BridgeFdbEntry e)
    {
        if (!e.IsLocal && !e.IsStatic && Namespace.World.Loop.Now - e.Updated > AgeingTime)
        {
            _fdb.Remove(e.Mac);
            return null;
        }
        return e.Port;
    }

    /// <summary>A frame arrived on one of the bridge's ports (br_handle_frame).</summary>
    internal void PortReceive(NetDevice port, Frame frame)
    {
        if (frame.Length < EthernetHeader.Size || !AdminUp)
        {
            port.Counters.RxDropped++;
            return;
        }
        var span = frame.Span;
        var src = MacAddress.Read(span[6..]);
        var dst = MacAddress.Read(span);
        if (src.IsMulticast)
        {
            port.Counters.RxDropped++;
            return;
        }
        if (port.PortSettings.Learning) Learn(src, port);
        var ns = Namespace;
        bool brnf = ns.Sysctls.BridgeNfCallIptables && ns.Netfilter != null && frame.Length >= EthernetHeader.Size + Ipv4Header.MinSize
            && span[12] == 0x08 && span[13] == 0x00;
        if (brnf)
        {
            var result = ns.BridgeHook(NetfilterHook.Prerouting, this, port, null, frame);
            if (result == BridgeHookResult.Stolen) return;
            if (result == BridgeHookResult.DestinationChanged)
            {
                // br_nf_pre_routing_finish: DNAT moved the packet off this L2 segment; hand it to IP routing.
                Mac.Write(frame.Span);
                frame.BridgePreroutingDone = true;
                ns.ReceiveFrame(this, frame);
                return;
            }
            frame.BridgePreroutingDone = true;
        }
        if (dst.IsMulticast)
        {
            if (frame.Trace != null) frame.Trace.Add(new TraceStep(TraceStepKind.Bridge, ns.Name, Name, $"flood {(dst.IsBroadcast ? "broadcast" : "multicast")} from {port.Name}"));
            Flood(port, frame, local: true, brnf, unicast: false);
            return;
        }
        // one FDB lookup answers both questions: a local address of the bridge, or the port behind it (br_fdb_find_rcu)
        _fdb.TryGetValue(dst, out var dstEntry);
        if (dst == Mac || dstEntry is { IsLocal: true })
        {
            if (frame.Trace != null) frame.Trace.Add(new TraceStep(TraceStepKind.Bridge, ns.Name, Name, $"to the bridge's own address {dst}: up to the IP stack"));
            ns.ReceiveFrame(this, frame);
            return;
        }
        frame.BridgePreroutingDone = false;
        var outPort = dstEntry is null ? null : LiveEntryPort(dstEntry);
        if (outPort == null)
        {
            if (frame.Trace != null) frame.Trace.Add(new TraceStep(TraceStepKind.Bridge, ns.Name, Name, $"{dst} unknown: flood from {port.Name}"));
            Flood(port, frame, local: false, brnf, unicast: true);
            return;
        }
        if (outPort == port && !port.PortSettings.Hairpin)
        {
            if (frame.Trace != null) frame.Trace.Add(new TraceStep(TraceStepKind.Drop, ns.Name, Name, $"{dst} is behind the ingress port {port.Name} and hairpin is off"));
            return;
        }
        if (frame.Trace != null) frame.Trace.Add(new TraceStep(TraceStepKind.Bridge, ns.Name, Name, $"fdb {dst} -> {outPort.Name}"));
        Forward(port, outPort, frame, brnf);
    }

    private void Forward(NetDevice inPort, NetDevice outPort, Frame frame, bool brnf)
    {
        if (brnf)
        {
            if (Namespace.BridgeHook(NetfilterHook.Forward, this, inPort, outPort, frame) == BridgeHookResult.Stolen) return;
            if (Namespace.BridgeHook(NetfilterHook.Postrouting, this, inPort, outPort, frame) == BridgeHookResult.Stolen) return;
        }
        outPort.Transmit(frame);
    }

    private void Flood(NetDevice? inPort, Frame frame, bool local, bool brnf, bool unicast)
    {
        NetDevice? last = null;
        foreach (var p in _ports)
        {
            if (!p.IsUp || (p == inPort && !p.PortSettings.Hairpin) || (unicast && !p.PortSettings.Flood)) continue;
            if (last != null) Forward(inPort ?? this, last, frame.Clone(), brnf && inPort != null);
            last = p;
        }
        if (local)
        {
            if (last != null) Forward(inPort ?? this, last, frame.Clone(), brnf && inPort != null);
            Namespace.ReceiveFrame(this, frame);
        }
        else if (last != null) Forward(inPort ?? this, last, frame, brnf && inPort != null);
    }

    /// <summary>The bridge device's own transmit (br_dev_xmit): frames the namespace's stack sends out via the bridge.</summary>
    protected override void Xmit(Frame frame)
    {
        if (frame.Length < EthernetHeader.Size) return;
        var dst = MacAddress.Read(frame.Span);
        if (dst.IsMulticast)
        {
            Flood(null, frame, local: false, brnf: false, unicast: false);
            return;
        }
        var port = LookupPort(dst);
        if (port == null || port == this)
        {
            if (frame.Trace != null) frame.Trace.Add(new TraceStep(TraceStepKind.Bridge, Namespace.Name, Name, $"{dst} unknown: flood"));
            Flood(null, frame, local: false, brnf: false, unicast: true);
            return;
        }
        if (frame.Trace != null) frame.Trace.Add(new TraceStep(TraceStepKind.Bridge, Namespace.Name, Name, $"fdb {dst} -> {port.Name}"));
        port.Transmit(frame);
    }

    internal override void OnDeleted()
    {
        foreach (var p in _ports.ToArray()) RemovePort(p);
    }
}

using System.Buffers.Binary;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Tracing;
using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Links;

/// <summary>
/// A VXLAN device (drivers/net/vxlan): frames sent on it are encapsulated in UDP (VNI, destination
/// port) towards the remote VTEP its FDB names (the all-zeros entries for broadcast and unknown
/// MACs), and UDP datagrams arriving on the destination port in the underlay namespace are
/// decapsulated and received on it. Learning records inner source MAC → outer source IP.
/// </summary>
public sealed class Vxlan : NetDevice
{
    private readonly List<VxlanFdbEntry> _fdb = [];

    public Vxlan(string name, MacAddress mac, uint vni, ushort destinationPort, uint local, NetDevice? underlayDevice)
        : base(name, mac, underlayDevice != null ? underlayDevice.Mtu - 50 : 1450)
    {
        Vni = vni;
        DestinationPort = destinationPort;
        Local = local;
        UnderlayDevice = underlayDevice;
    }

    public override string? Kind => "vxlan";

    public uint Vni { get; }

    /// <summary>UDP destination port (4789 IANA; 8472 Linux's legacy default, flannel's).</summary>
    public ushort DestinationPort { get; }

    /// <summary>Source address of the outer header (<c>local</c>); 0 = chosen by routing.</summary>
    public uint Local { get; }

    /// <summary>The underlay device (<c>dev</c>), or null.</summary>
    public NetDevice? UnderlayDevice { get; }

    /// <summary>The namespace whose UDP socket sends and receives the encapsulated datagrams (where it was created).</summary>
    public NetNamespace UnderlayNamespace { get; internal set; } = null!;

    /// <summary>Learn remote MACs from received frames (<c>learning</c>, default on; flannel uses <c>nolearning</c>).</summary>
    public bool Learning { get; set; } = true;

    public IReadOnlyList<VxlanFdbEntry> Fdb => _fdb;

    /// <summary><c>bridge fdb append</c>: adds an entry (duplicates of the same MAC allowed for the default entry).</summary>
    public bool Append(MacAddress mac, uint destination)
    {
        foreach (var e in _fdb) if (e.Mac == mac && e.Destination == destination) return false;
        _fdb.Add(new VxlanFdbEntry(mac, destination, true, Namespace.World.Loop.Now));
        return true;
    }

    /// <summary><c>bridge fdb add</c>: false when the MAC already has an entry ("File exists").</summary>
    public bool Add(MacAddress mac, uint destination)
    {
        foreach (var e in _fdb) if (e.Mac == mac) return false;
        _fdb.Add(new VxlanFdbEntry(mac, destination, true, Namespace.World.Loop.Now));
        return true;
    }

    /// <summary><c>bridge fdb replace</c>.</summary>
    public void Replace(MacAddress mac, uint destination)
    {
        _fdb.RemoveAll(e => e.Mac == mac);
        _fdb.Add(new VxlanFdbEntry(mac, destination, true, Namespace.World.Loop.Now));
    }

    public bool Delete(MacAddress mac) => _fdb.RemoveAll(e => e.Mac == mac) > 0;

    protected override void Xmit(Frame frame)
    {
        if (frame.Length < EthernetHeader.Size) return;
        var dst = MacAddress.Read(frame.Span);
        int found = 0;
        uint first = 0;
        if (!dst.IsMulticast)
            foreach (var e in _fdb)
                if (e.Mac == dst) { first = e.Destination; found = 1; break; }
        if (found == 0)
        {
            VxlanFdbEntry? only = null;
            foreach (var e in _fdb)
            {
                if (e.Mac != MacAddress.Zero) continue;
                if (only != null) Encapsulate(frame.Clone(), only.Destination);
                only = e;
            }
            if (only == null)
            {
                Counters.TxDropped++;
                if (frame.Trace != null) frame.Trace.Add(new TraceStep(TraceStepKind.Drop, Namespace.Name, Name, $"vxlan fdb has no entry for {dst} and no default"));
                return;
            }
            Encapsulate(frame, only.Destination);
            return;
        }
        Encapsulate(frame, first);
    }

    private void Encapsulate(Frame inner, uint remote)
    {
        var ns = UnderlayNamespace;
        uint src = Local;
        if (src == 0)
        {
            if (!ns.TryRoute(remote, out var r)) { Counters.TxDropped++; return; }
            src = r.Source;
        }
        int innerLen = inner.Length;
        inner.Prepend(VxlanHeader.Overhead);
        var b = inner.Span;
        int ip = EthernetHeader.Size;
        int udp = ip + Ipv4Header.MinSize;
        new VxlanHeader(Vni).Write(b[(udp + UdpHeader.Size)..]);
        // Source port from a hash of the inner headers (vxlan_src_port), within 32768-60999.
        uint h = 2166136261;
        for (int i = 0; i < Math.Min(innerLen, 34); i++) h = (h ^ b[VxlanHeader.Overhead + i]) * 16777619;
        ushort sport = (ushort)(32768 + h % (60999 - 32768 + 1));
        int udpLen = UdpHeader.Size + VxlanHeader.Size + innerLen;
        new Ipv4Header(0, (ushort)(Ipv4Header.MinSize + udpLen), ns.NextIpId(), Ipv4Header.DontFragment, 64, IpProtocol.Udp, src, remote).Write(b[ip..]);
        UdpHeader.Write(b.Slice(udp, udpLen), sport, DestinationPort, src, remote);
        if (inner.Trace != null) inner.Trace.Add(new TraceStep(TraceStepKind.Encapsulation, Namespace.Name, Name,
            $"vxlan encap vni {Vni}: {Ipv4Address.Format(src)}:{sport} > {Ipv4Address.Format(remote)}:{DestinationPort}"));
        inner.Mark = 0;
        inner.Conntrack = null;
        ns.OutputTunnel(inner);
    }

    /// <summary>Decapsulates a datagram that arrived on <see cref="DestinationPort"/> (vxlan_rcv); payload = VXLAN header onwards.</summary>
    internal void Decapsulate(Frame frame, int vxlanOffset, uint outerSource)
    {
        var b = frame.Span;
        if (!VxlanHeader.TryParse(b[vxlanOffset..], out var vx) || vx.Vni != Vni || frame.Length - vxlanOffset - VxlanHeader.Size < EthernetHeader.Size)
        {
            Counters.RxDropped++;
            return;
        }
        frame.Pull(vxlanOffset + VxlanHeader.Size);
        var src = MacAddress.Read(frame.Span[6..]);
        if (Learning && !src.IsMulticast)
        {
            int idx = _fdb.FindIndex(e => e.Mac == src);
            if (idx < 0) _fdb.Add(new VxlanFdbEntry(src, outerSource, false, Namespace.World.Loop.Now));
            else if (!_fdb[idx].Permanent) _fdb[idx] = _fdb[idx] with { Destination = outerSource, Updated = Namespace.World.Loop.Now };
        }
        if (frame.Trace != null) frame.Trace.Add(new TraceStep(TraceStepKind.Encapsulation, Namespace.Name, Name, $"vxlan decap vni {Vni} from {Ipv4Address.Format(outerSource)}"));
        frame.Mark = 0;
        frame.Conntrack = null;
        Receive(frame);
    }

    /// <summary>Reads the VNI of a VXLAN payload without checks beyond length (for demultiplexing).</summary>
    internal static bool TryReadVni(ReadOnlySpan<byte> payload, out uint vni)
    {
        vni = 0;
        if (payload.Length < VxlanHeader.Size || (payload[0] & 0x08) == 0) return false;
        vni = BinaryPrimitives.ReadUInt32BigEndian(payload[4..]) >> 8;
        return true;
    }

    internal override void OnStateChanged()
    {
        if (AdminUp) UnderlayNamespace.RegisterVxlan(this);
        else UnderlayNamespace.UnregisterVxlan(this);
    }

    internal override void OnDeleted() => UnderlayNamespace.UnregisterVxlan(this);
}

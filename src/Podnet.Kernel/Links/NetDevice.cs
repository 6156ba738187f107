using Podnet.Kernel.Stack;
using Podnet.Kernel.Tracing;
using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Links;

/// <summary>
/// A network interface (the kernel's <c>struct net_device</c>): name, ifindex, MAC, MTU, admin state,
/// master bridge. Subclasses are the link types. The stack calls <see cref="Transmit"/> to send a
/// frame; a device calls <see cref="Receive"/> when a frame arrives from its wire.
/// </summary>
public abstract class NetDevice
{
    private List<ICaptureTap>? _taps;

    /// <summary>Loop callback that hands a queued frame to <see cref="Frame.NextDevice"/>.</summary>
    protected static readonly Action<object?> DeliverQueued = static s =>
    {
        var f = (Frame)s!;
        var d = f.NextDevice!;
        f.NextDevice = null;
        d.Receive(f);
        // a socket took its data and nothing else can hold it (taps mark what they see): recycle it
        if (f.Consumed) f.Pool?.Return(f);
    };

    protected NetDevice(string name, MacAddress mac, int mtu)
    {
        Name = name;
        Mac = mac;
        Mtu = mtu;
    }

    public string Name { get; internal set; }

    /// <summary>The ifindex, unique within the namespace.</summary>
    public int Index { get; internal set; }

    public NetNamespace Namespace { get; internal set; } = null!;

    public MacAddress Mac { get; internal set; }

    public int Mtu { get; internal set; }

    /// <summary>IFF_UP: set by <c>ip link set DEV up</c>.</summary>
    public bool AdminUp
    {
        get => _adminUp;
        internal set
        {
            _adminUp = value;
            if (value) HasBeenUp = true;
        }
    }

    private bool _adminUp;

    /// <summary>True once the device was ever up (its qdisc then stays attached: <c>noqueue</c> instead of <c>noop</c>).</summary>
    public bool HasBeenUp { get; private set; }

    /// <summary>The link type as <c>ip -d link</c> names it: veth, bridge, vxlan, dummy; null for loopback.</summary>
    public abstract string? Kind { get; }

    /// <summary>True for devices that do not resolve neighbours (loopback): IFF_NOARP.</summary>
    public virtual bool NoArp => false;

    /// <summary>IFF_LOWER_UP: carrier present (for veth, the peer is up too).</summary>
    public virtual bool Carrier => AdminUp;

    /// <summary>Operationally up: admin up and carrier.</summary>
    public bool IsUp => AdminUp && Carrier;

    /// <summary>The bridge this device is a port of (<c>ip link set DEV master BR</c>), or null.</summary>
    public Bridge? Master { get; internal set; }

    /// <summary>Bridge-port settings when <see cref="Master"/> is set (<c>bridge link set ... hairpin on</c>).</summary>
    public BridgePortSettings PortSettings { get; } = new();

    public DeviceCounters Counters { get; } = new();

    /// <summary>This interface's <c>net.ipv4.conf.NAME.*</c> sysctls.</summary>
    public Ipv4DeviceConfig Ipv4Config { get; internal set; } = new();

    /// <summary>True when the MAC was set explicitly (addr_assign_type NET_ADDR_SET).</summary>
    internal bool MacSetExplicitly { get; set; }

    public void AddTap(ICaptureTap tap) => (_taps ??= []).Add(tap);

    public void RemoveTap(ICaptureTap tap)
    {
        if (_taps == null) return;
        _taps.Remove(tap);
        if (_taps.Count == 0) _taps = null;
    }

    /// <summary>Puts a frame on this device's wire (dev_queue_xmit).</summary>
    public void Transmit(Frame frame)
    {
        if (!IsUp)
        {
            Counters.TxDropped++;
            return;
        }
        Counters.TxPackets++;
        Counters.TxBytes += frame.Length;
        if (_taps != null) Tap(frame, true);
        Namespace.World.LinkHops++;
        frame.BridgePreroutingDone = false;
        Xmit(frame);
    }

    private void Tap(Frame frame, bool outgoing)
    {
        // a tap may keep the frame object: it must never be recycled under it
        frame.Retained = true;
        foreach (var t in _taps!) t.Capture(this, frame, outgoing);
    }

    /// <summary>The link type's transmit (ndo_start_xmit).</summary>
    protected abstract void Xmit(Frame frame);

    /// <summary>A frame arrives from this device's wire (netif_receive_skb): to the master bridge, or up to the stack.</summary>
    public void Receive(Frame frame)
    {
        if (!IsUp)
        {
            Counters.RxDropped++;
            return;
        }
        Counters.RxPackets++;
        Counters.RxBytes += frame.Length;
        if (_taps != null) Tap(frame, false);
        if (Master != null) Master.PortReceive(this, frame);
        else Namespace.ReceiveFrame(this, frame);
    }

    /// <summary>Called when the device is removed from its namespace (<c>ip link del</c>).</summary>
    internal virtual void OnDeleted() { }

    /// <summary>Called after admin state changes.</summary>
    internal virtual void OnStateChanged() { }

    public override string ToString() => $"{Namespace?.Name}/{Name}";
}

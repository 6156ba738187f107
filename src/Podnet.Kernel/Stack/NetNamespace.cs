using Podnet.Kernel.Links;
using Podnet.Kernel.Netfilter;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Stack;

/// <summary>
/// A network namespace (<c>struct net</c>): its links, IPv4 addresses, routing tables (main and local),
/// neighbour cache, sysctls, netfilter and sockets. Configuration methods mirror netlink requests
/// (what <c>ip link/addr/route/neigh</c> send); errors come back as <see cref="NetlinkError"/> values.
/// It implements <see cref="INetfilterHost"/> for the netfilter that may be plugged into it.
/// </summary>
public sealed partial class NetNamespace : INetfilterHost
{
    /// <summary>base_reachable_time: how long a confirmed neighbour stays REACHABLE.</summary>
    public static readonly TimeSpan ReachableTime = TimeSpan.FromSeconds(30);

    private readonly List<NetDevice> _devices = [];
    private readonly Dictionary<string, NetDevice> _byName = new(StringComparer.Ordinal);
    private readonly List<InterfaceAddress> _addresses = [];
    private int _nextIndex = 1;
    private ushort _ipId;

    internal NetNamespace(World world, string name)
    {
        World = world;
        Name = name;
        Sysctls = new Sysctls(this);
        Tcp = new TcpStack(this);
        Udp = new UdpStack(this);
        Icmp = new IcmpStack(this);
        Loopback = new Loopback();
        Attach(Loopback);
    }

    public string Name { get; }

    public World World { get; }

    /// <summary><c>lo</c>; down until set up, and 127.0.0.1/8 appears when it comes up (as in a fresh netns).</summary>
    public Loopback Loopback { get; }

    public IReadOnlyList<NetDevice> Devices => _devices;

    public IReadOnlyList<InterfaceAddress> Addresses => _addresses;

    public RoutingTable MainTable { get; } = new(254);

    public RoutingTable LocalTable { get; } = new(255);

    public Sysctls Sysctls { get; }

    public StackCounters Counters { get; } = new();

    /// <summary>The namespace's netfilter (iptables/nftables/conntrack/IPVS); null = no hooks, no cost.</summary>
    public INetfilter? Netfilter
    {
        get => _netfilter;
        set
        {
            _netfilter = value;
            _emulatedNetfilter = value as Podnet.Kernel.Netfilter.Netfilter;
            // a hook view kept for the next hook belongs to the netfilter it was made for
            _viewFrame = null;
        }
    }

    private INetfilter? _netfilter;
    // the same object when it is this project's netfilter: called directly at each hook, not through the interface
    private Podnet.Kernel.Netfilter.Netfilter? _emulatedNetfilter;

    public TcpStack Tcp { get; }

    public UdpStack Udp { get; }

    public IcmpStack Icmp { get; }

    public bool IsDeleted { get; private set; }

    public NetDevice? GetDevice(string name) => _byName.GetValueOrDefault(name);

    public NetDevice? GetDevice(int index)
    {
        foreach (var d in _devices) if (d.Index == index) return d;
        return null;
    }

    internal ushort NextIpId() => ++_ipId;

    private void Attach(NetDevice dev)
    {
        dev.Namespace = this;
        dev.Index = _nextIndex++;
        dev.Ipv4Config = Sysctls.Default.Copy();
        _devices.Add(dev);
        _byName.Add(dev.Name, dev);
    }

    private void Detach(NetDevice dev)
    {
        SetUp(dev, false);
        _addresses.RemoveAll(a => a.Device == dev);
        MainTable.RemoveDevice(dev);
        LocalTable.RemoveDevice(dev);
        FlushNeighbours(dev);
        _devices.Remove(dev);
        _byName.Remove(dev.Name);
    }

    private MacAddress NewMac() => MacAddress.Random(World.Loop.Random);

    /// <summary><c>ip link add NAME type veth peer name PEER [netns NS]</c>.</summary>
    public NetlinkError AddVeth(string name, string peerName, NetNamespace? peerNamespace, out Veth? veth)
    {
        veth = null;
        var pns = peerNamespace ?? this;
        if (_byName.ContainsKey(name) || pns._byName.ContainsKey(peerName) || (pns == this && name == peerName)) return NetlinkError.Exists;
        var a = new Veth(name, NewMac());
        var b = new Veth(peerName, NewMac()) { Peer = a };
        a.Peer = b;
        Attach(a);
        pns.Attach(b);
        veth = a;
        return NetlinkError.None;
    }

    /// <summary><c>ip link add NAME type bridge</c>.</summary>
    public NetlinkError AddBridge(string name, out Bridge? bridge)
    {
        bridge = null;
        if (_byName.ContainsKey(name)) return NetlinkError.Exists;
        bridge = new Bridge(name, NewMac());
        Attach(bridge);
        return NetlinkError.None;
    }

    /// <summary><c>ip link add NAME type dummy</c>.</summary>
    public NetlinkError AddDummy(string name, out Dummy? dummy)
    {
        dummy = null;
        if (_byName.ContainsKey(name)) return NetlinkError.Exists;
        dummy = new Dummy(name, NewMac());
        Attach(dummy);
        return NetlinkError.None;
    }

    /// <summary><c>ip link add NAME type vxlan id VNI dstport PORT [local IP] [dev DEV]</c>.</summary>
    public NetlinkError AddVxlan(string name, uint vni, ushort dstPort, uint local, NetDevice? underlay, out Vxlan? vxlan)
    {
        vxlan = null;
        if (_byName.ContainsKey(name)) return NetlinkError.Exists;
        if (vni >= 1 << 24) return NetlinkError.InvalidArgument;
        foreach (var d in _devices)
            if (d is Vxlan v && v.Vni == vni && v.DestinationPort == dstPort) return NetlinkError.Exists;
        vxlan = new Vxlan(name, NewMac(), vni, dstPort, local, underlay) { UnderlayNamespace = this };
        Attach(vxlan);
        return NetlinkError.None;
    }

    /// <summary><c>ip link del DEV</c> (a veth takes its peer with it; lo cannot be deleted).</summary>
    public NetlinkError DeleteLink(NetDevice dev)
    {
        if (dev is Links.Loopback) return NetlinkError.InvalidArgument;
        if (dev.Master != null) dev.Master.RemovePort(dev);
        dev.OnDeleted();
        Detach(dev);
        if (dev is Veth v && v.Peer.Namespace._devices.Contains(v.Peer))
        {
            if (v.Peer.Master != null) v.Peer.Master.RemovePort(v.Peer);
            v.Peer.Namespace.Detach(v.Peer);
        }
        return NetlinkError.None;
    }

    /// <summary><c>ip link set DEV up|down</c>. Bringing a device up adds the kernel routes of its addresses; down removes every route through it.</summary>
    public void SetUp(NetDevice dev, bool up)
    {
        if (dev.AdminUp == up) return;
        dev.AdminUp = up;
        if (up)
        {
            if (dev is Links.Loopback && !_addresses.Exists(a => a.Device == dev && a.Address == Ipv4Address.Loopback))
                _addresses.Insert(0, new InterfaceAddress(dev, new Ipv4Prefix(Ipv4Address.Loopback, 8), 0, RouteScope.Host));
            foreach (var a in _addresses) if (a.Device == dev) AddKernelRoutes(a);
        }
        else
        {
            MainTable.RemoveDevice(dev);
            LocalTable.RemoveDevice(dev);
            FlushNeighbours(dev);
        }
        dev.OnStateChanged();
    }

    /// <summary><c>ip link set DEV mtu N</c>.</summary>
    public NetlinkError SetMtu(NetDevice dev, int mtu)
    {
        if (mtu < 68 || mtu > 65535) return NetlinkError.InvalidArgument;
        dev.Mtu = mtu;
        return NetlinkError.None;
    }

    /// <summary><c>ip link set DEV address MAC</c>.</summary>
    public NetlinkError SetMac(NetDevice dev, MacAddress mac)
    {
        if (mac.IsMulticast || mac == MacAddress.Zero || dev is Links.Loopback) return NetlinkError.AddressNotAvailable;
        var old = dev.Mac;
        dev.Mac = mac;
        dev.MacSetExplicitly = true;
        dev.Master?.PortMacChanged(dev, old);
        return NetlinkError.None;
    }

    /// <summary><c>ip link set DEV master BR</c> / <c>nomaster</c> (null).</summary>
    public NetlinkError SetMaster(NetDevice dev, Bridge? bridge)
    {
        if (bridge == dev || dev is Links.Loopback or Bridge) return NetlinkError.InvalidArgument;
        if (bridge != null && bridge.Namespace != this) return NetlinkError.NoSuchDevice;
        if (dev.Master == bridge) return NetlinkError.None;
        dev.Master?.RemovePort(dev);
        if (bridge != null) bridge.AddPort(dev);
        return NetlinkError.None;
    }

    /// <summary><c>ip link set DEV netns NS</c>: moves the device (it goes down and loses its addresses and routes, as in Linux).</summary>
    public NetlinkError MoveTo(NetDevice dev, NetNamespace target)
    {
        if (dev is Links.Loopback or Bridge) return NetlinkError.InvalidArgument;
        if (target == this) return NetlinkError.None;
        if (target._byName.ContainsKey(dev.Name)) return NetlinkError.Exists;
        dev.Master?.RemovePort(dev);
        Detach(dev);
        target.Attach(dev);
        return NetlinkError.None;
    }

    /// <summary><c>ip link set DEV name NEW</c>.</summary>
    public NetlinkError Rename(NetDevice dev, string newName)
    {
        if (_byName.ContainsKey(newName)) return NetlinkError.Exists;
        if (dev.AdminUp) return NetlinkError.Busy;
        _byName.Remove(dev.Name);
        dev.Name = newName;
        _byName.Add(newName, dev);
        return NetlinkError.None;
    }

    /// <summary><c>ip addr add A/N dev DEV [broadcast B]</c>: adds the address and (while up) its local, broadcast and prefix routes.</summary>
    public NetlinkError AddAddress(NetDevice dev, Ipv4Prefix prefix, uint? broadcast = null)
    {
        foreach (var a in _addresses)
            if (a.Device == dev && a.Address == prefix.Address) return NetlinkError.Exists;
        var scope = Ipv4Address.IsLoopback(prefix.Address) ? RouteScope.Host : RouteScope.Universe;
        var ia = new InterfaceAddress(dev, prefix, broadcast ?? 0, scope);
        _addresses.Add(ia);
        if (dev.AdminUp) AddKernelRoutes(ia);
        else LocalTable.Add(LocalRoute(ia)); // fib_add_ifaddr adds the local route before it checks IFF_UP (a down dummy still owns its addresses)
        return NetlinkError.None;
    }

    /// <summary><c>ip addr del A/N dev DEV</c>.</summary>
    public NetlinkError DeleteAddress(NetDevice dev, Ipv4Prefix prefix)
    {
        var ia = _addresses.Find(a => a.Device == dev && a.Address == prefix.Address && a.Prefix.Length == prefix.Length);
        if (ia == null) return NetlinkError.AddressNotAvailable;
        _addresses.Remove(ia);
        LocalTable.RemoveWhere(r => r.Device == dev && r.PreferredSource == ia.Address && r.Protocol == "kernel");
        MainTable.RemoveWhere(r => r.Device == dev && r.PreferredSource == ia.Address && r.Protocol == "kernel");
        return NetlinkError.None;
    }

    private static Route LocalRoute(InterfaceAddress a) =>
        new(new Ipv4Prefix(a.Prefix.Address, 32), RouteType.Local, 0, a.Device, a.Prefix.Address, RouteScope.Host, "kernel", 0) { Table = 255 };

    private void AddKernelRoutes(InterfaceAddress a)
    {
        var dev = a.Device;
        var p = a.Prefix;
        if (!LocalTable.Routes.Any(r => r.Type == RouteType.Local && r.Device == dev && r.Destination.Address == p.Address && r.Destination.Length == 32 && r.Protocol == "kernel"))
            LocalTable.Add(LocalRoute(a));
        if (dev is Links.Loopback)
        {
            if (p.Length < 32)
                LocalTable.Add(new Route(new Ipv4Prefix(p.Network, p.Length), RouteType.Local, 0, dev, p.Address, RouteScope.Host, "kernel", 0) { Table = 255 });
        }
        else if (p.Length < 32)
        {
            MainTable.Add(new Route(new Ipv4Prefix(p.Network, p.Length), RouteType.Unicast, 0, dev, p.Address, RouteScope.Link, "kernel", 0));
        }
        if (p.Length < 31)
        {
            uint brd = a.Broadcast != 0 ? a.Broadcast : p.BroadcastAddress;
            LocalTable.Add(new Route(new Ipv4Prefix(brd, 32), RouteType.Broadcast, 0, dev, p.Address, RouteScope.Link, "kernel", 0) { Table = 255 });
        }
    }

    /// <summary>
    /// <c>ip route add|replace ...</c>. A gateway must be reachable on link (a connected route) unless
    /// <paramref name="route"/> is onlink; <c>add</c> of an existing prefix+metric fails with "File exists".
    /// </summary>
    public NetlinkError AddRoute(Route route, bool replace = false)
    {
        var table = route.Table == 255 ? LocalTable : MainTable;
        var dest = new Ipv4Prefix(route.Destination.Network, route.Destination.Length);
        if (route.Destination.Address != dest.Address) return NetlinkError.InvalidArgument;
        var dev = route.Device;
        if (route.Type == RouteType.Unicast)
        {
            if (route.Gateway != 0 && !route.Onlink)
            {
                var via = MainTable.Lookup(route.Gateway);
                if (via == null || via.Gateway != 0 || via.Type != RouteType.Unicast || (dev != null && via.Device != dev)) return NetlinkError.NetworkUnreachable;
                dev ??= via.Device;
            }
            if (dev == null) return NetlinkError.NoSuchDevice;
            if (!dev.AdminUp) return NetlinkError.NetworkUnreachable;
        }
        var existing = table.Find(dest, route.Metric);
        if (existing != null)
        {
            if (!replace) return NetlinkError.Exists;
            table.Remove(existing);
        }
        table.Add(route with { Destination = dest, Device = dev, Protocol = route.Protocol ?? "boot" });
        return NetlinkError.None;
    }

    /// <summary><c>ip route del PREFIX [...]</c>: the first route of that prefix (and metric, type, device when given).</summary>
    public NetlinkError DeleteRoute(Ipv4Prefix prefix, int? metric = null, RouteType? type = null, NetDevice? dev = null, uint gateway = 0, int table = 254)
    {
        var t = table == 255 ? LocalTable : MainTable;
        var r = t.Routes.FirstOrDefault(r => r.Destination.Network == prefix.Network && r.Destination.Length == prefix.Length
            && (metric == null || r.Metric == metric) && (type == null || r.Type == type) && (dev == null || r.Device == dev)
            && (gateway == 0 || r.Gateway == gateway));
        if (r == null) return NetlinkError.NoSuchProcess;
        t.Remove(r);
        return NetlinkError.None;
    }

    /// <summary>Tears the namespace down (ip netns del): veth ends elsewhere go with their peers.</summary>
    internal void Destroy()
    {
        IsDeleted = true;
        foreach (var d in _devices.ToArray())
        {
            if (d is Links.Loopback) continue;
            if (d is Veth v && v.Peer.Namespace != this)
            {
                var peerNs = v.Peer.Namespace;
                if (v.Peer.Master != null) v.Peer.Master.RemovePort(v.Peer);
                peerNs.Detach(v.Peer);
            }
            if (d.Master != null) d.Master.RemovePort(d);
            d.OnDeleted();
            Detach(d);
        }
        Tcp.Destroy();
        Udp.Destroy();
    }

    // ---- INetfilterHost ----

    /// <summary>True when <paramref name="address"/> is local here (RTN_LOCAL in the local table).</summary>
    public bool IsLocalAddress(uint address) => LocalTable.Lookup(address) is { Type: RouteType.Local };

    public AddressType GetAddressType(uint address)
    {
        if (address == Ipv4Address.Broadcast) return AddressType.Broadcast;
        if (Ipv4Address.IsMulticast(address)) return AddressType.Multicast;
        var l = LocalTable.Lookup(address);
        if (l != null) return l.Type == RouteType.Local ? AddressType.Local : AddressType.Broadcast;
        var r = MainTable.Lookup(address);
        return r?.Type switch
        {
            null => AddressType.Unspec,
            RouteType.Blackhole => AddressType.Blackhole,
            RouteType.Unreachable => AddressType.Unreachable,
            RouteType.Prohibit => AddressType.Prohibit,
            _ => AddressType.Unicast,
        };
    }

    public uint? MasqueradeAddress(string outInterface, uint destination)
    {
        var dev = GetDevice(outInterface);
        if (dev == null) return null;
        var r = MainTable.Lookup(destination);
        uint gw = r?.Gateway ?? 0;
        uint a = SelectSource(dev, gw != 0 ? gw : destination, RouteScope.Universe);
        return a == 0 ? null : a;
    }

    public TimeSpan Now => World.Loop.Now;

    public Random Random => World.Loop.Random;

    /// <summary>inet_select_addr: the primary address on <paramref name="dev"/> in the same subnet as <paramref name="target"/>, else its first address of suitable scope, else any global address in the namespace.</summary>
    public uint SelectSource(NetDevice dev, uint target, RouteScope scope)
    {
        uint first = 0;
        foreach (var a in _addresses)
        {
            if (a.Device != dev || (int)a.Scope > (int)scope) continue;
            if (a.Prefix.Contains(target)) return a.Address;
            if (first == 0) first = a.Address;
        }
        if (first != 0) return first;
        foreach (var a in _addresses)
            if (a.Scope == RouteScope.Universe && a.Device.IsUp) return a.Address;
        return 0;
    }

    /// <summary>True for a subnet broadcast address of this namespace (RTN_BROADCAST).</summary>
    public bool IsBroadcastAddress(uint address) => address == Ipv4Address.Broadcast || LocalTable.Lookup(address) is { Type: RouteType.Broadcast };

    internal void RegisterVxlan(Vxlan v) => Udp.RegisterTunnel(v);

    internal void UnregisterVxlan(Vxlan v) => Udp.UnregisterTunnel(v);

    public override string ToString() => Name;
}

using System.Security.Cryptography;
using System.Text;
using Podnet.Kernel.Links;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Wire;

namespace Podnet.Cluster.Cni;

/// <summary>The arguments of one CNI call (the <c>CNI_*</c> environment variables).</summary>
/// <param name="ContainerId"><c>CNI_CONTAINERID</c>.</param>
/// <param name="NetNs"><c>CNI_NETNS</c>: the sandbox namespace.</param>
/// <param name="IfName"><c>CNI_IFNAME</c>, <c>eth0</c>.</param>
/// <param name="Args"><c>CNI_ARGS</c> (<c>K8S_POD_NAMESPACE</c>, <c>K8S_POD_NAME</c>, <c>IP</c>, ...).</param>
public sealed record CniArgs(string ContainerId, NetNamespace NetNs, string IfName, IReadOnlyDictionary<string, string> Args);

/// <summary>
/// The reference <c>bridge</c> CNI plugin with <c>host-local</c> IPAM, on one node: ADD makes the
/// bridge (with the gateway address when <c>isGateway</c>), a veth pair named <c>veth</c> + 8 hex
/// with the pod end renamed <c>CNI_IFNAME</c> inside the sandbox, the address and the routes from
/// IPAM, and hairpin on the host port; DEL removes the veth and frees the address; CHECK verifies
/// that what ADD made is still there.
/// </summary>
public sealed class BridgePlugin
{
    private readonly NetNamespace _host;
    private readonly Dictionary<string, (CniResult Result, string HostVeth)> _cache = [];

    /// <summary>The plugin on the node whose namespace is <paramref name="host"/>.</summary>
    public BridgePlugin(NetNamespace host, CniNetworkConfig config)
    {
        _host = host;
        Config = config;
        Ipam = new HostLocalIpam(config.Name, Ipv4Prefix.Parse(config.Subnet));
    }

    /// <summary>The network configuration in force.</summary>
    public CniNetworkConfig Config { get; }

    /// <summary>The IPAM plugin's state.</summary>
    public HostLocalIpam Ipam { get; }

    /// <summary>The veth name the plugin gives a container: <c>veth</c> + 8 hex digits (deterministic per container here).</summary>
    public static string HostVethName(string containerId)
    {
        var h = SHA256.HashData(Encoding.UTF8.GetBytes(containerId));
        return "veth" + Convert.ToHexStringLower(h, 0, 4);
    }

    /// <summary>ADD: attach the sandbox to the bridge; the result or the CNI error.</summary>
    public CniResult? Add(CniArgs args, out CniError? error)
    {
        error = null;
        if (_cache.TryGetValue(args.ContainerId, out var cached)) return cached.Result;
        uint? want = null;
        if (args.Args.TryGetValue("IP", out var ipText))
        {
            if (!Ipv4Address.TryParse(ipText, out var w))
            {
                error = new CniError(CniError.InvalidNetworkConfig, $"invalid IP address \"{ipText}\" in CNI_ARGS");
                return null;
            }
            want = w;
        }
        var subnet = Ipam.Subnet;
        var bridge = EnsureBridge(subnet);
        var ip = Ipam.Allocate(args.ContainerId, want, out error);
        if (ip is null) return null;
        var vethName = HostVethName(args.ContainerId);
        var tmpName = args.IfName;
        if (_host.AddVeth(vethName, tmpName, args.NetNs, out var veth) != Kernel.Stack.NetlinkError.None || veth is null)
        {
            Ipam.Release(args.ContainerId);
            error = new CniError(CniError.Generic, $"failed to create veth: container veth name \"{args.IfName}\" peer \"{vethName}\": file exists");
            return null;
        }
        Netlink.Note(_host, $"ip link add {vethName} type veth peer name {args.IfName} netns {args.NetNs.Name}");
        var mtu = Config.Mtu.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Netlink.Do(_host, $"ip link set {vethName} mtu {mtu}");
        Netlink.Do(args.NetNs, $"ip link set {args.IfName} mtu {mtu}");
        Netlink.Do(_host, $"ip link set {vethName} master {Config.Bridge}");
        if (Config.HairpinMode) Netlink.Do(_host, $"bridge link set dev {vethName} hairpin on");
        Netlink.Do(_host, $"ip link set {vethName} up");
        var plen = subnet.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Netlink.Do(args.NetNs, $"ip addr add {Ipv4Address.Format(ip.Value)}/{plen} dev {args.IfName}");
        Netlink.Do(args.NetNs, $"ip link set {args.IfName} up");
        var gw = Ipv4Address.Format(Ipam.Gateway);
        if (Config.IsGateway)
        {
            // As the plugin's ensureAddr: set the bridge's MAC to itself, or the bridge takes the
            // lowest MAC of its ports and changes as pods come and go (stale ARP entries in pods).
            Netlink.Do(_host, $"ip link set {Config.Bridge} address {bridge.Mac}");
        }
        foreach (var r in Config.Routes)
        {
            var dst = r == "0.0.0.0/0" ? "default" : r;
            Netlink.Do(args.NetNs, $"ip route add {dst} via {gw} dev {args.IfName}");
        }
        var podDev = args.NetNs.GetDevice(args.IfName)!;
        var result = new CniResult(Config.CniVersion,
            [
                new CniInterface(Config.Bridge, bridge.Mac.ToString()),
                new CniInterface(vethName, veth.Mac.ToString()),
                new CniInterface(args.IfName, podDev.Mac.ToString(), "/var/run/netns/" + args.NetNs.Name),
            ],
            [new CniIpConfig($"{Ipv4Address.Format(ip.Value)}/{plen}", Config.IsGateway ? gw : null, 2)],
            Config.Routes);
        _cache[args.ContainerId] = (result, vethName);
        return result;
    }

    /// <summary>DEL: remove the veth (its peer goes with it) and free the address; succeeds when already gone.</summary>
    public void Delete(string containerId)
    {
        var veth = HostVethName(containerId);
        if (_host.GetDevice(veth) is { } dev) _host.DeleteLink(dev);
        Ipam.Release(containerId);
        _cache.Remove(containerId);
    }

    /// <summary>CHECK: the interfaces and address of the cached result still exist; null when all is well, else the error.</summary>
    public CniError? Check(CniArgs args)
    {
        if (!_cache.TryGetValue(args.ContainerId, out var c)) return new CniError(CniError.Generic, "no cached result for container " + args.ContainerId);
        if (_host.GetDevice(Config.Bridge) is not Bridge) return new CniError(CniError.Generic, $"failed to find bridge \"{Config.Bridge}\"");
        var hostVeth = _host.GetDevice(c.HostVeth);
        if (hostVeth is null) return new CniError(CniError.Generic, $"failed to find host veth \"{c.HostVeth}\"");
        if (hostVeth.Master?.Name != Config.Bridge) return new CniError(CniError.Generic, $"interface {c.HostVeth} is not attached to bridge {Config.Bridge}");
        var podDev = args.NetNs.GetDevice(args.IfName);
        if (podDev is null) return new CniError(CniError.Generic, $"failed to find container interface \"{args.IfName}\"");
        var want = Ipv4Prefix.Parse(c.Result.Ips[0].Address);
        if (!args.NetNs.Addresses.Any(a => a.Device == podDev && a.Address == want.Address))
            return new CniError(CniError.Generic, $"ip {want} not found on interface {args.IfName}");
        return null;
    }

    private Bridge EnsureBridge(Ipv4Prefix subnet)
    {
        if (_host.GetDevice(Config.Bridge) is Bridge b) return b;
        Netlink.Do(_host, $"ip link add {Config.Bridge} type bridge");
        var br = (Bridge)_host.GetDevice(Config.Bridge)!;
        var mtu = Config.Mtu.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Netlink.Do(_host, $"ip link set {Config.Bridge} mtu {mtu}");
        if (Config.IsGateway)
        {
            var plen = subnet.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Netlink.Do(_host, $"ip addr add {Ipv4Address.Format(Ipam.Gateway)}/{plen} dev {Config.Bridge}");
        }
        Netlink.Do(_host, $"ip link set {Config.Bridge} up");
        return br;
    }
}

using System.Globalization;
using Podnet.Cluster.Cni;
using Podnet.Cluster.Images;
using Podnet.Cluster.Images.Programs;
using Podnet.Kernel.Stack;

namespace Podnet.Cluster.Outside;

/// <summary>One host of the emulated internet: its namespace, address, names and the program it runs.</summary>
public sealed record OutsideHost(string Name, string Address, NetNamespace Namespace, ProcessContext? Process);

/// <summary>
/// The emulated internet behind the node network: a <c>router</c> namespace at 172.18.0.1 (the
/// node network's gateway, as docker's bridge is for kind) with two public networks,
/// 203.0.113.0/24 and 198.51.100.0/24, on bridges. Hosts: <c>example.com</c> (203.0.113.10, a web
/// server), <c>example.org</c> (203.0.113.20), a public resolver (198.51.100.53) that knows them,
/// and the <c>outside</c> client (198.51.100.100) from which users reach node IPs. LB addresses
/// (203.0.113.200–249 by default) are routed by <see cref="CloudLoadBalancer"/> to nodes. The router
/// routes the node network but knows no pod CIDR, so pod traffic that was not masqueraded gets no
/// reply.
/// </summary>
public sealed class OutsideWorld
{
    /// <summary>The router's address on the node network.</summary>
    public const string RouterAddress = "172.18.0.1";

    /// <summary>The public resolver's address.</summary>
    public const string ResolverAddress = "198.51.100.53";

    /// <summary>The outside client's address.</summary>
    public const string ClientAddress = "198.51.100.100";

    private readonly Dictionary<string, OutsideHost> _hosts = new(StringComparer.Ordinal);

    /// <summary>Names the public resolver answers.</summary>
    public static readonly IReadOnlyDictionary<string, string> Zone = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["example.com"] = "203.0.113.10",
        ["www.example.com"] = "203.0.113.10",
        ["example.org"] = "203.0.113.20",
        ["www.example.org"] = "203.0.113.20",
        ["dns.example.net"] = ResolverAddress,
    };

    /// <summary>Builds the router and hosts in <paramref name="world"/>, the router's <c>eth0</c> on the node network bridge <paramref name="nodeBridge"/> in <paramref name="underlay"/>.</summary>
    public OutsideWorld(World world, NetNamespace underlay, string nodeBridge, string nodeNetwork, DateTimeOffset epoch)
    {
        Router = world.CreateNamespace("router");
        Netlink.Do(underlay, $"ip link add vethrouter type veth peer name eth0 netns router");
        Netlink.Do(underlay, $"ip link set vethrouter master {nodeBridge}");
        Netlink.Do(underlay, "ip link set vethrouter up");
        var plen = nodeNetwork.Split('/')[1];
        Netlink.Do(Router, "ip link set lo up");
        Netlink.Do(Router, $"ip addr add {RouterAddress}/{plen} dev eth0");
        Netlink.Do(Router, "ip link set eth0 up");
        Netlink.Do(Router, "sysctl -w net.ipv4.ip_forward=1");
        Netlink.Do(Router, "ip link add ext0 type bridge");
        Netlink.Do(Router, "ip addr add 203.0.113.1/24 dev ext0");
        Netlink.Do(Router, "ip link set ext0 up");
        Netlink.Do(Router, "ip link add ext1 type bridge");
        Netlink.Do(Router, "ip addr add 198.51.100.1/24 dev ext1");
        Netlink.Do(Router, "ip link set ext1 up");
        AddHost(world, "example.com", "203.0.113.10", "ext0", "203.0.113.1", epoch,
            new NginxProgram(page: "<!doctype html>\n<html>\n<head>\n    <title>Example Domain</title>\n</head>\n<body>\n<div>\n    <h1>Example Domain</h1>\n    <p>This domain is for use in illustrative examples in documents.</p>\n</div>\n</body>\n</html>\n"));
        AddHost(world, "example.org", "203.0.113.20", "ext0", "203.0.113.1", epoch, new NginxProgram());
        AddHost(world, "resolver", ResolverAddress, "ext1", "198.51.100.1", epoch, new ZoneResolverProgram(Zone));
        AddHost(world, "outside", ClientAddress, "ext1", "198.51.100.1", epoch, null);
        LoadBalancer = new CloudLoadBalancer(Router);
    }

    /// <summary>The cloud's pass-through network load balancer (routes for LB addresses to nodes).</summary>
    public CloudLoadBalancer LoadBalancer { get; }

    /// <summary>The router namespace.</summary>
    public NetNamespace Router { get; }

    /// <summary>The hosts by name (<c>example.com</c>, <c>example.org</c>, <c>resolver</c>, <c>outside</c>).</summary>
    public IReadOnlyDictionary<string, OutsideHost> Hosts => _hosts;

    /// <summary>The outside client.</summary>
    public OutsideHost Client => _hosts["outside"];

    /// <summary>The resolv.conf of outside hosts and of the nodes (the public resolver).</summary>
    public static string ResolvConf => $"nameserver {ResolverAddress}\n";

    private void AddHost(World world, string name, string address, string bridge, string gateway, DateTimeOffset epoch, ContainerProgram? program)
    {
        var nsName = name.Replace('.', '-');
        var ns = world.CreateNamespace(nsName);
        var veth = "veth" + _hosts.Count.ToString(CultureInfo.InvariantCulture) + "x" + nsName.Length.ToString(CultureInfo.InvariantCulture);
        Netlink.Do(Router, $"ip link add {veth} type veth peer name eth0 netns {nsName}");
        Netlink.Do(Router, $"ip link set {veth} master {bridge}");
        Netlink.Do(Router, $"ip link set {veth} up");
        Netlink.Do(ns, "ip link set lo up");
        Netlink.Do(ns, $"ip addr add {address}/24 dev eth0");
        Netlink.Do(ns, "ip link set eth0 up");
        Netlink.Do(ns, $"ip route add default via {gateway}");
        ProcessContext? ctx = null;
        if (program is not null)
        {
            ctx = new ProcessContext(ns, name, epoch) { PodName = name, Files = new Dictionary<string, string> { ["/etc/resolv.conf"] = ResolvConf } };
            var c = ctx;
            world.Loop.Start(async () => await program.RunAsync(c));
        }
        _hosts[name] = new OutsideHost(name, address, ns, ctx);
    }
}

using Podnet.Kernel.Links;
using Podnet.Kernel.Simulation;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Wire;
using Xunit;

namespace Podnet.Kernel.Tests;

/// <summary>Small hand-built topologies shared by the tests.</summary>
internal static class Topo
{
    public static uint Ip(string s) => Ipv4Address.Parse(s);

    public static void Ok(NetlinkError e) => Assert.Equal(NetlinkError.None, e);

    public static NetNamespace Ns(World w, string name)
    {
        var ns = w.CreateNamespace(name);
        ns.SetUp(ns.Loopback, true);
        return ns;
    }

    public static void Addr(NetNamespace ns, NetDevice dev, string cidr)
    {
        Ok(ns.AddAddress(dev, Ipv4Prefix.Parse(cidr)));
        ns.SetUp(dev, true);
    }

    /// <summary>a (10.0.0.1/24 on veth0) ↔ b (10.0.0.2/24 on veth1).</summary>
    public static (World W, NetNamespace A, NetNamespace B) TwoHosts(int seed = 1)
    {
        var w = new World(seed);
        var a = Ns(w, "a");
        var b = Ns(w, "b");
        Ok(a.AddVeth("veth0", "veth1", b, out var v));
        Addr(a, v!, "10.0.0.1/24");
        Addr(b, v!.Peer, "10.0.0.2/24");
        return (w, a, b);
    }

    /// <summary>Bridge br0 (10.0.0.1/24) in "host" with three namespaces h1..h3 (10.0.0.11-13) on ports p1..p3.</summary>
    public static (World W, NetNamespace Host, Bridge Br, NetNamespace[] Hosts) BridgeWithThree(int seed = 1)
    {
        var w = new World(seed);
        var host = Ns(w, "host");
        Ok(host.AddBridge("br0", out var br));
        Addr(host, br!, "10.0.0.1/24");
        var hosts = new NetNamespace[3];
        for (int i = 0; i < 3; i++)
        {
            var h = Ns(w, $"h{i + 1}");
            Ok(host.AddVeth($"p{i + 1}", "eth0", h, out var v));
            Ok(host.SetMaster(v!, br));
            host.SetUp(v!, true);
            Addr(h, v!.Peer, $"10.0.0.{11 + i}/24");
            Ok(h.AddRoute(new Route(new Ipv4Prefix(0, 0), RouteType.Unicast, Ip("10.0.0.1"), null, 0, RouteScope.Universe, null, 0)));
            hosts[i] = h;
        }
        return (w, host, br!, hosts);
    }

    /// <summary>left (10.1.0.2) — router (10.1.0.1 | 10.2.0.1, ip_forward=1) — right (10.2.0.2).</summary>
    public static (World W, NetNamespace Left, NetNamespace Router, NetNamespace Right) Routed(int seed = 1, bool forward = true)
    {
        var w = new World(seed);
        var l = Ns(w, "left");
        var r = Ns(w, "router");
        var rt = Ns(w, "right");
        Ok(l.AddVeth("eth0", "l0", r, out var v1));
        Ok(rt.AddVeth("eth0", "r0", r, out var v2));
        Addr(l, v1!, "10.1.0.2/24");
        Addr(r, v1!.Peer, "10.1.0.1/24");
        Addr(rt, v2!, "10.2.0.2/24");
        Addr(r, v2!.Peer, "10.2.0.1/24");
        Ok(l.AddRoute(new Route(new Ipv4Prefix(0, 0), RouteType.Unicast, Ip("10.1.0.1"), null, 0, RouteScope.Universe, null, 0)));
        Ok(rt.AddRoute(new Route(new Ipv4Prefix(0, 0), RouteType.Unicast, Ip("10.2.0.1"), null, 0, RouteScope.Universe, null, 0)));
        if (forward) r.Sysctls.Set("net.ipv4.ip_forward", "1");
        return (w, l, r, rt);
    }

    public static RunResult Run(World w, Func<Task> program, double virtualSeconds = 600) =>
        w.Run(program, TimeSpan.FromSeconds(virtualSeconds), TimeSpan.FromSeconds(20));
}

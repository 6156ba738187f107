using Podnet.Cluster.Cni;
using Podnet.Kernel.Stack;
using Xunit;

namespace Podnet.Cluster.Tests.Cni;

public sealed class BridgePluginTests
{
    private static (World World, NetNamespace Node, BridgePlugin Plugin) Node()
    {
        var w = new World(5);
        var node = w.CreateNamespace("node");
        return (w, node, new BridgePlugin(node, new CniNetworkConfig { Subnet = "10.244.1.0/24" }));
    }

    [Fact]
    public void Add_MakesBridgeVethAddressAndDefaultRoute_WithTheRequestedIp()
    {
        var (w, node, plugin) = Node();
        var pod = w.CreateNamespace("cni-1");
        var r = plugin.Add(new CniArgs("c1", pod, "eth0", new Dictionary<string, string> { ["IP"] = "10.244.1.7" }), out var err);
        Assert.Null(err);
        Assert.Equal("10.244.1.7/24", r!.Ips[0].Address);
        Assert.Equal("10.244.1.1", r.Ips[0].Gateway);
        Assert.Equal(["cni0", BridgePlugin.HostVethName("c1"), "eth0"], r.Interfaces.Select(i => i.Name));
        Assert.Matches("^veth[0-9a-f]{8}$", r.Interfaces[1].Name);
        Assert.Equal("/var/run/netns/cni-1", r.Interfaces[2].Sandbox);
        var routes = Podnet.Kernel.Tools.KernelShell.Execute(w, pod, "ip route").Stdout;
        Assert.Contains("default via 10.244.1.1 dev eth0", routes);
        Assert.Contains("\"hairpinMode\": true", plugin.Config.ToJson());
        Assert.Null(plugin.Check(new CniArgs("c1", pod, "eth0", new Dictionary<string, string>())));
        Assert.Contains("\"ips\"", r.ToJson());
        Assert.NotNull(node.GetDevice("cni0"));
    }

    [Fact]
    public void Add_RefusesTheGatewayAndAnAddressInUse_DelFreesIt()
    {
        var (w, _, plugin) = Node();
        var a = w.CreateNamespace("a");
        var b = w.CreateNamespace("b");
        Assert.Null(plugin.Add(new CniArgs("ca", a, "eth0", new Dictionary<string, string> { ["IP"] = "10.244.1.1" }), out var e1));
        Assert.Contains("gateway", e1!.Msg);
        Assert.NotNull(plugin.Add(new CniArgs("ca", a, "eth0", new Dictionary<string, string> { ["IP"] = "10.244.1.9" }), out _));
        Assert.Null(plugin.Add(new CniArgs("cb", b, "eth0", new Dictionary<string, string> { ["IP"] = "10.244.1.9" }), out var e2));
        Assert.Equal(CniError.TryAgainLater, e2!.Code);
        plugin.Delete("ca");
        plugin.Delete("ca");
        Assert.NotNull(plugin.Add(new CniArgs("cb", b, "eth0", new Dictionary<string, string> { ["IP"] = "10.244.1.9" }), out _));
        Assert.NotNull(plugin.Check(new CniArgs("ca", a, "eth0", new Dictionary<string, string>())));
    }

    [Fact]
    public void NetworkConfig_RoundTripsThroughTheBridgePluginsJsonShape()
    {
        var c = new CniNetworkConfig { Subnet = "10.244.3.0/24", Mtu = 1450 };
        var back = CniNetworkConfig.Parse(c.ToJson(), out var err);
        Assert.Null(err);
        Assert.Equal(c with { Routes = back!.Routes }, back);
        Assert.Equal(["0.0.0.0/0"], back.Routes);
        Assert.Null(CniNetworkConfig.Parse("{\"type\":\"macvlan\"}", out var e2));
        Assert.Equal("failed to find plugin \"macvlan\" in path [/opt/cni/bin]", e2);
    }
}

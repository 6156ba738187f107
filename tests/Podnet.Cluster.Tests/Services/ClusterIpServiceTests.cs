using Podnet.Kernel.Sockets;
using Xunit;
using static Podnet.Cluster.Tests.Services.ServiceWorld;

namespace Podnet.Cluster.Tests.Services;

/// <summary>ClusterIP Services end to end through kube-proxy's rules in the node kernels, in each proxy mode.</summary>
public sealed class ClusterIpServiceTests
{
    private static readonly string ThreeBackends =
        Backend("web-a", Worker) + Backend("web-b", Worker2) + Backend("web-c", ControlPlaneNode) + Client("client", Worker) + Service("web");

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    [InlineData("ipvs")]
    public void ThreeThousandConnections_SpreadOverThreeEndpoints_WithinStatisticalBounds(string mode)
    {
        var w = Build(ThreeBackends, mode, seed: 11);
        var counts = w.Spread(w.PodNs("client"), w.ClusterIp("web"), 80, 3000);
        Assert.Empty(w.Rt.Problems);
        Assert.Equal(["web-a", "web-b", "web-c"], counts.Keys.Order(StringComparer.Ordinal));
        // Binomial(3000, 1/3): mean 1000, sd 25.8; ±5 sd. IPVS's rr is near 1000 each but not exact:
        // a new connection whose 5-tuple matches one still in IPVS's table (TIME_WAIT) reuses its real server.
        foreach (var (pod, n) in counts) Assert.InRange(n, 871, 1129);
        if (mode == "ipvs") Assert.All(counts.Values, n => Assert.InRange(n, 980, 1020));
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    [InlineData("ipvs")]
    public void Hairpin_APodReachingItsOwnService_IsMasqueraded(string mode)
    {
        var w = Build(Backend("web-a", Worker) + Service("web"), mode);
        var own = w.PodIp("web-a");
        var r = w.Get(w.PodNs("web-a"), w.ClusterIp("web"), 80, "/clientip");
        Assert.True(r.Ok, r.ToString());
        var seen = r.Body.Split(':')[0];
        Assert.NotEqual(own, seen);
        // MASQUERADE picks the address of the interface the packet leaves by: cni0's gateway.
        var gateway = string.Join('.', own.Split('.')[..3]) + ".1";
        Assert.Equal(gateway, seen);
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    public void NoEndpoints_ConnectionRefusedAtOnce(string mode)
    {
        var w = Build(Client("client", Worker) + Service("empty", app: "nobody"), mode);
        var r = w.Get(w.PodNs("client"), w.ClusterIp("empty"), 80);
        Assert.Equal(Errno.ECONNREFUSED, r.Error);
        Assert.True(r.Took < TimeSpan.FromMilliseconds(5), r.Took.ToString());
    }

    [Fact]
    public void NoEndpoints_InIpvsMode_NothingListens_SoTheNodeResets()
    {
        // Upstream's IPVS mode writes no REJECT; the virtual service has no real server, the packet
        // goes up the stack of the node (the VIP is on kube-ipvs0) and no socket answers: RST.
        var w = Build(Client("client", Worker) + Service("empty", app: "nobody"), "ipvs");
        var r = w.Get(w.PodNs("client"), w.ClusterIp("empty"), 80);
        Assert.Equal(Errno.ECONNREFUSED, r.Error);
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    [InlineData("ipvs")]
    public void Headless_WritesNoRules(string mode)
    {
        var w = Build(Backend("web-a", Worker) + Client("client", Worker) + Service("headless", extraSpec: "  clusterIP: None"), mode);
        Assert.Equal("None", w.ClusterIp("headless"));
        var dump = mode switch
        {
            "nftables" => w.Rt.ExecOnNode(Worker, ["nft", "list", "ruleset"], false, out _)!.Stdout,
            "ipvs" => w.Rt.ExecOnNode(Worker, ["ipvsadm", "-Ln"], false, out _)!.Stdout + w.Rt.ExecOnNode(Worker, ["iptables-save"], false, out _)!.Stdout,
            _ => w.Rt.ExecOnNode(Worker, ["iptables-save"], false, out _)!.Stdout,
        };
        Assert.Contains("10.96.0.1", dump, StringComparison.Ordinal); // the kubernetes Service is there
        Assert.DoesNotContain("headless", dump, StringComparison.Ordinal);
        Assert.DoesNotContain(w.PodIp("web-a"), dump, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    [InlineData("ipvs")]
    public void SessionAffinityClientIp_Sticks_AndExpiresAfterItsTimeoutInVirtualTime(string mode)
    {
        var w = Build(ThreeBackends.Replace(Service("web"), Service("web", extraSpec: "  sessionAffinity: ClientIP\n  sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}"), StringComparison.Ordinal), mode, seed: 5);
        var from = w.PodNs("client");
        var ip = w.ClusterIp("web");
        // Within the timeout (each use refreshes it): always the same endpoint.
        var first = w.Get(from, ip, 80).Body;
        for (int i = 0; i < 10; i++)
        {
            w.Rt.World.Loop.RunFor(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
            Assert.Equal(first, w.Get(from, ip, 80).Body);
        }
        // After 61 s of silence each time the choice is made afresh: several endpoints over 20 rounds.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < 20; i++)
        {
            w.Rt.World.Loop.RunFor(TimeSpan.FromSeconds(mode == "ipvs" ? 61 + 900 : 61), TimeSpan.FromSeconds(30));
            var pick = w.Get(from, ip, 80).Body;
            Assert.Equal(pick, w.Get(from, ip, 80).Body);
            seen.Add(pick);
        }
        Assert.True(seen.Count >= 2, string.Join(",", seen));
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    public void InternalTrafficPolicyLocal_OnlyLocalEndpoints_OthersDrop(string mode)
    {
        var w = Build(Backend("web-a", Worker) + Client("near", Worker) + Client("far", Worker2) + Service("web", extraSpec: "  internalTrafficPolicy: Local"), mode);
        var ip = w.ClusterIp("web");
        for (int i = 0; i < 5; i++) Assert.Equal("web-a", w.Get(w.PodNs("near"), ip, 80).Body);
        var far = w.Get(w.PodNs("far"), ip, 80);
        Assert.Equal(Errno.ETIMEDOUT, far.Error);
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    [InlineData("ipvs")]
    public void ExternalIPs_AreServedFromPodsAndFromOutside(string mode)
    {
        var w = Build(Backend("web-a", Worker2) + Client("client", Worker) + Service("web", extraSpec: "  externalIPs: [192.0.2.50]"), mode);
        Assert.Equal("web-a", w.Get(w.PodNs("client"), "192.0.2.50", 80).Body);
        // The address is routed to a node by whoever owns it (here: a route on the router, as an admin would add).
        var add = Podnet.Kernel.Tools.KernelShell.Execute(w.Rt.World, w.Rt.Outside.Router, $"ip route add 192.0.2.50/32 via {w.NodeIp(Worker)}");
        Assert.Equal(0, add.ExitCode);
        Assert.Equal("web-a", w.Get(w.Outside, "192.0.2.50", 80).Body);
    }
}

using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Controllers;
using Podnet.Cluster.Outside;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Tools;
using Xunit;
using static Podnet.Cluster.Tests.Services.ServiceWorld;

namespace Podnet.Cluster.Tests.Services;

/// <summary>NodePort, externalTrafficPolicy and LoadBalancer Services reached from the outside client and from pods.</summary>
public sealed class ExternalTrafficTests
{
    private static readonly string[] Nodes = [ControlPlaneNode, Worker, Worker2];

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    [InlineData("ipvs")]
    public void NodePort_AnswersOnEveryNodeIp_FromOutsideAndFromPods(string mode)
    {
        var w = Build(Backend("web-a", Worker2) + Client("client", Worker) + Service("web", extraSpec: "  type: NodePort"), mode);
        var port = w.NodePort("web");
        Assert.InRange(port, 30000, 32767);
        foreach (var node in Nodes)
        {
            Assert.Equal("web-a", w.Get(w.Outside, w.NodeIp(node), port).Body);
            Assert.Equal("web-a", w.Get(w.PodNs("client"), w.NodeIp(node), port).Body);
        }
        Assert.Empty(w.Rt.Problems);
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    [InlineData("ipvs")]
    public void ExternalTrafficPolicyCluster_SnatsToTheNode(string mode)
    {
        var w = Build(Backend("web-a", Worker2) + Service("web", extraSpec: "  type: NodePort"), mode);
        var r = w.Get(w.Outside, w.NodeIp(Worker), w.NodePort("web"), "/clientip");
        Assert.True(r.Ok, r.ToString());
        Assert.Equal(w.NodeIp(Worker), r.Body.Split(':')[0]);
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    public void ExternalTrafficPolicyLocal_OnlyNodesWithALocalEndpointAnswer_ClientIpPreserved(string mode)
    {
        var w = Build(Backend("web-a", Worker2) + Service("web", extraSpec: "  type: NodePort\n  externalTrafficPolicy: Local"), mode);
        var port = w.NodePort("web");
        var r = w.Get(w.Outside, w.NodeIp(Worker2), port, "/clientip");
        Assert.True(r.Ok, r.ToString());
        Assert.Equal(OutsideWorld.ClientAddress, r.Body.Split(':')[0]);
        Assert.Equal(Errno.ETIMEDOUT, w.Get(w.Outside, w.NodeIp(Worker), port).Error);
        Assert.Equal(Errno.ETIMEDOUT, w.Get(w.Outside, w.NodeIp(ControlPlaneNode), port).Error);
    }

    [Fact]
    public void ExternalTrafficPolicyLocal_InIpvsMode_PreservesTheClientIpOnTheLocalNode()
    {
        var w = Build(Backend("web-a", Worker2) + Service("web", extraSpec: "  type: NodePort\n  externalTrafficPolicy: Local"), "ipvs");
        var r = w.Get(w.Outside, w.NodeIp(Worker2), w.NodePort("web"), "/clientip");
        Assert.True(r.Ok, r.ToString());
        Assert.Equal(OutsideWorld.ClientAddress, r.Body.Split(':')[0]);
    }

    [Fact]
    public void LoadBalancerController_AllocatesFromThePool_HonoursLoadBalancerIP_SkipsOtherClasses_AndFrees()
    {
        var yaml = Backend("web-a", Worker) +
            Service("lb1", extraSpec: "  type: LoadBalancer") +
            Service("lb2", extraSpec: "  type: LoadBalancer\n  loadBalancerIP: 203.0.113.222") +
            Service("other", extraSpec: "  type: LoadBalancer\n  loadBalancerClass: example.com/other") +
            Service("taken", extraSpec: "  type: LoadBalancer\n  loadBalancerIP: 203.0.113.222") +
            Service("outside", extraSpec: "  type: LoadBalancer\n  loadBalancerIP: 8.8.8.8");
        var w = Build(yaml, "iptables");
        Assert.Equal("203.0.113.200", w.LbIp("lb1"));
        Assert.Equal("203.0.113.222", w.LbIp("lb2"));
        Assert.Equal("VIP", w.Svc("lb1").Status!.LoadBalancer!.Ingress[0].IpMode);
        Assert.Null(w.LbIp("other"));
        Assert.Null(w.LbIp("taken"));
        Assert.Null(w.LbIp("outside"));
        var events = EventRecorder.For(w.Set, w.Svc("lb1")).Select(e => e.Reason + ": " + e.Message).ToList();
        Assert.Equal(["EnsuringLoadBalancer: Ensuring load balancer", "EnsuredLoadBalancer: Ensured load balancer"], events);
        var warn = EventRecorder.For(w.Set, w.Svc("taken")).Single(e => e.Type == "Warning");
        Assert.Equal("SyncLoadBalancerFailed", warn.Reason);
        Assert.Equal("Error syncing load balancer: failed to ensure load balancer: requested IP 203.0.113.222 is already allocated to service default/lb2", warn.Message);
        Assert.Contains("is not in the load-balancer pool", EventRecorder.For(w.Set, w.Svc("outside")).Single(e => e.Type == "Warning").Message, StringComparison.Ordinal);

        // lb1 becomes ClusterIP: its address is released (and the next LB gets it); lb2 is deleted: free again.
        w.Reconverge(set =>
        {
            set.Put(w.Svc("lb1") with { Spec = w.Svc("lb1").Spec with { Type = "ClusterIP" } });
            set.Remove("Service", "default", "lb2");
        });
        Assert.Null(w.LbIp("lb1"));
        Assert.Contains(EventRecorder.For(w.Set, w.Svc("lb1")), e => e.Reason == "DeletedLoadBalancer");
        // "taken" retries on the next sync and now gets the address it asked for.
        Assert.Equal("203.0.113.222", w.LbIp("taken"));
        Assert.DoesNotContain(w.Rt.Outside.LoadBalancer.Targets, t => t.Address == "203.0.113.200");
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    [InlineData("ipvs")]
    public void LoadBalancer_FromOutside_ThroughTheCloudLb_ClusterPolicySnats(string mode)
    {
        var w = Build(Backend("web-a", Worker) + Backend("web-b", Worker2) + Service("web", extraSpec: "  type: LoadBalancer"), mode);
        var lb = w.LbIp("web")!;
        var target = w.Rt.Outside.LoadBalancer.TargetOf(lb)!;
        // Both workers pass the health checks; the control plane is excluded by its label.
        Assert.Equal([Worker, Worker2], target.Eligible);
        var r = w.Get(w.Outside, lb, 80, "/clientip");
        Assert.True(r.Ok, r.ToString());
        // SNAT to the node that received it: its eth0 address, or cni0's when the endpoint chosen is local.
        var podCidr = w.Rt.EnsureNode(target.NodeName!)!.PodCidr;
        Assert.Contains(r.Body.Split(':')[0], new[] { target.NodeIp, podCidr[..podCidr.LastIndexOf('.')] + ".1" });
        var routes = KernelShell.Execute(w.Rt.World, w.Rt.Outside.Router, "ip route").Stdout;
        Assert.Contains($"{lb} via {target.NodeIp} dev eth0", routes, StringComparison.Ordinal);
        var seen = w.Spread(w.Outside, lb, 80, 60);
        Assert.Equal(["web-a", "web-b"], seen.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    [InlineData("ipvs")]
    public void LoadBalancer_LocalPolicy_GoesOnlyToNodesWithEndpoints_AndKeepsTheClientIp(string mode)
    {
        var w = Build(Backend("web-a", Worker2) + Service("web", extraSpec: "  type: LoadBalancer\n  externalTrafficPolicy: Local"), mode);
        var lb = w.LbIp("web")!;
        Assert.NotNull(w.Svc("web").Spec.HealthCheckNodePort);
        var target = w.Rt.Outside.LoadBalancer.TargetOf(lb)!;
        Assert.Equal([Worker2], target.Eligible);
        Assert.Equal(Worker2, target.NodeName);
        var r = w.Get(w.Outside, lb, 80, "/clientip");
        Assert.True(r.Ok, r.ToString());
        Assert.Equal(OutsideWorld.ClientAddress, r.Body.Split(':')[0]);
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    [InlineData("ipvs")]
    public void LoadBalancerSourceRanges_AreEnforcedOnTheNode(string mode)
    {
        var denied = Build(Backend("web-a", Worker) + Service("web", extraSpec: "  type: LoadBalancer\n  loadBalancerSourceRanges: [198.51.100.0/28]"), mode);
        var lb = denied.LbIp("web")!;
        Assert.Equal(Errno.ETIMEDOUT, denied.Get(denied.Outside, lb, 80).Error);
        var fw = mode switch
        {
            "nftables" => denied.Rt.ExecOnNode(denied.Rt.Outside.LoadBalancer.TargetOf(lb)!.NodeName!, ["nft", "list", "ruleset"], false, out _)!.Stdout,
            "ipvs" => denied.Rt.ExecOnNode(denied.Rt.Outside.LoadBalancer.TargetOf(lb)!.NodeName!, ["ipset", "list", "KUBE-LOAD-BALANCER-SOURCE-CIDR"], false, out _)!.Stdout,
            _ => denied.Rt.ExecOnNode(denied.Rt.Outside.LoadBalancer.TargetOf(lb)!.NodeName!, ["iptables-save", "-t", "nat"], false, out _)!.Stdout,
        };
        Assert.Contains("198.51.100.0/28", fw, StringComparison.Ordinal);

        var allowed = Build(Backend("web-a", Worker) + Service("web", extraSpec: "  type: LoadBalancer\n  loadBalancerSourceRanges: [198.51.100.96/28]"), mode);
        Assert.Equal("web-a", allowed.Get(allowed.Outside, allowed.LbIp("web")!, 80).Body);
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    public void LoadBalancer_LocalPolicy_FollowsTheEndpoint_WhenItMovesToAnotherNode(string mode)
    {
        var w = Build(Backend("web-a", Worker2) + Service("web", extraSpec: "  type: LoadBalancer\n  externalTrafficPolicy: Local"), mode);
        var lb = w.LbIp("web")!;
        Assert.Equal(Worker2, w.Rt.Outside.LoadBalancer.TargetOf(lb)!.NodeName);
        w.Reconverge(set =>
        {
            set.Remove("Pod", "default", "web-a");
            foreach (var item in Podnet.Cluster.Api.Serialization.ManifestReader.ReadText(Backend("web-b", Worker), "b.yaml").Items)
                set.Put(item.Object with { Metadata = item.Object.Metadata with { Namespace = "default", CreationTimestamp = w.Now } });
        });
        var target = w.Rt.Outside.LoadBalancer.TargetOf(lb)!;
        Assert.Equal([Worker], target.Eligible);
        Assert.Equal(Worker, target.NodeName);
        var routes = KernelShell.Execute(w.Rt.World, w.Rt.Outside.Router, "ip route").Stdout;
        Assert.Contains($"{lb} via {w.NodeIp(Worker)} dev eth0", routes, StringComparison.Ordinal);
        Assert.DoesNotContain($"{lb} via {w.NodeIp(Worker2)}", routes, StringComparison.Ordinal);
        var r = w.Get(w.Outside, lb, 80, "/clientip");
        Assert.True(r.Ok, r.ToString());
        Assert.Equal(OutsideWorld.ClientAddress, r.Body.Split(':')[0]);
        Assert.Equal("web-b", w.Get(w.Outside, lb, 80).Body);
        Assert.Empty(w.Rt.Problems); // the partial sync deleting the no-endpoint map element loaded
    }
}

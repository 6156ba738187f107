using System.Text;
using Podnet.Cluster.Api.Apps;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Discovery;
using Podnet.Cluster.Controllers;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Wire;
using Xunit;
using static Podnet.Cluster.Tests.Services.ServiceWorld;

namespace Podnet.Cluster.Tests.Services;

/// <summary>Endpoints changing under a live cluster: terminating endpoints, graceful pod deletion with an open connection, scaling.</summary>
public sealed class EndpointChangeTests
{
    /// <summary>A graceful delete as the apiserver records it: deletionTimestamp set, the pod still there.</summary>
    private static void Terminate(ServiceWorld w, ObjectSet set, string pod)
    {
        var p = set.Get<Pod>("Pod", "default", pod)!;
        set.Put(p with { Metadata = p.Metadata with { DeletionTimestamp = w.Now, DeletionGracePeriodSeconds = 30 } });
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    public void TerminatingEndpoints_AreUsedOnlyWhenNoReadyOnesRemain(string mode)
    {
        var w = Build(Backend("web-a", Worker) + Backend("web-b", Worker2) + Client("client", Worker) + Service("web"), mode, seed: 3);
        var ip = w.ClusterIp("web");
        Assert.Equal(["web-a", "web-b"], w.Spread(w.PodNs("client"), ip, 80, 40).Keys.Order(StringComparer.Ordinal));

        w.Reconverge(set => Terminate(w, set, "web-b"));
        var slice = w.Set.OfKind<EndpointSlice>("EndpointSlice").Single(s => s.Metadata.Labels.GetValueOrDefault("kubernetes.io/service-name") == "web");
        var b = slice.Endpoints.Single(e => e.TargetRef?.Name == "web-b");
        Assert.Equal((false, true, true), (b.Conditions.Ready, b.Conditions.Serving, b.Conditions.Terminating));
        Assert.Equal(new Dictionary<string, int> { ["web-a"] = 30 }, w.Spread(w.PodNs("client"), ip, 80, 30));

        // Both terminating (still serving): kube-proxy falls back to the serving-terminating ones.
        w.Reconverge(set => Terminate(w, set, "web-a"));
        Assert.Equal(["web-a", "web-b"], w.Spread(w.PodNs("client"), ip, 80, 40).Keys.Order(StringComparer.Ordinal));
        Assert.Empty(w.Rt.Problems);
    }

    private static async Task<string> Request(TcpSocket s, string path)
    {
        s.Send(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: web\r\n\r\n"));
        var buf = new byte[4096];
        var r = await s.ReceiveAsync(buf, TimeSpan.FromSeconds(5));
        var text = Encoding.ASCII.GetString(buf, 0, r.Count);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return split < 0 ? "" : text[(split + 4)..].Trim();
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    [InlineData("ipvs")]
    public void DeletingAPod_UpdatesSliceAndRules_ButAnOpenConnectionKeepsItsConntrackEntry(string mode)
    {
        var w = Build(Backend("web-a", Worker) + Backend("web-b", Worker2) + Client("client", Worker) + Service("web"), mode, seed: 9);
        var ip = w.ClusterIp("web");
        var client = w.PodNs("client");
        TcpSocket? conn = null;
        string first = "";
        w.Rt.World.Run(async () =>
        {
            conn = client.Tcp.Open();
            Assert.Equal(Errno.None, await conn.ConnectAsync(Ipv4Address.Parse(ip), 80));
            first = await Request(conn, "/hostname");
        }, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30));
        Assert.Contains(first, new[] { "web-a", "web-b" });
        var other = first == "web-a" ? "web-b" : "web-a";
        var firstIp = w.PodIp(first);

        w.Reconverge(set => Terminate(w, set, first));
        var slice = w.Set.OfKind<EndpointSlice>("EndpointSlice").Single(s => s.Metadata.Labels.GetValueOrDefault("kubernetes.io/service-name") == "web");
        Assert.False(slice.Endpoints.Single(e => e.TargetRef?.Name == first).Conditions.Ready);
        var rules = mode switch
        {
            "nftables" => w.Rt.ExecOnNode(Worker, ["nft", "list", "ruleset"], false, out _)!.Stdout,
            "ipvs" => w.Rt.ExecOnNode(Worker, ["ipvsadm", "-Ln"], false, out _)!.Stdout,
            _ => w.Rt.ExecOnNode(Worker, ["iptables-save", "-t", "nat"], false, out _)!.Stdout,
        };
        if (mode == "ipvs")
        {
            // kube-proxy's graceful termination: weight 0 while the connection lasts.
            Assert.Matches($@"-> {System.Text.RegularExpressions.Regex.Escape(firstIp)}:8080\s+Masq\s+0\s", rules);
        }
        else
        {
            Assert.DoesNotContain(firstIp + ":8080", rules.Replace(" -j DNAT --to-destination ", ":", StringComparison.Ordinal).Replace(" to ", ":", StringComparison.Ordinal), StringComparison.Ordinal);
        }
        Assert.Contains(w.PodIp(other), rules, StringComparison.Ordinal);

        // New connections go to the remaining endpoint...
        Assert.Equal(new Dictionary<string, int> { [other] = 20 }, w.Spread(client, ip, 80, 20));
        // ...while the open connection still reaches the terminating pod through its conntrack entry.
        var conntrack = w.Rt.ExecOnNode(Worker, ["conntrack", "-L"], false, out _)!.Stdout;
        Assert.Contains(firstIp, conntrack, StringComparison.Ordinal);
        string again = "";
        w.Rt.World.Run(async () => again = await Request(conn!, "/hostname"), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30));
        Assert.Equal(first, again);
        conn!.Close();

        // The pod goes away for good: the kubelet removes its sandbox.
        w.Reconverge(set => set.Remove("Pod", "default", first));
        Assert.False(w.Rt.BuiltNodes[first == "web-a" ? Worker : Worker2].Kubelet.Pods.ContainsKey("default/" + first));
        Assert.Equal(new Dictionary<string, int> { [other] = 10 }, w.Spread(client, ip, 80, 10));
        if (mode == "ipvs")
        {
            // Once its connections have expired, a later sync deletes the drained real server.
            w.Rt.World.Loop.RunFor(TimeSpan.FromMinutes(16), TimeSpan.FromSeconds(30));
            w.Reconverge(_ => { });
            Assert.DoesNotContain(firstIp + ":8080", w.Rt.ExecOnNode(Worker, ["ipvsadm", "-Ln"], false, out _)!.Stdout, StringComparison.Ordinal);
        }
        Assert.Empty(w.Rt.Problems);
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    [InlineData("ipvs")]
    public void ScalingADeployment_AddsEndpoints_AndTheRulesFollow(string mode)
    {
        var yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 1
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: main, image: registry.k8s.io/e2e-test-images/agnhost:2.52, args: [netexec, --http-port=8080], ports: [{containerPort: 8080}]}]
            ---

            """ + Client("client", Worker) + Service("web");
        var w = Build(yaml, mode, seed: 4);
        var ip = w.ClusterIp("web");
        Assert.Single(w.Spread(w.PodNs("client"), ip, 80, 10));
        w.Reconverge(set =>
        {
            var d = set.Get<Deployment>("Deployment", "default", "web")!;
            set.Put(d with { Spec = d.Spec with { Replicas = 3 } });
        });
        var pods = w.Set.OfKind<Pod>("Pod").Where(p => p.Metadata.Labels.GetValueOrDefault("app") == "web").ToList();
        Assert.Equal(3, pods.Count);
        w.Rt.EnsureAll();
        var spread = w.Spread(w.PodNs("client"), ip, 80, 90);
        Assert.Equal(pods.Select(p => p.Name).Order(StringComparer.Ordinal), spread.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(w.Rt.Problems);
    }
}

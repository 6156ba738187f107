using Podnet.Cluster.Runtime;
using Xunit;

namespace Podnet.Cluster.Tests.Runtime;

public sealed class KubeProxyOnNodesTests
{
    private const string Cluster = """
        apiVersion: v1
        kind: Pod
        metadata: {name: client}
        spec:
          nodeName: podnet-worker
          containers: [{name: main, image: busybox, command: [sleep, "3600"]}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web, labels: {app: web}}
        spec:
          nodeName: podnet-worker2
          containers: [{name: main, image: nginx, ports: [{containerPort: 80}]}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: {app: web}
          ports: [{port: 80}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: empty}
        spec:
          selector: {app: nobody}
          ports: [{port: 80}]
        """;

    private static string ClusterIp(ClusterRuntime rt, string name) => rt.Objects.OfType<Podnet.Cluster.Api.Core.Service>().Single(s => s.Name == name).Spec.ClusterIP!;

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    public void ClusterIp_Works_InEachProxyMode(string mode)
    {
        var rt = RuntimeFixture.Realize(Cluster, options: new RuntimeOptions { Seed = 2, ProxyMode = mode, Epoch = RuntimeFixture.Now });
        var r = rt.ExecInPod("default", "client", null, ["curl", "-s", "http://" + ClusterIp(rt, "web") + "/"], false, out _)!;
        Assert.Empty(rt.Problems);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Welcome to nginx!", r.Stdout);
        var log = rt.EnsurePod("default", "web", out _)!.Containers[0].Log.Text;
        Assert.Contains(RuntimeFixture.PodIp(rt, "client") + " - - [", log);
    }

    [Fact]
    public void ServiceWithoutEndpoints_IsRefusedAtOnce_WithCurlsMessage()
    {
        var rt = RuntimeFixture.Realize(Cluster);
        var ip = ClusterIp(rt, "empty");
        var r = rt.ExecInPod("default", "client", null, ["curl", "http://" + ip + "/"], false, out _)!;
        Assert.Equal(7, r.ExitCode);
        Assert.Equal($"curl: (7) Failed to connect to {ip} port 80 after 0 ms: Couldn't connect to server\n", r.Stderr);
    }

    [Fact]
    public void NodeExec_ShowsKubeProxyRules_AndDeletingAPodFreesItsAddress()
    {
        var rt = RuntimeFixture.Realize(Cluster);
        var save = rt.ExecOnNode("podnet-worker", ["iptables-save", "-t", "nat"], false, out _)!.Stdout;
        Assert.Contains("-A KUBE-SERVICES", save);
        Assert.Contains("-A IP-MASQ", save);
        var node = rt.EnsureNode("podnet-worker2")!;
        var sb = rt.EnsurePod("default", "web", out _)!;
        var veth = sb.CniResult!.Interfaces[1].Name;
        Assert.NotNull(node.Namespace.GetDevice(veth));
        Assert.True(node.Kubelet.KillPod("default", "web"));
        Assert.Null(node.Namespace.GetDevice(veth));
        Assert.Null(rt.World.GetNamespace(sb.Namespace.Name));
        Assert.DoesNotContain(node.Kubelet.Cni.Ipam.Allocations.Values, v => v == sb.ContainerId);
    }
}

public sealed class LogsAndHostNetworkTests
{
    [Fact]
    public void Logs_ShowTheProgramsStartup_AndHostNetworkPodsUseTheNodeNamespace()
    {
        var rt = RuntimeFixture.Realize("""
            apiVersion: v1
            kind: Pod
            metadata: {name: cache}
            spec:
              nodeName: podnet-worker
              containers: [{name: redis, image: redis:7, ports: [{containerPort: 6379}]}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: agent}
            spec:
              nodeName: podnet-worker
              hostNetwork: true
              containers: [{name: main, image: example/agent:1, ports: [{containerPort: 9100}]}]
            """);
        Assert.Contains("Ready to accept connections tcp", rt.Logs("default", "cache", null, out _));
        var sb = rt.EnsurePod("default", "agent", out _)!;
        Assert.Same(rt.BuiltNodes["podnet-worker"].Namespace, sb.Namespace);
        Assert.Equal(rt.BuiltNodes["podnet-worker"].Ip, sb.Ip);
        Assert.StartsWith("# Kubernetes-managed hosts file (host network).", sb.Hosts);
        var ss = rt.ExecOnNode("podnet-worker", ["ss", "-tln"], false, out _)!.Stdout;
        Assert.Contains("0.0.0.0:9100", ss);
        Assert.Null(rt.Logs("default", "cache", "nope", out var err));
        Assert.Equal("error: container nope is not valid for pod cache", err);
    }
}

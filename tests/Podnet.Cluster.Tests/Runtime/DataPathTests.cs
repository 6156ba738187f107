using Podnet.Cluster.Controllers;
using Podnet.Cluster.Runtime;
using Podnet.Kernel.Tracing;
using Xunit;

namespace Podnet.Cluster.Tests.Runtime;

public sealed class DataPathTests
{
    private const string TwoServers = """
        apiVersion: v1
        kind: Pod
        metadata: {name: client, labels: {app: client}}
        spec:
          nodeName: podnet-worker
          containers: [{name: main, image: nicolaka/netshoot, command: [sleep, infinity]}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: near, labels: {app: near}}
        spec:
          nodeName: podnet-worker
          containers: [{name: main, image: registry.k8s.io/e2e-test-images/agnhost:2.52, args: [netexec, --http-port=8080], ports: [{containerPort: 8080}]}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: far, labels: {app: far}}
        spec:
          nodeName: podnet-worker2
          containers: [{name: main, image: registry.k8s.io/e2e-test-images/agnhost:2.52, args: [netexec, --http-port=8080], ports: [{containerPort: 8080}]}]
        """;

    [Fact]
    public void SameNode_GoesVethBridgeVeth_WithArpAndNoRoutingHopOrNat()
    {
        var rt = RuntimeFixture.Realize(TwoServers);
        var ip = RuntimeFixture.PodIp(rt, "near");
        var r = rt.ExecInPod("default", "client", null, ["curl", "-s", $"http://{ip}:8080/clientip"], trace: true, out var err);
        Assert.Null(err);
        Assert.Equal(0, r!.ExitCode);
        Assert.StartsWith(RuntimeFixture.PodIp(rt, "client") + ":", r.Stdout);
        var t = r.Traces.Single(x => x.Label.StartsWith("curl", StringComparison.Ordinal)).Trace;
        var text = t.ToText();
        Assert.Contains("cni0", text);
        Assert.Contains(TraceStepKind.Neighbour, t.Steps.Select(s => s.Kind));
        Assert.DoesNotContain(t.Steps, s => s.Kind == TraceStepKind.Nat);
        // only one node was realized for a same-node request
        Assert.Equal(["podnet-worker"], rt.BuiltNodes.Keys.Order());
    }

    [Theory]
    [InlineData("host-gw")]
    [InlineData("vxlan")]
    public void CrossNode_KeepsThePodSourceIp(string overlay)
    {
        var rt = RuntimeFixture.Realize(TwoServers, options: new RuntimeOptions { Seed = 3, Overlay = overlay, Epoch = RuntimeFixture.Now });
        var ip = RuntimeFixture.PodIp(rt, "far");
        var r = rt.ExecInPod("default", "client", null, ["curl", "-s", $"http://{ip}:8080/clientip"], trace: true, out var err);
        Assert.Null(err);
        Assert.Equal(0, r!.ExitCode);
        Assert.StartsWith(RuntimeFixture.PodIp(rt, "client") + ":", r.Stdout);
        var text = r.Traces.Single(x => x.Label.StartsWith("curl", StringComparison.Ordinal)).Trace.ToText();
        if (overlay == "vxlan") Assert.Contains("flannel.1", text);
        else Assert.Contains("podnet-worker2", text);
        Assert.Equal(["podnet-worker", "podnet-worker2"], rt.BuiltNodes.Keys.Order());
    }

    [Fact]
    public void Egress_IsMasqueradedToTheNodeIp_AndTimesOutWithoutMasquerade()
    {
        var rt = RuntimeFixture.Realize(TwoServers);
        var r = rt.ExecInPod("default", "client", null, ["curl", "-s", "-m", "5", "http://203.0.113.10/"], trace: false, out _);
        Assert.Equal(0, r!.ExitCode);
        Assert.Contains("Example Domain", r.Stdout);
        var log = rt.Outside.Hosts["example.com"].Process!.Log.Text;
        var nodeIp = ClusterBootstrap.NodeInternalIp(rt.NodeObject("podnet-worker")!)!;
        Assert.StartsWith(nodeIp + " - - [", log.Split('\n').Last(l => l.Contains("GET /", StringComparison.Ordinal)));

        var off = RuntimeFixture.Realize(TwoServers, options: new RuntimeOptions { Seed = 7, EgressMasquerade = false, Epoch = RuntimeFixture.Now });
        var r2 = off.ExecInPod("default", "client", null, ["curl", "-s", "-S", "-m", "5", "http://203.0.113.10/"], trace: true, out _);
        Assert.Equal(28, r2!.ExitCode);
        Assert.Equal("curl: (28) Connection timed out after 5001 milliseconds\n", r2.Stderr);
        Assert.Contains("router", r2.Traces[0].Trace.ToText());
    }
}

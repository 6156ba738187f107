using Podnet.Cluster.Tests.Runtime;
using Xunit;

namespace Podnet.Cluster.Tests.Images;

public sealed class DnsToolsTests
{
    private const string Cluster = """
        apiVersion: v1
        kind: Pod
        metadata: {name: client}
        spec:
          nodeName: podnet-worker
          containers: [{name: main, image: nicolaka/netshoot, command: [sleep, infinity]}]
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
        """;

    [Fact]
    public void DigAndNslookup_AskTheKubeDnsServiceOverTheNetwork()
    {
        var rt = RuntimeFixture.Realize(Cluster);
        var ip = rt.Objects.OfType<Podnet.Cluster.Api.Core.Service>().Single(s => s.Name == "web").Spec.ClusterIP!;
        var d = rt.ExecInPod("default", "client", null, ["dig", "+short", "web.default.svc.cluster.local"], false, out _)!;
        Assert.Equal(ip + "\n", d.Stdout);
        var full = rt.ExecInPod("default", "client", null, ["dig", "web.default.svc.cluster.local"], false, out _)!;
        Assert.Contains(";; ANSWER SECTION:", full.Stdout);
        Assert.Contains("SERVER: 10.96.0.10#53", full.Stdout);
        var n = rt.ExecInPod("default", "client", null, ["nslookup", "web"], false, out _)!;
        Assert.Equal(0, n.ExitCode);
        Assert.Contains("Address: " + ip, n.Stdout);
        var nx = rt.ExecInPod("default", "client", null, ["nslookup", "nothing-here"], false, out _)!;
        Assert.NotEqual(0, nx.ExitCode);
        Assert.Contains("NXDOMAIN", nx.Stdout + nx.Stderr);
    }
}

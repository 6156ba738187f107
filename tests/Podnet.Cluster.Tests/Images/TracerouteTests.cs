using Podnet.Cluster.Outside;
using Podnet.Cluster.Tests.Runtime;
using Xunit;

namespace Podnet.Cluster.Tests.Images;

public sealed class TracerouteTests
{
    [Fact]
    public void Traceroute_FromAPod_ShowsTheBridgeGatewayTheRouterAndTheHost()
    {
        var rt = RuntimeFixture.Realize("""
            apiVersion: v1
            kind: Pod
            metadata: {name: client}
            spec:
              nodeName: podnet-worker
              containers: [{name: main, image: nicolaka/netshoot, command: [sleep, infinity]}]
            """);
        var r = rt.ExecInPod("default", "client", null, ["traceroute", "-n", "-q", "1", "203.0.113.10"], false, out _)!;
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("traceroute to 203.0.113.10 (203.0.113.10), 30 hops max, 60 byte packets", lines[0]);
        var gw = rt.NodeObject("podnet-worker")!.Spec.PodCIDR!.Split('/')[0][..^1] + "1";
        Assert.StartsWith($" 1  {gw} ({gw})", lines[1]);
        Assert.StartsWith($" 2  {OutsideWorld.RouterAddress} ({OutsideWorld.RouterAddress})", lines[2]);
        Assert.StartsWith(" 3  203.0.113.10 (203.0.113.10)", lines[3]);
        Assert.Equal(4, lines.Length);
    }
}

using Podnet.Cluster.Runtime;
using Podnet.Cluster.Tests.Runtime;
using Xunit;

namespace Podnet.Cluster.Tests.Images.Tools;

/// <summary><c>tcpdump</c> on a node sees the kubelet's probes of the CoreDNS pods, filtered as pcap-filter says.</summary>
public sealed class TcpdumpToolTests
{
    private static ClusterRuntime Runtime() => RuntimeFixture.Realize("", options: new RuntimeOptions { Seed = 3, Epoch = RuntimeFixture.Now, RunProbes = true });

    [Fact]
    public void Tcpdump_on_the_control_plane_bridge_shows_the_kubelets_readiness_probes_to_coredns()
    {
        var rt = Runtime();
        var r = rt.ExecOnNode("podnet-control-plane", ["tcpdump", "-i", "cni0", "-nn", "-c", "3", "tcp", "and", "dst", "port", "8181"], false, out var error);
        Assert.Null(error);
        Assert.Equal(0, r!.ExitCode);
        Assert.Contains("listening on cni0, link-type EN10MB (Ethernet), snapshot length 262144 bytes", r.Stderr, StringComparison.Ordinal);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^\d\d:\d\d:\d\d\.\d{6} IP 10\.244\.0\.1\.\d+ > 10\.244\.0\.\d+\.8181: Flags ", l));
        Assert.Contains("3 packets captured", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_probes_running_a_quiet_node_captures_nothing_within_the_time_given()
    {
        var rt = RuntimeFixture.Realize("");
        var r = rt.ExecOnNode("podnet-worker", ["tcpdump", "-i", "eth0", "--time", "5"], false, out _);
        Assert.Equal("", r!.Stdout);
        Assert.True(r.Stderr.Contains("0 packets captured", StringComparison.Ordinal), r.Stderr + "|" + r.Stdout);
    }

    [Theory]
    [InlineData(new[] { "tcpdump", "-i", "nope0" }, "tcpdump: nope0: No such device exists")]
    [InlineData(new[] { "tcpdump", "-i", "eth0", "port", "http" }, "tcpdump: syntax error in filter expression: bad port 'http'")]
    [InlineData(new[] { "tcpdump", "-i", "eth0", "tcp", "or" }, "tcpdump: syntax error in filter expression: unexpected end")]
    public void Bad_devices_and_filters_are_reported_as_tcpdump_reports_them(string[] argv, string message)
    {
        var rt = RuntimeFixture.Realize("");
        var r = rt.ExecOnNode("podnet-worker", argv, false, out _);
        Assert.Equal(1, r!.ExitCode);
        Assert.StartsWith(message, r.Stderr, StringComparison.Ordinal);
    }
}

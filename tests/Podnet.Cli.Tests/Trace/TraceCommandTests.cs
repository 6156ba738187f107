using System.Text.Json;
using Xunit;

namespace Podnet.Cli.Tests.Trace;

/// <summary><c>podnet trace</c>: one connection in a throwaway cluster of the tour's manifests, explained hop by hop, with each documented outcome.</summary>
public sealed class TraceCommandTests
{
    [Fact]
    public void Service_connection_is_delivered_with_the_dnat_marked()
    {
        using var cli = new CliHarness();
        var r = cli.Run("trace", "pod/web", "svc/frontend", "-n", "shop", "-f", CliHarness.Examples, "--seed", "1");
        Assert.True(r.Code == 0, r.Out + r.Err);
        Assert.StartsWith("trace: pod shop/web (10.244.", r.Out, StringComparison.Ordinal);
        Assert.Contains("Service shop/frontend (ClusterIP 10.96.", r.Out, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^     \* NAT        DNAT 10\.96\.\d+\.\d+:80 -> 10\.244\.\d+\.\d+:80$", r.Out);
        Assert.Contains("-j KUBE-SVC-", r.Out, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^DELIVERED: delivered to pod shop/frontend-[a-z0-9-]+ \(DNAT ", r.Out);
    }

    [Fact]
    public void Same_node_pod_to_pod_text_matches_the_golden_file()
    {
        using var cli = new CliHarness();
        var r = cli.Run("trace", "pod/web", "pod/db-0", "-n", "shop", "-f", CliHarness.Examples, "--seed", "1");
        Assert.True(r.Code == 0, r.Out + r.Err);
        Golden.Assert("trace-web-to-db-0.txt", r.Out);
    }

    [Fact]
    public void Missing_allowing_policy_is_named_as_the_reason_of_the_drop()
    {
        using var cli = new CliHarness();
        var r = cli.Run("trace", "pod/web", "svc/backend", "-n", "shop", "-f", CliHarness.Examples, "-R", "--seed", "1", "--timeout", "2");
        Assert.Equal(1, r.Code);
        Assert.Contains("-j DROP", r.Out, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^DROPPED: dropped by the absence of an allowing NetworkPolicy \(drop: no NetworkPolicy allows ingress to shop/backend-[a-z0-9-]+\) in node podnet-worker2?; the client timed out after 2 s$", r.Out);
    }

    [Fact]
    public void Service_without_endpoints_is_refused_by_kube_proxys_reject()
    {
        using var cli = new CliHarness();
        var manifest = Path.Combine(cli.Home, "empty.yaml");
        Directory.CreateDirectory(cli.Home);
        File.WriteAllText(manifest, """
            apiVersion: v1
            kind: Pod
            metadata: {name: client, labels: {app: client}}
            spec:
              containers: [{name: c, image: busybox:1.36}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: empty}
            spec:
              selector: {app: nobody}
              ports: [{port: 80, targetPort: 8080}]
            """);
        var r = cli.Run("trace", "pod/client", "svc/empty", "-f", manifest, "--seed", "1");
        Assert.Equal(1, r.Code);
        Assert.Matches("(?m)^REFUSED: refused by a REJECT rule in node podnet-worker2? \\(\"default/empty has no endpoints\"\\)", r.Out);
    }

    [Fact]
    public void Unknown_name_ends_in_nxdomain_after_the_search_list()
    {
        using var cli = new CliHarness();
        var r = cli.Run("trace", "pod/web", "nosuch:80", "-n", "shop", "-f", CliHarness.Examples, "--seed", "1");
        Assert.Equal(1, r.Code);
        Assert.Contains("nosuch.shop.svc.cluster.local", r.Out, StringComparison.Ordinal);
        Assert.Contains("NXDOMAIN: no name nosuch exists", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_and_pcap_render_the_same_trace()
    {
        using var cli = new CliHarness();
        var pcap = Path.Combine(cli.Home, "t.pcap");
        var r = cli.Run("trace", "pod/web", "example.com", "-n", "shop", "-f", CliHarness.Examples, "--seed", "1", "-o", "json", "--pcap", pcap);
        Assert.True(r.Code == 0, r.Out + r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.Equal("Delivered", root.GetProperty("outcome").GetString());
        Assert.Equal("203.0.113.10", root.GetProperty("destinationAddress").GetString());
        Assert.Equal("Found", root.GetProperty("dns").GetProperty("outcome").GetString());
        var steps = root.GetProperty("hops").EnumerateArray().SelectMany(h => h.GetProperty("steps").EnumerateArray()).ToList();
        Assert.Contains(steps, s => s.GetProperty("kind").GetString() == "Nat" && s.GetProperty("text").GetString()!.StartsWith("MASQUERADE", StringComparison.Ordinal));
        var frames = root.GetProperty("frames").GetInt32();
        Assert.True(frames > 0);
        Assert.Contains($"wrote {frames} frames to {pcap}", r.Err, StringComparison.Ordinal);
        var bytes = File.ReadAllBytes(pcap);
        Assert.Equal(new byte[] { 0xd4, 0xc3, 0xb2, 0xa1 }, bytes[..4]);
    }

    [Fact]
    public void ClusterIP_from_outside_has_no_route_and_says_why()
    {
        using var cli = new CliHarness();
        var r = cli.Run("trace", "outside", "svc/backend", "-n", "shop", "-f", CliHarness.Examples, "--seed", "1");
        Assert.Equal(1, r.Code);
        Assert.Contains("NOROUTE: no route to 10.96.", r.Out, StringComparison.Ordinal);
        Assert.Contains("internet router has none", r.Out, StringComparison.Ordinal);
        Assert.Contains("a ClusterIP is virtual", r.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("error: no ingress controller runs in this cluster", "pod/web", "ingress/myapp.example.com/app1")]
    [InlineData("Error from server (NotFound): pods \"nope\" not found", "pod/nope", "svc/backend")]
    [InlineData("error: unknown source \"bogus\"", "bogus", "svc/backend")]
    [InlineData("Error from server (NotFound): services \"nope\" not found", "pod/web", "svc/nope")]
    [InlineData("error: invalid port 70000", "pod/web", "svc/backend:70000")]
    public void Bad_input_is_a_clear_error(string expected, string source, string destination)
    {
        using var cli = new CliHarness();
        var r = cli.Run("trace", source, destination, "-n", "shop", "-f", CliHarness.Examples);
        Assert.Equal(1, r.Code);
        Assert.StartsWith(expected, r.Err, StringComparison.Ordinal);
    }
}

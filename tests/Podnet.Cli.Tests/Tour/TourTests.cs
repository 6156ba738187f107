using System.Text;
using System.Text.Json;
using Xunit;

namespace Podnet.Cli.Tests.Tour;

/// <summary>
/// <c>podnet tour</c> as an end-to-end test: its structure (steps by path, the commands, their exit
/// codes and outcomes) with a fixed seed against a golden file, not its incidental text; the options;
/// and a failing path making the tour fail.
/// </summary>
public sealed class TourTests
{
    /// <summary>The tour's shape from its JSON: steps, commands (examples path and home replaced), exit codes, outcomes.</summary>
    private static string Structure(string json, string examples)
    {
        using var doc = JsonDocument.Parse(json);
        var sb = new StringBuilder();
        foreach (var step in doc.RootElement.GetProperty("steps").EnumerateArray())
        {
            sb.Append("step ").Append(step.GetProperty("path").GetInt32()).Append(": ").Append(step.GetProperty("title").GetString())
              .Append(step.GetProperty("ok").GetBoolean() ? " [ok]" : " [FAILED]").Append('\n');
            foreach (var c in step.GetProperty("commands").EnumerateArray())
            {
                sb.Append("  ").Append(c.GetProperty("number").GetString()).Append(' ')
                  .Append(c.GetProperty("command").GetString()!.Replace(examples, "<examples>", StringComparison.Ordinal))
                  .Append(" -> exit ").Append(c.GetProperty("exitCode").GetInt32())
                  .Append(c.GetProperty("ok").GetBoolean() ? " ok" : " FAILED").Append('\n');
            }
        }

        foreach (var s in doc.RootElement.GetProperty("summary").EnumerateArray())
        {
            sb.Append("summary ").Append(s.GetProperty("path").GetInt32()).Append(' ').Append(s.GetProperty("name").GetString()).Append(": ").Append(s.GetProperty("outcome").GetString()).Append('\n');
        }

        sb.Append("ok: ").Append(doc.RootElement.GetProperty("ok").GetBoolean()).Append('\n');
        return sb.ToString();
    }

    [Fact]
    public void Tour_structure_with_a_fixed_seed_matches_the_golden_file()
    {
        using var cli = new CliHarness();
        var r = cli.Run("tour", "--seed", "1", "-o", "json");
        Assert.True(r.Code == 0, r.Err);
        Golden.Assert("tour-structure.txt", Structure(r.Out, CliHarness.Examples));
    }

    [Fact]
    public void Tour_text_walks_the_eight_paths_and_reruns_on_the_same_cluster()
    {
        using var cli = new CliHarness();
        var first = cli.Run("tour", "--seed", "3");
        Assert.True(first.Code == 0, first.Err);
        for (var path = 0; path <= 8; path++)
        {
            Assert.Matches($"(?m)^== {path}\\. ", first.Out);
        }

        Assert.Matches(@"(?m)^  8\. NetworkPolicy .*\s+ok$", first.Out);
        Assert.Contains("PONG", first.Out, StringComparison.Ordinal);
        Assert.Contains("* NAT        DNAT 10.96.", first.Out, StringComparison.Ordinal);
        Assert.Contains("MASQUERADE", first.Out, StringComparison.Ordinal);
        Assert.Contains("dropped by the absence of an allowing NetworkPolicy", first.Out, StringComparison.Ordinal);
        Assert.Contains("Measured and predicted agree on all", first.Out, StringComparison.Ordinal);
        Assert.Contains("HTTP/1.1 308 Permanent Redirect", first.Out, StringComparison.Ordinal);
        Assert.Contains("curl: (60) SSL certificate problem: unable to get local issuer certificate", first.Out, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  7\. from outside: Ingress \(TLS\), NodePort\s+ok$", first.Out);
        var second = cli.Run("tour", "--seed", "3");
        Assert.True(second.Code == 0, second.Err);
        Assert.Contains("Reusing the cluster \"tour\"", second.Out, StringComparison.Ordinal);
        Assert.Contains("service/backend unchanged", second.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_runs_one_path_and_the_same_seed_replays_it()
    {
        string Run()
        {
            using var cli = new CliHarness();
            var r = cli.Run("tour", "--only", "4", "--seed", "7", "-o", "json");
            Assert.True(r.Code == 0, r.Err);
            return r.Out;
        }

        var a = Run();
        using var doc = JsonDocument.Parse(a);
        var steps = doc.RootElement.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal([4], steps.Select(s => s.GetProperty("path").GetInt32()));
        Assert.Equal(a, Run());
    }

    [Fact]
    public void Step_waits_for_enter_between_steps_and_pcap_writes_captures()
    {
        using var cli = new CliHarness();
        var dir = Path.Combine(cli.Home, "captures");
        var r = cli.Run(["tour", "--step", "--seed", "1", "--pcap", dir], string.Concat(Enumerable.Repeat("\n", 8)));
        Assert.True(r.Code == 0, r.Err);
        for (var path = 1; path <= 8; path++)
        {
            Assert.Contains($"-- press Enter for step {path} --", r.Err, StringComparison.Ordinal);
        }

        Assert.Equal(6, Directory.GetFiles(dir, "step-*.pcap").Length);
        var file = Path.Combine(dir, "step-2-pod-to-pod-same-node.pcap");
        var bytes = File.ReadAllBytes(file);
        Assert.True(bytes.Length > 24 + 16);
        Assert.Equal(new byte[] { 0xd4, 0xc3, 0xb2, 0xa1 }, bytes[..4]);
    }

    [Fact]
    public void A_failing_path_makes_the_tour_fail_and_says_which()
    {
        using var cli = new CliHarness();
        var examples = Path.Combine(cli.Home, "examples");
        Directory.CreateDirectory(Path.Combine(examples, "policies"));
        foreach (var f in Directory.GetFiles(CliHarness.Examples, "*.yaml", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(f);
            if (Path.GetFileName(f) == "10-backend.yaml")
            {
                // A Service without endpoints: kube-proxy REJECTs, so path 4's curl is refused.
                text = text.Replace("replicas: 3", "replicas: 0", StringComparison.Ordinal);
                Assert.Contains("replicas: 0", text, StringComparison.Ordinal);
            }

            File.WriteAllText(Path.Combine(examples, Path.GetRelativePath(CliHarness.Examples, f)), text);
        }

        var r = cli.Run("tour", "--examples", examples, "--only", "4", "--seed", "1", "-o", "json");
        Assert.Equal(1, r.Code);
        Assert.Contains("tour: path 4 (Pod to Service: ClusterIP and kube-proxy) failed", r.Err, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.False(doc.RootElement.GetProperty("ok").GetBoolean());
        Assert.Contains("REJECT", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_options_are_errors_in_kubectl_form()
    {
        using var cli = new CliHarness();
        var r = cli.Run("tour", "--only", "9");
        Assert.Equal(1, r.Code);
        Assert.StartsWith("error: invalid --only \"9\"", r.Err, StringComparison.Ordinal);
        r = cli.Run("tour", "-o", "yaml");
        Assert.Equal(1, r.Code);
        Assert.StartsWith("error: unsupported output format \"yaml\"", r.Err, StringComparison.Ordinal);
    }
}

using Podnet.Analysis.Probe;
using Podnet.Cli.Commands.Probe;
using Xunit;

namespace Podnet.Cli.Tests.Probe;

/// <summary><c>podnet probe</c>: the measured matrix beside the analyzer's, on the tour's manifests with and without their policies.</summary>
public sealed class ProbeCommandTests
{
    [Fact]
    public void Without_policies_every_pair_is_allowed_and_agrees()
    {
        using var cli = new CliHarness();
        var r = cli.Run("probe", "-f", CliHarness.Examples, "-n", "shop", "--port", "8080", "--seed", "1");
        Assert.True(r.Code == 0, r.Out + r.Err);
        Assert.Contains("Probing TCP/8080 from each of 8 pods", r.Out, StringComparison.Ordinal);
        Assert.Contains("Measured and predicted agree on all 56 pairs.", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("| X", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void With_default_deny_and_the_allow_rule_only_frontends_reach_backends()
    {
        using var cli = new CliHarness();
        var r = cli.Run("probe", "-f", CliHarness.Examples, "-R", "-n", "shop", "--port", "8080", "--seed", "1");
        Assert.True(r.Code == 0, r.Out + r.Err);
        var measured = r.Out.Split("Predicted")[0];
        var rows = measured.Split('\n').Where(l => l.StartsWith("| shop/", StringComparison.Ordinal)).ToList();
        Assert.Equal(8, rows.Count);
        var names = rows.Select(row => row.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0]).ToList();
        for (var i = 0; i < rows.Count; i++)
        {
            var cells = rows[i].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            for (var j = 0; j < names.Count; j++)
            {
                // Allowed: frontend -> backend (the allow rule) and each pod to itself (loopback never leaves the pod).
                var allowed = i == j || (names[i].StartsWith("shop/frontend-", StringComparison.Ordinal) && names[j].StartsWith("shop/backend-", StringComparison.Ordinal));
                Assert.True((allowed ? "." : "X") == cells[j + 1], $"{names[i]} -> {names[j]}: {cells[j + 1]}");
            }
        }

        Assert.Contains("Measured and predicted agree", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Udp_probe_counts_port_unreachable_as_allowed()
    {
        using var cli = new CliHarness();
        var r = cli.Run("probe", "-f", CliHarness.Examples, "-n", "shop", "--port", "8081", "--protocol", "udp", "--seed", "1");
        Assert.True(r.Code == 0, r.Out + r.Err);
        Assert.Contains("UDP/8081", r.Out, StringComparison.Ordinal);
        Assert.Contains("ICMP port unreachable", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mismatch_is_listed_and_gives_exit_code_1()
    {
        var cells = new List<ProbeCell>
        {
            new("x/a", "x/a", ProbeVerdict.Connected, true, "connected"),
            new("x/a", "x/b", ProbeVerdict.Blocked, true, "Connection timed out"),
            new("x/b", "x/a", ProbeVerdict.Refused, true, "Connection refused"),
            new("x/b", "x/b", ProbeVerdict.Connected, false, "connected"),
        };
        var result = new ProbeResult(new ProbeOptions(), ["x/a", "x/b"], cells, []);
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        Assert.Equal(1, ProbeCommand.Print(stdout, stderr, result));
        var text = stdout.ToString();
        Assert.Contains("Measured and predicted differ on 1 of 2 pairs:\n  x/a -> x/b: measured X (Connection timed out), predicted .\n", text, StringComparison.Ordinal);
        Assert.Contains("Nothing listens on TCP/80 in x/a", text, StringComparison.Ordinal);
        Assert.Contains("Not compared: x/b reached itself", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("error: SCTP is not emulated", "--protocol", "sctp")]
    [InlineData("error: unsupported protocol \"icmp\"", "--protocol", "icmp")]
    [InlineData("error: invalid port 0", "--port", "0")]
    public void Bad_input_is_a_clear_error(string expected, params string[] args)
    {
        using var cli = new CliHarness();
        var r = cli.Run(["probe", "-f", CliHarness.Examples, .. args]);
        Assert.Equal(1, r.Code);
        Assert.StartsWith(expected, r.Err, StringComparison.Ordinal);
    }
}

using Podnet.Cli.Printers;
using Xunit;

namespace Podnet.Cli.Tests.Printers;

/// <summary>describe prints unset times as Go prints its zero time.</summary>
public sealed class DescriberTimeTests
{
    [Fact]
    public void UnsetTime_IsGosZeroTime() =>
        Assert.Equal("Mon, 01 Jan 0001 00:00:00 +0000", Describer.Rfc1123Z(null));

    [Fact]
    public void NodeWithConditionsWithoutTimes_Describes()
    {
        // a Node manifest as a generator or a hand-written file gives it: conditions without heartbeat times
        using var cli = new CliHarness();
        Directory.CreateDirectory(cli.Home);
        var file = Path.Combine(cli.Home, "node.yaml");
        File.WriteAllText(file, """
            apiVersion: v1
            kind: Node
            metadata:
              name: node-x
            spec:
              podCIDR: 10.9.0.0/24
            status:
              addresses:
              - type: InternalIP
                address: 172.18.9.2
              conditions:
              - type: Ready
                status: "True"
            """);
        var (code, stdout, stderr) = cli.Run("describe", "node", "node-x", "-f", file);
        Assert.True(code == 0, stderr);
        Assert.Contains("Ready   True    Mon, 01 Jan 0001 00:00:00 +0000   Mon, 01 Jan 0001 00:00:00 +0000", stdout);
    }
}

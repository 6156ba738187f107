using System.Text.Json.Nodes;
using Podnet.Cluster.KubeProxy;
using Podnet.Cluster.KubeProxy.Iptables;
using Xunit;

namespace Podnet.Cluster.Tests.KubeProxy.Iptables;

/// <summary>The upstream iptables-mode vectors, compared after upstream's normalisation.</summary>
public sealed class IptablesConformanceTests
{
    [Theory]
    [InlineData("iptables-01-overall-rules.json")]
    [InlineData("iptables-03-bad-ips.json")]
    public void FullSyncMatchesUpstream(string file)
    {
        var v = ConformanceVectors.Load(file);
        var config = ConformanceVectors.Config(v);
        var state = ConformanceVectors.State(config, v["services"]!.AsArray(), v["endpointSlices"]!.AsArray());
        var result = new IptablesProxier(config).SyncRules(state);
        Assert.True(result.FullSync);
        Assert.Equal(IptablesRulesSorter.Sort((string)v["expected"]!).Trim(), IptablesRulesSorter.Sort(result.RestoreText).Trim());
    }

    [Fact]
    public void NatRuleCountMatchesExpectedText()
    {
        var v = ConformanceVectors.Load("iptables-01-overall-rules.json");
        var config = ConformanceVectors.Config(v);
        var state = ConformanceVectors.State(config, v["services"]!.AsArray(), v["endpointSlices"]!.AsArray());
        var result = new IptablesProxier(config).SyncRules(state);
        var expected = (string)v["expected"]!;
        var nat = expected[expected.IndexOf("*nat", StringComparison.Ordinal)..];
        Assert.Equal(nat.Split('\n').Count(l => l.StartsWith("-A ", StringComparison.Ordinal)), result.NatRules);
    }

    [Fact]
    public void MasqueradeRuleMatchesUpstream()
    {
        var v = ConformanceVectors.Load("iptables-04-masquerade-rule.json");
        foreach (var c in v["cases"]!.AsArray())
        {
            var cfg = v["config"]!.DeepClone().AsObject();
            foreach (var (k, val) in c!["configOverrides"]!.AsObject()) cfg[k] = val?.DeepClone();
            var config = ConformanceVectors.Config(v, cfg);
            var result = new IptablesProxier(config).SyncRules(new ProxyState());
            var lines = result.RestoreText.Split('\n').Where(l => l.StartsWith("-A KUBE-POSTROUTING ", StringComparison.Ordinal));
            Assert.Equal((string)c["expected"]!, string.Concat(lines.Select(l => l + "\n")));
        }
    }

    [Fact]
    public void ProbabilitiesMatchGoFormatting()
    {
        var v = ConformanceVectors.Load("iptables-06-compute-probability.json");
        foreach (var c in v["cases"]!.AsArray())
            Assert.Equal((string)c!["expected"]!, Probability.Compute((int)c["n"]!));
        Assert.Equal("0.3333333333", Probability.Compute(3));
        Assert.Equal("0.1666666667", Probability.Compute(6));
        Assert.Equal("0.1428571429", Probability.Compute(7));
        // 1/2048 = 0.00048828125 exactly: Go rounds the tie to even.
        Assert.Equal("0.0004882812", Probability.Compute(2048));
        string previous = "0";
        for (int n = 100000; n >= 2; n -= 997)
        {
            var p = Probability.For(n);
            Assert.True(string.CompareOrdinal(p, previous) > 0, $"{p} should exceed {previous}");
            previous = p;
        }
    }

    [Fact]
    public void SorterMatchesUpstreamNormaliser()
    {
        var v = ConformanceVectors.Load("iptables-08-sort-normalization.json");
        Assert.Equal(((string)v["expected"]!).Trim(), IptablesRulesSorter.Sort((string)v["input"]!).Trim());
    }
}

using Podnet.Cluster.KubeProxy;
using Podnet.Cluster.KubeProxy.Nftables;
using Xunit;

namespace Podnet.Cluster.Tests.KubeProxy.Nftables;

/// <summary>The upstream nftables-mode vectors, compared after upstream's normalisation.</summary>
public sealed class NftablesConformanceTests
{
    [Theory]
    [InlineData("nftables-01-overall-rules.json")]
    [InlineData("nftables-03-bad-ips.json")]
    public void FullSyncMatchesUpstream(string file)
    {
        var v = ConformanceVectors.Load(file);
        var config = ConformanceVectors.Config(v);
        var state = ConformanceVectors.State(config, v["services"]!.AsArray(), v["endpointSlices"]!.AsArray());
        var result = new NftablesProxier(config).SyncRules(state);
        Assert.True(result.FullSync);
        Assert.Null(result.CleanupTransaction);
        var table = new FakeNftTable();
        table.Apply(result.Transaction);
        Assert.Equal(NftablesTransactionSorter.Sort((string)v["expected"]!), NftablesTransactionSorter.Sort(table.Dump()));
    }

    [Fact]
    public void ChainNameBasesMatchUpstream()
    {
        var v = ConformanceVectors.Load("nftables-04-chain-name-base.json");
        foreach (var c in v["serviceCases"]!.AsArray())
            Assert.Equal((string)c!["expected"]!, ChainNames.NftServiceBase((string)c["namespace"]!, (string)c["name"]!, (string)c["protocol"]!, (string)c["port"]!));
        foreach (var c in v["endpointCases"]!.AsArray())
            Assert.Equal((string)c!["expected"]!, ChainNames.NftEndpointBase((string)c["namespace"]!, (string)c["name"]!, (string)c["protocol"]!, (string)c["port"]!, (string)c["endpoint"]!));
    }

    [Fact]
    public void SorterMatchesUpstreamNormaliser()
    {
        var v = ConformanceVectors.Load("nftables-05-sort-normalization.json");
        Assert.Equal((string)v["expected"]!, NftablesTransactionSorter.Sort((string)v["input"]!));
    }
}

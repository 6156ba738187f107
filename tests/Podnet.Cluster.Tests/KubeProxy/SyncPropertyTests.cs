using FsCheck;
using FsCheck.Fluent;
using Podnet.Cluster.KubeProxy.Iptables;
using Podnet.Cluster.KubeProxy.Nftables;
using Podnet.Cluster.Tests.KubeProxy.Iptables;
using Podnet.Cluster.Tests.KubeProxy.Nftables;
using Xunit;

namespace Podnet.Cluster.Tests.KubeProxy;

/// <summary>
/// Invariant of kube-proxy's partial syncs: applying a full sync for state A and then a partial
/// sync for state B leaves the kernel exactly as a fresh full sync for B does (stale chains gone).
/// </summary>
public sealed class SyncPropertyTests
{
    private static Arbitrary<int> Seeds => Gen.Choose(0, int.MaxValue).ToArbitrary();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IptablesPartialSyncConvergesToFullSync(bool ipv6)
    {
        Prop.ForAll(Seeds, seed =>
        {
            var (before, after) = RandomStates.Pair(seed, ipv6);
            var config = RandomStates.Config(ipv6);
            var proxier = new IptablesProxier(config);
            var kernel = new FakeIptables();
            kernel.Restore(proxier.SyncRules(before).RestoreText);
            var partial = proxier.SyncRules(after);
            kernel.Restore(partial.RestoreText);

            var fresh = new FakeIptables();
            fresh.Restore(new IptablesProxier(config).SyncRules(after).RestoreText);
            return !partial.FullSync && kernel.Dump() == fresh.Dump();
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void IptablesPartialSyncWithSaveListingMatchesBookkeeping()
    {
        Prop.ForAll(Seeds, seed =>
        {
            var (before, after) = RandomStates.Pair(seed);
            var config = RandomStates.Config();
            var a = new IptablesProxier(config);
            var b = new IptablesProxier(config);
            var kernel = new FakeIptables();
            kernel.Restore(a.SyncRules(before).RestoreText);
            b.SyncRules(before);
            var viaSave = a.SyncRules(after, kernel.Chains("nat"));
            var viaBookkeeping = b.SyncRules(after);
            return viaSave.RestoreText == viaBookkeeping.RestoreText;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void ReportedChangesGiveTheSameSyncAsComparingStates()
    {
        Prop.ForAll(Seeds, seed =>
        {
            var (before, after) = RandomStates.Pair(seed);
            var config = RandomStates.Config();
            var changed = after.UpdatedServicesSince(before);
            var a = new IptablesProxier(config);
            var b = new IptablesProxier(config);
            a.SyncRules(before);
            b.SyncRules(before);
            var n1 = new NftablesProxier(config);
            var n2 = new NftablesProxier(config);
            n1.SyncRules(before);
            n2.SyncRules(before);
            return a.SyncRules(after).RestoreText == b.SyncRules(after, null, changed).RestoreText
                && n1.SyncRules(after).Transaction == n2.SyncRules(after, null, null, changed).Transaction;
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NftablesPartialSyncConvergesToFullSync(bool ipv6)
    {
        Prop.ForAll(Seeds, seed =>
        {
            var (before, after) = RandomStates.Pair(seed, ipv6);
            var config = RandomStates.Config(ipv6);
            var proxier = new NftablesProxier(config);
            var kernel = new FakeNftTable();
            kernel.Apply(proxier.SyncRules(before).Transaction);
            var partial = proxier.SyncRules(after);
            kernel.Apply(partial.CleanupTransaction);
            kernel.Apply(partial.Transaction);
            // A later sync deletes the chains that went stale (no clock: at once).
            var later = proxier.SyncRules(after);
            kernel.Apply(later.CleanupTransaction);
            kernel.Apply(later.Transaction);

            var fresh = new FakeNftTable();
            fresh.Apply(new NftablesProxier(config).SyncRules(after).Transaction);
            return !partial.FullSync && later.FlushedStaleChains.Count == 0
                && WithoutElementComments(kernel.Dump()) == WithoutElementComments(fresh.Dump());
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>
    /// Upstream's element storage compares verdicts only, so an element whose Service port was
    /// renamed keeps its old comment until the next full sync; compare without element comments.
    /// </summary>
    private static string WithoutElementComments(string dump) =>
        System.Text.RegularExpressions.Regex.Replace(NftablesTransactionSorter.Sort(dump), " comment \"[^\"]*\" :", " :");

    [Fact]
    public void UnchangedStateRewritesNoServiceChains()
    {
        var (before, _) = RandomStates.Pair(42);
        var config = RandomStates.Config();
        var ipt = new IptablesProxier(config);
        ipt.SyncRules(before);
        var again = ipt.SyncRules(before);
        Assert.False(again.FullSync);
        Assert.Equal(0, again.ServicesRewritten);
        Assert.DoesNotContain("-A KUBE-SEP-", again.RestoreText);

        var nft = new NftablesProxier(config);
        nft.SyncRules(before);
        var nftAgain = nft.SyncRules(before);
        Assert.Equal("", nftAgain.Transaction);
    }
}

using Podnet.Cluster.KubeProxy;
using Podnet.Cluster.KubeProxy.Iptables;
using Podnet.Cluster.KubeProxy.Ipvs;
using Podnet.Cluster.KubeProxy.Nftables;
using Xunit;

namespace Podnet.Cluster.Tests.KubeProxy;

/// <summary>
/// The generated text is accepted by the real tools: <c>iptables-restore</c> / <c>ip6tables-restore</c>
/// and <c>nft</c>, inside a namespace made for the test (root only; skipped with the reason elsewhere).
/// Rules are loaded for real, then a partial sync and the stale-chain cleanup are loaded on top.
/// </summary>
public sealed class RealToolsTests
{
    private static ProxierConfig RealConfig(bool ipv6) => RandomStates.Config(ipv6) with
    {
        // Real kube-proxy's mark text ("%#08x"), the nfacct counters absent (no nfacct objects here).
        MasqueradeMarkOverride = null,
        IptablesHasRandomFully = true,
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IptablesRestoreAcceptsFullAndPartialSyncs(bool ipv6)
    {
        string restore = ipv6 ? "ip6tables-restore" : "iptables-restore";
        string iptables = ipv6 ? "ip6tables" : "iptables";
        using var ns = NetnsScope.TryCreate(out var reason, restore, iptables);
        if (ns is null) { Assert.Skip(reason); return; }

        var proxier = new IptablesProxier(RealConfig(ipv6));
        for (int seed = 1; seed <= 6; seed++)
        {
            var (before, after) = RandomStates.Pair(seed * 7919, ipv6);
            var full = proxier.SyncRules(before);
            var test = ns.Exec(full.RestoreText, restore, "--test", "--noflush", "--counters");
            Assert.True(test.ExitCode == 0, test.Output + "\n" + full.RestoreText);
            foreach (var (table, chain) in full.EnsuredChains)
                ns.Exec(null, iptables, "-w", "-t", table, "-N", chain);
            var load = ns.Exec(full.RestoreText, restore, "--noflush", "--counters");
            Assert.True(load.ExitCode == 0, load.Output);
            foreach (var jump in full.JumpRules)
            {
                if (ns.Exec(null, ["sh", "-c", iptables + " -w " + jump.CheckCommand]).ExitCode != 0)
                {
                    var ins = ns.Exec(null, ["sh", "-c", iptables + " -w " + jump.InsertCommand]);
                    Assert.True(ins.ExitCode == 0, ins.Output + "\n" + jump.InsertCommand);
                }
            }
            var partial = proxier.SyncRules(after, ListChains(ns, iptables));
            var loadPartial = ns.Exec(partial.RestoreText, restore, "--noflush", "--counters");
            Assert.True(loadPartial.ExitCode == 0, loadPartial.Output + "\n" + partial.RestoreText);
            var saved = ns.Exec(null, iptables + "-save", "-t", "nat").Output;
            foreach (var deleted in partial.DeletedChains) Assert.DoesNotContain(":" + deleted + " ", saved);
            Assert.Contains("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES", saved);
            proxier.ForceFullSync();
        }
    }

    private static List<string> ListChains(NetnsScope ns, string iptables)
    {
        var saved = ns.Exec(null, iptables + "-save", "-t", "nat").Output;
        return saved.Split('\n').Where(l => l.StartsWith(':')).Select(l => l[1..l.IndexOf(' ')]).ToList();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NftAcceptsFullAndPartialTransactions(bool ipv6)
    {
        using var ns = NetnsScope.TryCreate(out var reason, "nft");
        if (ns is null) { Assert.Skip(reason); return; }

        var proxier = new NftablesProxier(RealConfig(ipv6));
        for (int seed = 1; seed <= 6; seed++)
        {
            var (before, after) = RandomStates.Pair(seed * 104729, ipv6);
            var full = proxier.SyncRules(before);
            var check = ns.Exec(full.Transaction, "nft", "-c", "-f", "-");
            Assert.True(check.ExitCode == 0, check.Output + "\n" + full.Transaction);
            if (full.CleanupTransaction is not null)
                Assert.Equal(0, ns.Exec(full.CleanupTransaction, "nft", "-f", "-").ExitCode);
            var load = ns.Exec(full.Transaction, "nft", "-f", "-");
            Assert.True(load.ExitCode == 0, load.Output);
            var partial = proxier.SyncRules(after);
            if (partial.CleanupTransaction is not null)
            {
                var c = ns.Exec(partial.CleanupTransaction, "nft", "-f", "-");
                Assert.True(c.ExitCode == 0, c.Output + "\n" + partial.CleanupTransaction);
            }
            var loadPartial = ns.Exec(partial.Transaction, "nft", "-f", "-");
            Assert.True(loadPartial.ExitCode == 0, loadPartial.Output + "\n" + partial.Transaction);
            var later = proxier.SyncRules(after);
            if (later.CleanupTransaction is not null)
            {
                var c = ns.Exec(later.CleanupTransaction, "nft", "-f", "-");
                Assert.True(c.ExitCode == 0, c.Output + "\n" + later.CleanupTransaction);
            }
            var listed = ns.Exec(null, "nft", "list", "table", proxier.Family, "kube-proxy");
            Assert.Contains("chain nat-prerouting", listed.Output);
            proxier.ForceFullSync();
        }
    }

    [Fact]
    public void IpvsModeIpsetsAndIptablesAreAcceptedByRealTools()
    {
        using var ns = NetnsScope.TryCreate(out var reason, "ipset", "iptables-restore");
        if (ns is null) { Assert.Skip(reason); return; }
        // Without source ranges: the KUBE-IPVS-OUT-FILTER rule needs the xt_ipvs module, absent here.
        var (state, _) = RandomStates.Pair(2024);
        var result = new IpvsProxier(RealConfig(false)).SyncRules(state);
        var ipset = ns.Exec(result.IpsetRestoreText(), "ipset", "-exist", "restore");
        Assert.True(ipset.ExitCode == 0, ipset.Output + "\n" + result.IpsetRestoreText());
        var text = string.Join("\n", result.IptablesRestoreText.Split('\n').Where(l => !l.Contains("-m ipvs ", StringComparison.Ordinal)));
        var test = ns.Exec(text, "iptables-restore", "--test", "--noflush", "--counters");
        Assert.True(test.ExitCode == 0, test.Output + "\n" + text);
        var listed = ns.Exec(null, "ipset", "list", "KUBE-CLUSTER-IP");
        foreach (var e in result.IpSets.Single(s => s.Name == "KUBE-CLUSTER-IP").Entries) Assert.Contains(e.ToString(), listed.Output);
    }
}

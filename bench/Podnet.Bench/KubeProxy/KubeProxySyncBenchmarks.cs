using BenchmarkDotNet.Attributes;
using Podnet.Cluster.KubeProxy;
using Podnet.Cluster.KubeProxy.Iptables;
using Podnet.Cluster.KubeProxy.Ipvs;
using Podnet.Cluster.KubeProxy.Nftables;

namespace Podnet.Bench.KubeProxy;

/// <summary>
/// kube-proxy sync cost at 10,000 Services × 10 endpoints (100,000 endpoints): full syncs of each
/// mode, and partial syncs after one endpoint of one Service moved (targets: full ≤ 1 s, partial ≤ 20 ms).
/// </summary>
[MemoryDiagnoser]
public class KubeProxySyncBenchmarks
{
    private ProxierConfig _config = null!;
    private ProxyState _a = null!;
    private ProxyState _b = null!;
    private IptablesProxier _iptablesPartial = null!;
    private NftablesProxier _nftablesPartial = null!;
    private bool _flip;
    private IReadOnlySet<string> _changed = null!;
    private IptablesProxier _iptablesWarm = null!;
    private NftablesProxier _nftablesWarm = null!;

    /// <summary>Number of Services.</summary>
    [Params(10_000)]
    public int Services { get; set; }

    /// <summary>Builds the two states and warms two proxiers for the partial syncs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _config = KubeProxyScale.Config();
        _a = KubeProxyScale.Build(Services, 10);
        _b = KubeProxyScale.Build(Services, 10, variant: 7_000_000);
        _iptablesPartial = new IptablesProxier(_config);
        _iptablesPartial.SyncRules(_a);
        _nftablesPartial = new NftablesProxier(_config);
        _nftablesPartial.SyncRules(_a);
        _changed = _b.UpdatedServicesSince(_a);
        _iptablesWarm = new IptablesProxier(_config);
        _iptablesWarm.SyncRules(_a);
        _nftablesWarm = new NftablesProxier(_config);
        _nftablesWarm.SyncRules(_a);
    }

    /// <summary>A running iptables proxier's forced full sync (chain names already hashed, as upstream's infos carry them).</summary>
    [Benchmark]
    public int IptablesFullResync()
    {
        _iptablesWarm.ForceFullSync();
        return _iptablesWarm.SyncRules(_a).RestoreText.Length;
    }

    /// <summary>A running nftables proxier's forced full sync.</summary>
    [Benchmark]
    public int NftablesFullResync()
    {
        _nftablesWarm.ForceFullSync();
        return _nftablesWarm.SyncRules(_a).Transaction.Length;
    }

    /// <summary>A fresh iptables proxier's first (full) sync: the restore text.</summary>
    [Benchmark]
    public int IptablesFullSync() => new IptablesProxier(_config).SyncRules(_a).RestoreText.Length;

    /// <summary>A fresh nftables proxier's first (full) sync: the transaction.</summary>
    [Benchmark]
    public int NftablesFullSync() => new NftablesProxier(_config).SyncRules(_a).Transaction.Length;

    /// <summary>A fresh IPVS proxier's sync: virtual servers, ipsets and iptables text.</summary>
    [Benchmark]
    public int IpvsFullSync() => new IpvsProxier(_config).SyncRules(_a).VirtualServers.Count;

    /// <summary>iptables partial sync after one endpoint change, the change reported as the change tracker does.</summary>
    [Benchmark]
    public int IptablesPartialSync()
    {
        _flip = !_flip;
        return _iptablesPartial.SyncRules(_flip ? _b : _a, null, _changed).RestoreText.Length;
    }

    /// <summary>nftables partial sync after one endpoint change, the change reported as the change tracker does.</summary>
    [Benchmark]
    public int NftablesPartialSync()
    {
        _flip = !_flip;
        return _nftablesPartial.SyncRules(_flip ? _b : _a, null, null, _changed).Transaction.Length;
    }

    /// <summary>iptables partial sync that finds the change itself by comparing 100,000 endpoints.</summary>
    [Benchmark]
    public int IptablesPartialSyncWithDiff()
    {
        _flip = !_flip;
        return _iptablesPartial.SyncRules(_flip ? _b : _a).RestoreText.Length;
    }
}

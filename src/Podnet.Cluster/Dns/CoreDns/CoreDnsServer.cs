using System.Net;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Dns.Wire;
using Podnet.Kernel.Simulation;

namespace Podnet.Cluster.Dns.CoreDns;

/// <summary>CoreDNS as configured by a Corefile: each server block's plugin chain, executed in CoreDNS's fixed
/// <c>plugin.cfg</c> order (loadbalance, cache, rewrite, hosts, kubernetes, forward) whatever the order in the file.
/// <c>errors</c>, <c>log</c>, <c>health</c>, <c>ready</c>, <c>prometheus</c>, <c>reload</c>, <c>loop</c>,
/// <c>debug</c> and <c>whoami</c> are accepted and do not change answers. A query goes to the block whose zone is
/// the longest suffix of its name (REFUSED when none); no answer from the chain is SERVFAIL.
/// <see cref="Reload"/> swaps in a new Corefile atomically, keeping the old one when the new one does not parse, as
/// the <c>reload</c> plugin does.</summary>
public sealed class CoreDnsServer : IDnsHandler
{
    private readonly Func<DnsClusterView> _view;
    private readonly IDnsForwarder? _forwarder;
    private readonly IClock _clock;
    private readonly IReadOnlyList<IPAddress> _ownAddresses;
    private readonly int _port;
    private volatile Config _config;

    private sealed record Block(IReadOnlyList<string> Zones, IReadOnlyList<ChainPlugin> Chain);

    private sealed record Config(Corefile Corefile, IReadOnlyList<Block> Blocks);

    /// <summary>A CoreDNS instance serving port <paramref name="port"/> of <paramref name="corefile"/>.</summary>
    /// <param name="corefile">The Corefile text (the <c>Corefile</c> key of the <c>coredns</c> ConfigMap).</param>
    /// <param name="view">The informers' current snapshot, asked once per query.</param>
    /// <param name="clock">Simulation clock for <c>cache</c>.</param>
    /// <param name="forwarder">Upstream for <c>forward</c>; null = no upstream reachable (SERVFAIL).</param>
    /// <param name="ownAddresses">This instance's pod IPs (apex NS records).</param>
    /// <param name="port">The port this instance listens on (server blocks for other ports are ignored).</param>
    public CoreDnsServer(string corefile, Func<DnsClusterView> view, IClock clock, IDnsForwarder? forwarder = null,
        IReadOnlyList<IPAddress>? ownAddresses = null, int port = 53)
    {
        _view = view;
        _clock = clock;
        _forwarder = forwarder;
        _ownAddresses = ownAddresses ?? [];
        _port = port;
        _config = Build(Corefile.Parse(corefile));
    }

    /// <summary>The Corefile in force.</summary>
    public Corefile Corefile => _config.Corefile;

    /// <summary>The last reload error (CoreDNS logs it and keeps serving the previous configuration).</summary>
    public string? LastReloadError { get; private set; }

    /// <summary>The kubernetes plugin of the block serving <paramref name="zone"/>, if any.</summary>
    public KubernetesPlugin? KubernetesFor(string zone) =>
        Pick(_config, DnsName.Fqdn(zone))?.Chain.OfType<KubernetesChainPlugin>().FirstOrDefault()?.Plugin;

    /// <summary>Reads the Corefile from the <c>coredns</c> ConfigMap's <c>Corefile</c> key.</summary>
    public static string CorefileFrom(ConfigMap configMap) =>
        configMap.Data.TryGetValue("Corefile", out var text) ? text
            : throw new CorefileException($"ConfigMap {configMap.Namespace}/{configMap.Name} has no 'Corefile' key");

    /// <summary>Applies a changed Corefile. Returns false (and keeps the old configuration) when it does not parse.</summary>
    public bool Reload(string corefile)
    {
        try
        {
            var c = Build(Corefile.Parse(corefile));
            _config = c;
            LastReloadError = null;
            return true;
        }
        catch (CorefileException e)
        {
            LastReloadError = e.Message;
            return false;
        }
    }

    private Config Build(Corefile corefile)
    {
        var blocks = new List<Block>();
        foreach (var sb in corefile.ServerBlocks)
        {
            if (sb.Port != _port) continue;
            var zones = sb.Zones;
            var chain = new List<ChainPlugin>();
            if (sb.Directive("loadbalance") is not null) chain.Add(new LoadBalanceChainPlugin());
            if (sb.Directive("cache") is { } cache) chain.Add(new CacheChainPlugin(cache, zones, _clock));
            var rewrites = sb.Directives.Where(d => d.Name == "rewrite").ToList();
            if (rewrites.Count > 0)
            {
                var rw = new RewriteChainPlugin();
                foreach (var d in rewrites) rw.Add(d);
                chain.Add(rw);
            }
            if (sb.Directive("hosts") is { } hosts) chain.Add(new HostsChainPlugin(hosts, zones));
            if (sb.KubernetesOptions() is { } ko) chain.Add(new KubernetesChainPlugin(new KubernetesPlugin(ko with { OwnAddresses = _ownAddresses })));
            if (sb.Directive("forward") is { } fwd)
            {
                CorefileServerBlock.Need(fwd, 2, int.MaxValue);
                var except = fwd.Block.Where(b => b.Name == "except").SelectMany(b => b.Args).Select(CorefileServerBlock.NormalizeZone).ToList();
                chain.Add(new ForwardChainPlugin(CorefileServerBlock.NormalizeZone(fwd.Args[0]), fwd.Args.Skip(1).ToList(), except, _forwarder));
            }
            blocks.Add(new Block(zones, chain));
        }
        return new Config(corefile, blocks);
    }

    private static Block? Pick(Config c, string qname)
    {
        Block? best = null;
        var bestLen = -1;
        foreach (var b in c.Blocks)
        {
            foreach (var z in b.Zones)
            {
                if (DnsName.IsSubdomainOf(qname, z) && z.Length > bestLen)
                {
                    best = b;
                    bestLen = z.Length;
                }
            }
        }
        return best;
    }

    /// <inheritdoc/>
    public DnsMessage Answer(DnsMessage query) => Run(query, _config, _view(), 0);

    private DnsMessage Run(DnsMessage query, Config config, DnsClusterView view, int depth)
    {
        var block = Pick(config, DnsName.Fqdn(query.Questions[0].Name));
        if (block is null) return DnsMessage.ResponseTo(query, DnsRcode.Refused);
        var ctx = new ChainContext(view, (name, type) =>
        {
            if (depth >= 4) return null;
            var sub = DnsMessage.Query(query.Header.Id, name, type);
            var r = Run(sub, config, view, depth + 1);
            return r.Header.Rcode == DnsRcode.NoError ? r : null;
        });
        DnsMessage? Invoke(int i, DnsMessage q) =>
            i >= block.Chain.Count ? null : block.Chain[i].Serve(q, nq => Invoke(i + 1, nq), ctx);
        return Invoke(0, query) ?? DnsMessage.ResponseTo(query, DnsRcode.ServFail);
    }
}

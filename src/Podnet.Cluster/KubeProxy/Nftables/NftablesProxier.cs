using System.Globalization;
using System.Net;

namespace Podnet.Cluster.KubeProxy.Nftables;

/// <summary>
/// kube-proxy's nftables mode (upstream <c>pkg/proxy/nftables.Proxier.syncProxyRules</c>, as of
/// the <c>filter-*-pre-dnat</c> base chains and the <c>mark-for-masquerade</c> chain): writes the
/// <c>kube-proxy</c> table as one knftables transaction. Dispatch is by verdict maps
/// (<c>service-ips</c>, <c>service-nodeports</c>), endpoint choice by <c>numgen random mod N vmap</c>,
/// affinity by dynamic timeout sets. Partial syncs rewrite only changed services' chains and
/// reconcile map elements; stale chains are flushed and deleted by a later sync.
/// </summary>
public sealed class NftablesProxier
{
    private const string Table = "kube-proxy";
    private const string ServicesChain = "services";
    private const string ServiceIPsMap = "service-ips";
    private const string ServiceNodePortsMap = "service-nodeports";
    private const string NodePortIPsSet = "nodeport-ips";
    private const string ClusterIPsSet = "cluster-ips";
    private const string ServiceEndpointsCheckChain = "service-endpoints-check";
    private const string NodePortEndpointsCheckChain = "nodeport-endpoints-check";
    private const string NoEndpointServicesMap = "no-endpoint-services";
    private const string NoEndpointNodePortsMap = "no-endpoint-nodeports";
    private const string RejectChain = "reject-chain";
    private const string ClusterIPsCheckChain = "cluster-ips-check";
    private const string FirewallIPsMap = "firewall-ips";
    private const string FirewallCheckChain = "firewall-check";
    private const string MarkMasqChain = "mark-for-masquerade";
    private const string MasqueradingChain = "masquerading";

    private static readonly (string Name, string Type, string Hook, int Priority)[] BaseChains =
    [
        ("filter-prerouting-pre-dnat", "filter", "prerouting", -110),
        ("filter-output-pre-dnat", "filter", "output", -110),
        ("filter-forward", "filter", "forward", 0),
        ("filter-input", "filter", "input", 0),
        ("filter-output", "filter", "output", 0),
        ("nat-prerouting", "nat", "prerouting", -100),
        ("nat-output", "nat", "output", -100),
        ("nat-postrouting", "nat", "postrouting", 100),
    ];

    private static readonly (string Dst, string Src, string Extra)[] JumpChains =
    [
        (NodePortEndpointsCheckChain, "filter-input", "ct state new "),
        (ServiceEndpointsCheckChain, "filter-input", "ct state new "),
        (ServiceEndpointsCheckChain, "filter-forward", "ct state new "),
        (ServiceEndpointsCheckChain, "filter-output", "ct state new "),
        (FirewallCheckChain, "filter-prerouting-pre-dnat", "ct state new "),
        (FirewallCheckChain, "filter-output-pre-dnat", "ct state new "),
        (ServicesChain, "nat-output", ""),
        (ServicesChain, "nat-prerouting", ""),
        (MasqueradingChain, "nat-postrouting", ""),
        (ClusterIPsCheckChain, "filter-forward", "ct state new "),
        (ClusterIPsCheckChain, "filter-output", "ct state new "),
    ];

    private readonly ProxierConfig _config;
    private readonly NodePortAddresses _nodePortAddresses;
    private readonly string _family;
    private readonly string _ipX;
    private readonly string _addrType;
    private readonly string _noLocalhost;
    private readonly NftTransaction _tx;
    private readonly NftElementStorage _clusterIPs = new("set", ClusterIPsSet);
    private readonly NftElementStorage _serviceIPs = new("map", ServiceIPsMap);
    private readonly NftElementStorage _firewallIPs = new("map", FirewallIPsMap);
    private readonly NftElementStorage _noEndpointServices = new("map", NoEndpointServicesMap);
    private readonly NftElementStorage _noEndpointNodePorts = new("map", NoEndpointNodePortsMap);
    private readonly NftElementStorage _serviceNodePorts = new("map", ServiceNodePortsMap);
    private readonly Dictionary<ServicePortName, ServiceNames> _names = new();
    private readonly Dictionary<ServicePortName, ServiceWritten> _written = new();
    private readonly Dictionary<string, TimeSpan?> _staleChains = new(StringComparer.Ordinal);
    private ProxyState? _lastState;
    private bool _needFullSync = true;
    private bool _baseChainsRecreated;

    /// <summary>Creates a proxier for the configured family (table <c>ip kube-proxy</c> or <c>ip6 kube-proxy</c>).</summary>
    public NftablesProxier(ProxierConfig config)
    {
        _config = config;
        _nodePortAddresses = new NodePortAddresses(config.IPFamily, config.NodePortAddresses, config.NodeIP);
        _family = config.IsIPv6 ? "ip6" : "ip";
        _ipX = _family;
        _addrType = config.IsIPv6 ? "ipv6_addr" : "ipv4_addr";
        _noLocalhost = config.IsIPv6 ? "ip6 daddr != ::1" : "ip daddr != 127.0.0.0/8";
        _tx = new NftTransaction(_family, Table);
    }

    /// <summary>The table's family keyword: <c>ip</c> or <c>ip6</c>.</summary>
    public string Family => _family;

    /// <summary>The next sync recreates everything.</summary>
    public void ForceFullSync() => _needFullSync = true;

    /// <summary>Upstream's reaction to a failed transaction: forget the element state and do a full sync next.</summary>
    public void ReportTransactionFailure()
    {
        _needFullSync = true;
        _staleChains.Clear();
        _lastState = null;
        foreach (var s in Storages()) s.Clear();
    }

    private IEnumerable<NftElementStorage> Storages() =>
        [_clusterIPs, _serviceIPs, _firewallIPs, _noEndpointServices, _noEndpointNodePorts, _serviceNodePorts];

    /// <summary>
    /// Computes one sync. <paramref name="existingChains"/> and <paramref name="existingSets"/> are
    /// what <c>nft list chains/sets</c> shows in the table (upstream lists them to find stale
    /// objects); when null the proxier relies on its own record of what it created.
    /// <paramref name="updatedServices"/> (<c>ns/name</c>) is what the change trackers report from
    /// watch events; when null the changed Services are found by comparing with the previous state.
    /// </summary>
    public NftablesSyncResult SyncRules(ProxyState state, IReadOnlyCollection<string>? existingChains = null,
        IReadOnlyCollection<string>? existingSets = null, IReadOnlySet<string>? updatedServices = null)
    {
        var now = _config.Clock?.Now;

        // Delete chains that went stale in an earlier sync (more than a second ago).
        string? cleanup = null;
        if (_staleChains.Count > 0)
        {
            var old = new List<string>();
            foreach (var (chain, when) in _staleChains)
                if (now is null || when is null || now.Value - when.Value > TimeSpan.FromSeconds(1)) old.Add(chain);
            if (old.Count > 0)
            {
                old.Sort(StringComparer.Ordinal);
                var ctx = new NftTransaction(_family, Table);
                foreach (var c in old)
                {
                    ctx.DeleteChain(c);
                    _staleChains.Remove(c);
                }
                cleanup = ctx.ToString();
            }
        }

        bool tryPartialSync = !_needFullSync && _lastState is not null;
        IReadOnlySet<string>? updated = tryPartialSync ? updatedServices ?? state.UpdatedServicesSince(_lastState) : null;
        var tx = _tx;
        tx.Reset();
        if (!tryPartialSync) SetupNftables(tx);

        var staleChains = new List<string>();
        var staleSets = new List<string>();
        var releases = new List<ElementRecord>();
        if (_lastState is not null)
        {
            foreach (var name in _lastState.ServicePorts.Keys)
            {
                if (state.ServicePorts.ContainsKey(name)) continue;
                if (_written.Remove(name, out var gone))
                {
                    staleChains.AddRange(gone.Chains);
                    staleSets.AddRange(gone.AffinitySets);
                    if (tryPartialSync) releases.AddRange(gone.Elements);
                }
                _names.Remove(name);
            }
        }

        int rewritten = 0;
        foreach (var svc in state.OrderedServicePorts)
        {
            bool skip = tryPartialSync && !updated!.Contains(svc.Name.NamespacedName) && _written.ContainsKey(svc.Name);
            if (skip) continue;
            rewritten++;
            _written.TryGetValue(svc.Name, out var old);
            var now2 = WriteService(tx, svc, state, tryPartialSync ? old : null);
            if (old is not null)
            {
                var keepChains = new HashSet<string>(now2.Chains, StringComparer.Ordinal);
                foreach (var c in old.Chains) if (!keepChains.Contains(c)) staleChains.Add(c);
                var keepSets = new HashSet<string>(now2.AffinitySets, StringComparer.Ordinal);
                foreach (var set in old.AffinitySets) if (!keepSets.Contains(set)) staleSets.Add(set);
                if (tryPartialSync)
                {
                    var keepElements = new HashSet<ElementRecord>(now2.Elements);
                    foreach (var e in old.Elements) if (!keepElements.Contains(e)) releases.Add(e);
                }
            }
            foreach (var c in now2.Chains) _staleChains.Remove(c);
            _written[svc.Name] = now2;
        }

        // Stale service chains: flushed now, deleted by a later sync. Stale affinity sets: deleted now.
        List<string> flushed;
        List<string> deadSets;
        if (existingChains is not null || existingSets is not null)
        {
            var activeChains = new HashSet<string>(StringComparer.Ordinal);
            var activeSets = new HashSet<string>(StringComparer.Ordinal);
            foreach (var w in _written.Values)
            {
                foreach (var c in w.Chains) activeChains.Add(c);
                foreach (var set in w.AffinitySets) activeSets.Add(set);
            }
            flushed = [];
            foreach (var chain in existingChains ?? [])
            {
                if (!IsServiceChainName(chain)) continue;
                if (!activeChains.Contains(chain)) flushed.Add(chain);
                else _staleChains.Remove(chain);
            }
            deadSets = (existingSets ?? []).Where(set => set.StartsWith("affinity-", StringComparison.Ordinal) && !activeSets.Contains(set)).ToList();
            if (existingChains is null) flushed.AddRange(staleChains);
            if (existingSets is null) deadSets.AddRange(staleSets);
        }
        else
        {
            flushed = staleChains;
            deadSets = staleSets;
        }
        flushed = flushed.Distinct().ToList();
        flushed.Sort(StringComparer.Ordinal);
        foreach (var chain in flushed)
        {
            tx.FlushChain(chain);
            _staleChains[chain] = now;
        }
        deadSets = deadSets.Distinct().ToList();
        deadSets.Sort(StringComparer.Ordinal);
        foreach (var set in deadSets) tx.Line("delete", "set", set);

        foreach (var e in releases) e.Storage.Release(tx, e.Key);

        _lastState = state;
        _needFullSync = false;
        return new NftablesSyncResult
        {
            CleanupTransaction = cleanup,
            Transaction = tx.ToString(),
            FullSync = !tryPartialSync,
            Operations = tx.Operations,
            FlushedStaleChains = flushed,
            ServicesRewritten = rewritten,
        };
    }

    private void EnsureChain(NftTransaction tx, string chain, HashSet<string> created, bool skipCreation)
    {
        if (!created.Add(chain)) return;
        if (skipCreation) return;
        tx.AddChain(chain);
        tx.FlushChain(chain);
    }

    private void SetupNftables(NftTransaction tx)
    {
        tx.Raw("add table " + _family + " " + Table + " { comment \"rules for kube-proxy\" ; }");
        if (!_baseChainsRecreated)
        {
            // Once per process: recreate base chains so that priority changes apply.
            foreach (var bc in BaseChains)
            {
                tx.AddChain(bc.Name);
                tx.DeleteChain(bc.Name);
            }
            _baseChainsRecreated = true;
        }
        foreach (var bc in BaseChains)
        {
            tx.Line("add", "chain", bc.Name + " { type " + bc.Type + " hook " + bc.Hook + " priority "
                + bc.Priority.ToString(CultureInfo.InvariantCulture) + " ; }");
            tx.FlushChain(bc.Name);
        }
        var created = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (dst, src, extra) in JumpChains)
        {
            EnsureChain(tx, dst, created, false);
            tx.Rule(src, extra + "jump " + dst);
        }
        foreach (var chain in (ReadOnlySpan<string>)[ServicesChain, ClusterIPsCheckChain, MasqueradingChain, MarkMasqChain])
            EnsureChain(tx, chain, created, false);

        string mark = _config.MasqueradeMark;
        tx.Rule(MarkMasqChain, "mark set mark or " + mark);
        tx.Rule(MasqueradingChain, "mark and " + mark + " == 0 return");
        tx.Rule(MasqueradingChain, "mark set mark xor " + mark);
        tx.Rule(MasqueradingChain, "masquerade fully-random");

        tx.Line("add", "set", ClusterIPsSet + " { type " + _addrType + " ; comment \"Active ClusterIPs\" ; }");
        tx.Rule(ClusterIPsCheckChain, _ipX + " daddr @" + ClusterIPsSet + " reject", "Reject traffic to invalid ports of ClusterIPs");
        var cidrs = new List<string>();
        foreach (var c in _config.ServiceCIDRs)
            if (IpParsing.TryParseCidrSloppy(c.Trim(), out var n) && n.BaseAddress.AddressFamily == _config.IPFamily) cidrs.Add(c.Trim());
        if (cidrs.Count > 0)
            tx.Rule(ClusterIPsCheckChain, _ipX + " daddr { " + string.Join(",", cidrs) + " } drop", "Drop traffic to unallocated ClusterIPs");

        tx.Line("add", "set", NodePortIPsSet + " { type " + _addrType + " ; comment \"IPs that accept NodePort traffic\" ; }");
        if (_nodePortAddresses.MatchAll)
        {
            tx.Line("delete", "set", NodePortIPsSet);
        }
        else
        {
            tx.Line("flush", "set", NodePortIPsSet);
            foreach (var ip in _nodePortAddresses.GetNodeIPs(_config.NodeAddresses))
            {
                if (IPAddress.IsLoopback(ip) || ip.AddressFamily != _config.IPFamily) continue;
                tx.AddElement(NodePortIPsSet, ip.ToString(), null, null);
            }
        }

        tx.Line("add", "map", NoEndpointServicesMap + " { type " + _addrType + " . inet_proto . inet_service : verdict ; comment \"vmap to drop or reject packets to services with no endpoints\" ; }");
        tx.Line("add", "map", NoEndpointNodePortsMap + " { type inet_proto . inet_service : verdict ; comment \"vmap to drop or reject packets to service nodeports with no endpoints\" ; }");
        tx.Line("add", "chain", RejectChain + " { comment \"helper for @no-endpoint-services / @no-endpoint-nodeports\" ; }");
        tx.FlushChain(RejectChain);
        tx.Rule(RejectChain, "reject");
        tx.Rule(ServiceEndpointsCheckChain, _ipX + " daddr . meta l4proto . th dport vmap @" + NoEndpointServicesMap);
        tx.Rule(NodePortEndpointsCheckChain, _nodePortAddresses.MatchAll
            ? _noLocalhost + " meta l4proto . th dport vmap @" + NoEndpointNodePortsMap
            : _ipX + " daddr @" + NodePortIPsSet + " meta l4proto . th dport vmap @" + NoEndpointNodePortsMap);

        tx.Line("add", "map", FirewallIPsMap + " { type " + _addrType + " . inet_proto . inet_service : verdict ; comment \"destinations that are subject to LoadBalancerSourceRanges\" ; }");
        EnsureChain(tx, FirewallCheckChain, created, false);
        tx.Rule(FirewallCheckChain, _ipX + " daddr . meta l4proto . th dport vmap @" + FirewallIPsMap);

        tx.Line("add", "map", ServiceIPsMap + " { type " + _addrType + " . inet_proto . inet_service : verdict ; comment \"ClusterIP, ExternalIP and LoadBalancer IP traffic\" ; }");
        tx.Line("add", "map", ServiceNodePortsMap + " { type inet_proto . inet_service : verdict ; comment \"NodePort traffic\" ; }");
        tx.Rule(ServicesChain, _ipX + " daddr . meta l4proto . th dport vmap @" + ServiceIPsMap);
        tx.Rule(ServicesChain, _nodePortAddresses.MatchAll
            ? "fib daddr type local " + _noLocalhost + " meta l4proto . th dport vmap @" + ServiceNodePortsMap
            : _ipX + " daddr @" + NodePortIPsSet + " meta l4proto . th dport vmap @" + ServiceNodePortsMap);

        foreach (var s in Storages()) s.Reset(tx);
    }

    private ServiceWritten WriteService(NftTransaction tx, ServicePortInfo svc, ProxyState state, ServiceWritten? old)
    {
        var names = NamesFor(svc);
        string protocol = svc.Protocol.Lower();
        string spn = svc.NameString;
        string port = svc.Port.ToString(CultureInfo.InvariantCulture);

        var written = new ServiceWritten();
        var cat = EndpointCategorizer.Categorize(state.EndpointsOf(svc.Name), svc);
        bool hasEndpoints = cat.HasAnyEndpoints;
        var createdHere = new HashSet<string>(StringComparer.Ordinal);

        var oldElements = old is null ? null : new HashSet<ElementRecord>(old.Elements);

        void Chain(string chain)
        {
            if (createdHere.Add(chain))
            {
                written.Chains.Add(chain);
                tx.AddChain(chain);
                tx.FlushChain(chain);
            }
        }

        void Element(NftElementStorage storage, string key, string? comment, string? value)
        {
            var record = new ElementRecord(storage, key, comment, value);
            written.Elements.Add(record);
            if (oldElements is null || !oldElements.Contains(record)) storage.Acquire(tx, key, comment, value);
        }

        foreach (var ep in cat.AllReachableEndpoints)
        {
            Chain(names.EndpointChain(ep));
            if (svc.SessionAffinityClientIP) written.AffinitySets.Add(names.AffinitySet(ep));
        }
        string clusterPolicyChain = names.Service;
        bool usesClusterPolicyChain = cat.ClusterEndpoints.Count > 0 && svc.UsesClusterEndpoints;
        if (usesClusterPolicyChain) Chain(clusterPolicyChain);
        string localPolicyChain = names.Local;
        bool usesLocalPolicyChain = cat.LocalEndpoints.Count > 0 && svc.UsesLocalEndpoints;
        if (usesLocalPolicyChain) Chain(localPolicyChain);

        string internalTrafficChain = clusterPolicyChain;
        bool hasInternalEndpoints = hasEndpoints;
        if (svc.InternalPolicyLocal)
        {
            internalTrafficChain = localPolicyChain;
            if (cat.LocalEndpoints.Count == 0) hasInternalEndpoints = false;
        }
        string externalPolicyChain = clusterPolicyChain;
        bool hasExternalEndpoints = hasEndpoints;
        if (svc.ExternalPolicyLocal)
        {
            externalPolicyChain = localPolicyChain;
            if (cat.LocalEndpoints.Count == 0) hasExternalEndpoints = false;
        }
        string externalTrafficChain = names.External;
        bool usesExternalTrafficChain = hasEndpoints && svc.ExternallyAccessible;
        if (usesExternalTrafficChain) Chain(externalTrafficChain);

        string internalVerdict = "", externalVerdict = "";
        if (!hasEndpoints)
        {
            internalVerdict = externalVerdict = "goto " + RejectChain;
        }
        else
        {
            if (!hasInternalEndpoints) internalVerdict = "drop";
            if (!hasExternalEndpoints) externalVerdict = "drop";
        }

        string cip = svc.ClusterIP.ToString();
        Element(_clusterIPs, cip, null, null);
        string cipKey = cip + " . " + protocol + " . " + port;
        if (hasInternalEndpoints) Element(_serviceIPs, cipKey, null, "goto " + internalTrafficChain);
        else Element(_noEndpointServices, cipKey, spn, internalVerdict);

        foreach (var externalIP in svc.ExternalIPs)
        {
            string key = externalIP + " . " + protocol + " . " + port;
            if (hasEndpoints) Element(_serviceIPs, key, null, "goto " + externalTrafficChain);
            if (!hasExternalEndpoints) Element(_noEndpointServices, key, spn, externalVerdict);
        }

        bool usesFwChain = svc.LoadBalancerVIPs.Count > 0 && svc.LoadBalancerSourceRanges.Count > 0;
        string fwChain = names.Firewall;
        if (usesFwChain) Chain(fwChain);

        foreach (var lbip in svc.LoadBalancerVIPs)
        {
            string key = lbip + " . " + protocol + " . " + port;
            if (hasEndpoints) Element(_serviceIPs, key, null, "goto " + externalTrafficChain);
            if (usesFwChain) Element(_firewallIPs, key, null, "goto " + fwChain);
        }
        if (!hasExternalEndpoints)
        {
            foreach (var lbip in svc.LoadBalancerVIPs)
                Element(_noEndpointServices, lbip + " . " + protocol + " . " + port, spn, externalVerdict);
        }

        if (svc.NodePort != 0)
        {
            string key = protocol + " . " + svc.NodePort.ToString(CultureInfo.InvariantCulture);
            if (hasEndpoints) Element(_serviceNodePorts, key, null, "goto " + externalTrafficChain);
            if (!hasExternalEndpoints) Element(_noEndpointNodePorts, key, spn, externalVerdict);
        }


        if (hasInternalEndpoints)
        {
            if (_config.MasqueradeAll)
                tx.Rule(internalTrafficChain, _ipX + " daddr " + cip + " jump " + MarkMasqChain);
            else if (_config.LocalDetector.IsImplemented)
                tx.Rule(internalTrafficChain, _ipX + " daddr " + cip + " " + _config.LocalDetector.IfNotLocalNft + " jump " + MarkMasqChain);
        }

        if (usesExternalTrafficChain)
        {
            if (!svc.ExternalPolicyLocal)
            {
                tx.Rule(externalTrafficChain, "jump " + MarkMasqChain);
            }
            else
            {
                if (_config.LocalDetector.IsImplemented)
                    tx.Rule(externalTrafficChain, _config.LocalDetector.IfLocalNft + " goto " + clusterPolicyChain, "short-circuit pod traffic");
                tx.Rule(externalTrafficChain, "fib saddr type local jump " + MarkMasqChain, "masquerade local traffic");
                tx.Rule(externalTrafficChain, "fib saddr type local goto " + clusterPolicyChain, "short-circuit local traffic");
            }
            if (hasExternalEndpoints) tx.Rule(externalTrafficChain, "goto " + externalPolicyChain);
        }

        if (usesFwChain)
        {
            var sources = new List<string>();
            bool allowFromNode = false;
            foreach (var cidr in svc.LoadBalancerSourceRanges)
            {
                sources.Add(cidr.ToString());
                if (_config.NodeIP is not null && cidr.BaseAddress.AddressFamily == _config.NodeIP.AddressFamily && cidr.Contains(_config.NodeIP))
                    allowFromNode = true;
            }
            if (allowFromNode)
                foreach (var lbip in svc.LoadBalancerVIPs) sources.Add(lbip.ToString());
            tx.Rule(fwChain, _ipX + " saddr != { " + string.Join(" , ", sources) + " } drop");
        }

        if (svc.SessionAffinityClientIP)
        {
            foreach (var ep in cat.AllReachableEndpoints)
            {
                tx.Line("add", "set", names.AffinitySet(ep) + " { type " + _addrType + " ; flags dynamic,timeout ; timeout "
                    + svc.StickyMaxAgeSeconds.ToString(CultureInfo.InvariantCulture) + "s ; }");
            }
        }

        if (usesClusterPolicyChain) WriteServiceToEndpointRules(tx, svc, names, clusterPolicyChain, cat.ClusterEndpoints);
        if (usesLocalPolicyChain) WriteServiceToEndpointRules(tx, svc, names, localPolicyChain, cat.LocalEndpoints);

        foreach (var ep in cat.AllReachableEndpoints)
        {
            string endpointChain = names.EndpointChain(ep);
            tx.Rule(endpointChain, _ipX + " saddr " + ep.IPString + " jump " + MarkMasqChain);
            if (svc.SessionAffinityClientIP)
                tx.Rule(endpointChain, "update @" + names.AffinitySet(ep) + " { " + _ipX + " saddr }");
            tx.Rule(endpointChain, "meta l4proto " + protocol + " dnat to " + ep.String);
        }
        return written;
    }

    private void WriteServiceToEndpointRules(NftTransaction tx, ServicePortInfo svc, ServiceNames names, string svcChain, IReadOnlyList<EndpointInfo> endpoints)
    {
        if (svc.SessionAffinityClientIP)
        {
            foreach (var ep in endpoints)
                tx.Rule(svcChain, _ipX + " saddr @" + names.AffinitySet(ep) + " goto " + names.EndpointChain(ep));
        }
        var b = tx.BeginRule(svcChain);
        b.Append("numgen random mod ").Append(endpoints.Count).Append(" vmap {");
        for (int i = 0; i < endpoints.Count; i++)
        {
            b.Append(' ').Append(i).Append(" : goto ").Append(names.EndpointChain(endpoints[i]));
            if (i != endpoints.Count - 1) b.Append(" ,");
        }
        b.Append(" }\n");
    }

    private ServiceNames NamesFor(ServicePortInfo svc)
    {
        if (!_names.TryGetValue(svc.Name, out var n))
        {
            n = new ServiceNames(svc.Name);
            _names[svc.Name] = n;
        }
        return n;
    }

    /// <summary>Upstream <c>isServiceChainName</c>: service and endpoint chains are the ones with a '/'.</summary>
    public static bool IsServiceChainName(string chain) => chain.Contains('/');

    private sealed record ElementRecord(NftElementStorage Storage, string Key, string? Comment, string? Value);

    private sealed class ServiceWritten
    {
        public List<string> Chains { get; } = [];
        public List<string> AffinitySets { get; } = [];
        public List<ElementRecord> Elements { get; } = [];
    }

    private sealed class ServiceNames
    {
        private readonly ServicePortName _name;
        private readonly string _protocol;
        private readonly Dictionary<string, (string Chain, string Affinity)> _endpointNames = new(StringComparer.Ordinal);

        public ServiceNames(ServicePortName name)
        {
            _name = name;
            _protocol = name.Protocol.Lower();
            var b = ChainNames.NftServiceBase(name.Namespace, name.Name, _protocol, name.Port);
            Service = "service-" + b;
            Local = "local-" + b;
            External = "external-" + b;
            Firewall = "firewall-" + b;
        }

        public string Service { get; }
        public string Local { get; }
        public string External { get; }
        public string Firewall { get; }

        private (string Chain, string Affinity) EndpointNames(EndpointInfo ep)
        {
            if (!_endpointNames.TryGetValue(ep.String, out var n))
            {
                var b = ChainNames.NftEndpointBase(_name.Namespace, _name.Name, _protocol, _name.Port, ep.String);
                n = ("endpoint-" + b, "affinity-" + b);
                _endpointNames[ep.String] = n;
            }
            return n;
        }

        public string EndpointChain(EndpointInfo ep) => EndpointNames(ep).Chain;

        public string AffinitySet(EndpointInfo ep) => EndpointNames(ep).Affinity;
    }
}

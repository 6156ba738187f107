using System.Net;
using System.Text;

namespace Podnet.Cluster.KubeProxy.Iptables;

/// <summary>
/// kube-proxy's iptables mode (upstream <c>pkg/proxy/iptables.Proxier.syncProxyRules</c>): turns
/// the service ports and endpoints of one node into the <c>iptables-restore --noflush --counters</c>
/// text upstream writes, rule for rule. Services are written in a deterministic order (by name)
/// where upstream iterates a Go map. Partial syncs rewrite only the chains of Services whose
/// Service or endpoints changed, and flush and delete (<c>-X</c>) service chains no longer used.
/// </summary>
public sealed class IptablesProxier
{
    private const string KubeServices = "KUBE-SERVICES";
    private const string KubeExternalServices = "KUBE-EXTERNAL-SERVICES";
    private const string KubeNodePorts = "KUBE-NODEPORTS";
    private const string KubePostrouting = "KUBE-POSTROUTING";
    private const string KubeMarkMasq = "KUBE-MARK-MASQ";
    private const string KubeForward = "KUBE-FORWARD";
    private const string KubeProxyFirewall = "KUBE-PROXY-FIREWALL";
    private const string KubeletFirewall = "KUBE-FIREWALL";
    private const string KubeProxyCanary = "KUBE-PROXY-CANARY";
    private const string LocalhostNodePortsCounter = "localhost_nps_accepted_pkts";
    private const string CtStateInvalidDroppedCounter = "ct_state_invalid_dropped_pkts";

    private readonly ProxierConfig _config;
    private readonly NodePortAddresses _nodePortAddresses;
    private readonly bool _localhostNodePorts;
    private readonly string _mark;
    private readonly string _markMasked;
    private readonly RuleBuffer _filterChains = new(capacity: 4096);
    private readonly RuleBuffer _filterRules = new(capacity: 1 << 16);
    private readonly RuleBuffer _natChains = new(capacity: 1 << 16);
    private readonly RuleBuffer _natRules = new(capacity: 1 << 20);
    private readonly Dictionary<ServicePortName, ServiceChainNames> _names = new();
    private readonly Dictionary<ServicePortName, List<string>> _chainsByService = new();
    private readonly Dictionary<ServicePortName, TopLevelLines> _topLevel = new();
    private readonly HashSet<string> _pendingStale = new(StringComparer.Ordinal);
    private ProxyState? _lastState;
    private bool _needFullSync = true;
    private TimeSpan? _lastCleanup;

    /// <summary>Creates a proxier; like upstream, localhost NodePorts are forced off when the NodePort addresses exclude 127.0.0.1, and always off for IPv6.</summary>
    public IptablesProxier(ProxierConfig config)
    {
        _config = config;
        _nodePortAddresses = new NodePortAddresses(config.IPFamily, config.NodePortAddresses, config.NodeIP);
        _localhostNodePorts = config.LocalhostNodePorts && !config.IsIPv6 && _nodePortAddresses.ContainsIPv4Loopback;
        _mark = config.MasqueradeMark;
        _markMasked = _mark + "/" + _mark;
    }

    /// <summary>Whether localhost NodePorts are in effect (then <c>net.ipv4.conf.all.route_localnet</c> must be 1).</summary>
    public bool LocalhostNodePorts => _localhostNodePorts;

    /// <summary>The next sync rewrites everything (canary chain vanished, node labels changed, restore failed).</summary>
    public void ForceFullSync() => _needFullSync = true;

    /// <summary>Upstream's reaction to a failed <c>iptables-restore</c>: the next sync is a full one.</summary>
    public void ReportRestoreFailure()
    {
        _needFullSync = true;
        _lastState = null;
    }

    /// <summary>
    /// Computes one sync. <paramref name="existingNatChains"/> is what <c>iptables-save -t nat</c>
    /// lists on the node (upstream reads it to find stale chains); when null the proxier relies on
    /// its own record of the chains it wrote. <paramref name="updatedServices"/> (<c>ns/name</c>)
    /// is what upstream's change trackers report from watch events; when null the proxier finds
    /// the changed Services by comparing <paramref name="state"/> with the previous one.
    /// </summary>
    public IptablesSyncResult SyncRules(ProxyState state, IReadOnlyCollection<string>? existingNatChains = null,
        IReadOnlySet<string>? updatedServices = null)
    {
        bool doFullSync = _needFullSync || _lastState is null;
        IReadOnlySet<string>? updated = doFullSync ? null : updatedServices ?? state.UpdatedServicesSince(_lastState);

        var ensuredChains = new List<(string, string)>();
        var jumpRules = new List<IptablesJumpRule>();
        if (doFullSync) WriteJumpRules(ensuredChains, jumpRules);

        _filterChains.Reset();
        _filterRules.Reset();
        _natChains.Reset();
        _natRules.Reset();

        foreach (var c in (ReadOnlySpan<string>)[KubeServices, KubeExternalServices, KubeForward, KubeNodePorts, KubeProxyFirewall])
            _filterChains.Line(":", c, " - [0:0]");
        foreach (var c in (ReadOnlySpan<string>)[KubeServices, KubeNodePorts, KubePostrouting, KubeMarkMasq])
            _natChains.Line(":", c, " - [0:0]");

        _natRules.Line("-A KUBE-POSTROUTING -m mark ! --mark ", _markMasked, " -j RETURN");
        _natRules.Line("-A KUBE-POSTROUTING -j MARK --xor-mark ", _mark);
        _natRules.Line(_config.IptablesHasRandomFully
            ? "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully"
            : "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE");
        _natRules.Line("-A KUBE-MARK-MASQ -j MARK --or-mark ", _mark);

        bool isIPv6 = _config.IsIPv6;
        if (!isIPv6 && _localhostNodePorts)
        {
            _filterChains.Line(":KUBE-FIREWALL - [0:0]");
            _filterRules.Line("-A KUBE-FIREWALL -m comment --comment \"block incoming localnet connections\" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP");
        }

        bool largeClusterMode = state.TotalEndpoints() > _config.LargeClusterEndpointsThreshold;
        bool trackActive = existingNatChains is not null;
        var activeNatChains = trackActive ? new HashSet<string>(StringComparer.Ordinal) : null;
        var staleFromBookkeeping = new List<string>();
        int rewritten = 0;

        // Services removed since the last sync: their chains become stale.
        if (_lastState is not null)
        {
            foreach (var name in _lastState.ServicePorts.Keys)
            {
                if (state.ServicePorts.ContainsKey(name)) continue;
                if (_chainsByService.Remove(name, out var oldChains)) staleFromBookkeeping.AddRange(oldChains);
                _names.Remove(name);
                _topLevel.Remove(name);
            }
        }

        foreach (var svc in state.OrderedServicePorts)
        {
            bool skip = !doFullSync && !updated!.Contains(svc.Name.NamespacedName);
            if (!skip) rewritten++;
            WriteService(svc, state, skip, largeClusterMode, activeNatChains, staleFromBookkeeping);
        }

        // Delete chains no longer in use (in large clusters at most once per sync period).
        var deleted = new List<string>();
        bool cleanupNow = !largeClusterMode || _lastCleanup is null || _config.Clock is null
            || _config.Clock.Now - _lastCleanup.Value > _config.SyncPeriod;
        if (trackActive)
        {
            _pendingStale.Clear();
            if (cleanupNow)
            {
                var sorted = new List<string>();
                foreach (var chain in existingNatChains!)
                    if (!activeNatChains!.Contains(chain) && IsServiceChainName(chain)) sorted.Add(chain);
                sorted.Sort(StringComparer.Ordinal);
                deleted.AddRange(sorted);
            }
        }
        else
        {
            foreach (var c in staleFromBookkeeping) _pendingStale.Add(c);
            if (cleanupNow)
            {
                deleted.AddRange(_pendingStale);
                deleted.Sort(StringComparer.Ordinal);
                _pendingStale.Clear();
            }
        }
        if (cleanupNow) _lastCleanup = _config.Clock?.Now;
        foreach (var chain in deleted) _natChains.Line(":", chain, " - [0:0]");
        int natRuleCount = _natRules.Lines;
        foreach (var chain in deleted) _natRules.Line("-X ", chain);

        // Finally, tail-call to the nodePorts chain.
        if (_nodePortAddresses.MatchAll)
        {
            var b = _natRules.Begin()!;
            b.Append("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL");
            if (isIPv6) b.Append(" ! -d ::1/128");
            else if (!_localhostNodePorts) b.Append(" ! -d 127.0.0.0/8");
            b.Append(" -j KUBE-NODEPORTS\n");
        }
        else
        {
            foreach (var ip in _nodePortAddresses.GetNodeIPs(_config.NodeAddresses))
            {
                if (ip.AddressFamily != _config.IPFamily) continue;
                if (IPAddress.IsLoopback(ip) && (isIPv6 || !_localhostNodePorts)) continue;
                _natRules.Line("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -d ",
                    ip.ToString(), " -j KUBE-NODEPORTS");
            }
        }
        natRuleCount++;

        if (!_config.ConntrackTcpBeLiberal)
        {
            _filterRules.Line(_config.NfacctCtStateInvalidDropped
                ? "-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name " + CtStateInvalidDroppedCounter + " -j DROP"
                : "-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP");
        }
        _filterRules.Line("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark ", _markMasked, " -j ACCEPT");
        _filterRules.Line("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");

        var text = new StringBuilder(_filterChains.Length + _filterRules.Length + _natChains.Length + _natRules.Length + 32);
        text.Append("*filter\n");
        _filterChains.CopyTo(text);
        _filterRules.CopyTo(text);
        text.Append("COMMIT\n*nat\n");
        _natChains.CopyTo(text);
        _natRules.CopyTo(text);
        text.Append("COMMIT\n");

        _lastState = state;
        _needFullSync = false;
        return new IptablesSyncResult
        {
            RestoreText = text.ToString(),
            FullSync = doFullSync,
            EnsuredChains = ensuredChains,
            JumpRules = jumpRules,
            DeletedChains = deleted,
            FilterRules = _filterRules.Lines,
            NatRules = natRuleCount,
            LargeClusterMode = largeClusterMode,
            ServicesRewritten = rewritten,
        };
    }

    private void WriteService(ServicePortInfo svc, ProxyState state, bool skip, bool largeClusterMode,
        HashSet<string>? activeNatChains, List<string> staleFromBookkeeping)
    {
        if (skip && _topLevel.TryGetValue(svc.Name, out var cached))
        {
            // Unchanged Service and endpoints: its KUBE-SERVICES/KUBE-NODEPORTS/filter lines are the
            // same as last time, and its own chains are left as they are.
            _natRules.Append(cached.Nat, cached.NatLines);
            _filterRules.Append(cached.Filter, cached.FilterLines);
            if (activeNatChains is not null && _chainsByService.TryGetValue(svc.Name, out var keptChains))
                foreach (var c in keptChains) activeNatChains.Add(c);
            return;
        }
        int natStart = _natRules.Length, natLinesStart = _natRules.Lines;
        int filterStart = _filterRules.Length, filterLinesStart = _filterRules.Lines;
        var names = NamesFor(svc);
        string protocol = svc.Protocol.Lower();
        string spn = svc.NameString;
        string clusterIP = svc.ClusterIP.ToString();
        string port = svc.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string matchProto = " -m " + protocol + " -p " + protocol;

        var cat = EndpointCategorizer.Categorize(state.EndpointsOf(svc.Name), svc);
        bool hasEndpoints = cat.HasAnyEndpoints;
        bool usesClusterPolicyChain = cat.ClusterEndpoints.Count > 0 && svc.UsesClusterEndpoints;
        bool usesLocalPolicyChain = cat.LocalEndpoints.Count > 0 && svc.UsesLocalEndpoints;

        string internalTrafficChain = names.Svc;
        bool hasInternalEndpoints = hasEndpoints;
        if (svc.InternalPolicyLocal)
        {
            internalTrafficChain = names.Svl;
            if (cat.LocalEndpoints.Count == 0) hasInternalEndpoints = false;
        }
        string externalPolicyChain = names.Svc;
        bool hasExternalEndpoints = hasEndpoints;
        if (svc.ExternalPolicyLocal)
        {
            externalPolicyChain = names.Svl;
            if (cat.LocalEndpoints.Count == 0) hasExternalEndpoints = false;
        }
        string externalTrafficChain = names.Ext;
        bool usesExternalTrafficChain = hasEndpoints && svc.ExternallyAccessible;
        string loadBalancerTrafficChain = externalTrafficChain;
        bool usesFwChain = hasEndpoints && svc.LoadBalancerVIPs.Count > 0 && svc.LoadBalancerSourceRanges.Count > 0;
        if (usesFwChain) loadBalancerTrafficChain = names.Fw;

        string internalFilterTarget = "", internalFilterComment = "", externalFilterTarget = "", externalFilterComment = "";
        if (!hasEndpoints)
        {
            internalFilterTarget = externalFilterTarget = "REJECT";
            internalFilterComment = externalFilterComment = "\"" + spn + " has no endpoints\"";
        }
        else
        {
            if (!hasInternalEndpoints)
            {
                internalFilterTarget = "DROP";
                internalFilterComment = "\"" + spn + " has no local endpoints\"";
            }
            if (!hasExternalEndpoints)
            {
                externalFilterTarget = "DROP";
                externalFilterComment = "\"" + spn + " has no local endpoints\"";
            }
        }

        // Capture the clusterIP.
        if (hasInternalEndpoints)
        {
            _natRules.Begin()!.Append("-A KUBE-SERVICES -m comment --comment \"").Append(spn).Append(" cluster IP\"").Append(matchProto)
                .Append(" -d ").Append(clusterIP).Append(" --dport ").Append(port).Append(" -j ").Append(internalTrafficChain).Append('\n');
        }
        else
        {
            _filterRules.Begin()!.Append("-A KUBE-SERVICES -m comment --comment ").Append(internalFilterComment).Append(matchProto)
                .Append(" -d ").Append(clusterIP).Append(" --dport ").Append(port).Append(" -j ").Append(internalFilterTarget).Append('\n');
        }

        // Capture externalIPs.
        foreach (var externalIP in svc.ExternalIPs)
        {
            string ip = externalIP.ToString();
            if (hasEndpoints)
            {
                _natRules.Begin()!.Append("-A KUBE-SERVICES -m comment --comment \"").Append(spn).Append(" external IP\"").Append(matchProto)
                    .Append(" -d ").Append(ip).Append(" --dport ").Append(port).Append(" -j ").Append(externalTrafficChain).Append('\n');
            }
            if (!hasExternalEndpoints)
            {
                _filterRules.Begin()!.Append("-A KUBE-EXTERNAL-SERVICES -m comment --comment ").Append(externalFilterComment).Append(matchProto)
                    .Append(" -d ").Append(ip).Append(" --dport ").Append(port).Append(" -j ").Append(externalFilterTarget).Append('\n');
            }
        }

        // Capture load-balancer ingress.
        foreach (var lbip in svc.LoadBalancerVIPs)
        {
            string ip = lbip.ToString();
            if (hasEndpoints)
            {
                _natRules.Begin()!.Append("-A KUBE-SERVICES -m comment --comment \"").Append(spn).Append(" loadbalancer IP\"").Append(matchProto)
                    .Append(" -d ").Append(ip).Append(" --dport ").Append(port).Append(" -j ").Append(loadBalancerTrafficChain).Append('\n');
            }
            if (usesFwChain)
            {
                _filterRules.Begin()!.Append("-A KUBE-PROXY-FIREWALL -m comment --comment \"").Append(spn).Append(" traffic not accepted by ")
                    .Append(names.Fw).Append('"').Append(matchProto).Append(" -d ").Append(ip).Append(" --dport ").Append(port).Append(" -j DROP\n");
            }
        }
        if (!hasExternalEndpoints)
        {
            foreach (var lbip in svc.LoadBalancerVIPs)
            {
                _filterRules.Begin()!.Append("-A KUBE-EXTERNAL-SERVICES -m comment --comment ").Append(externalFilterComment).Append(matchProto)
                    .Append(" -d ").Append(lbip.ToString()).Append(" --dport ").Append(port).Append(" -j ").Append(externalFilterTarget).Append('\n');
            }
        }

        // Capture nodeports.
        if (svc.NodePort != 0)
        {
            string nodePort = svc.NodePort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (hasEndpoints)
            {
                if (_localhostNodePorts && !_config.IsIPv6 && _config.NfacctLocalhostNodePortsAccepted)
                {
                    _natRules.Begin()!.Append("-A KUBE-NODEPORTS -m comment --comment ").Append(spn).Append(matchProto)
                        .Append(" -d 127.0.0.0/8 --dport ").Append(nodePort).Append(" -m nfacct --nfacct-name ").Append(LocalhostNodePortsCounter)
                        .Append(" -j ").Append(externalTrafficChain).Append('\n');
                }
                _natRules.Begin()!.Append("-A KUBE-NODEPORTS -m comment --comment ").Append(spn).Append(matchProto)
                    .Append(" --dport ").Append(nodePort).Append(" -j ").Append(externalTrafficChain).Append('\n');
            }
            if (!hasExternalEndpoints)
            {
                _filterRules.Begin()!.Append("-A KUBE-EXTERNAL-SERVICES -m comment --comment ").Append(externalFilterComment)
                    .Append(" -m addrtype --dst-type LOCAL").Append(matchProto).Append(" --dport ").Append(nodePort)
                    .Append(" -j ").Append(externalFilterTarget).Append('\n');
            }
        }

        // Capture healthCheckNodePorts.
        if (svc.HealthCheckNodePort != 0)
        {
            _filterRules.Begin()!.Append("-A KUBE-NODEPORTS -m comment --comment \"").Append(spn).Append(" health check node port\" -m tcp -p tcp --dport ")
                .Append(svc.HealthCheckNodePort).Append(" -j ACCEPT\n");
        }

        _topLevel[svc.Name] = new TopLevelLines(_natRules.Since(natStart), _natRules.Lines - natLinesStart,
            _filterRules.Since(filterStart), _filterRules.Lines - filterLinesStart);

        // The per-service chains: skipped (discarded) when neither the Service nor its endpoints changed.
        if (skip)
        {
            if (activeNatChains is not null && _chainsByService.TryGetValue(svc.Name, out var kept))
                foreach (var c in kept) activeNatChains.Add(c);
            return;
        }
        var natChains = _natChains;
        var natRules = _natRules;
        var written = new List<string>(4 + cat.AllReachableEndpoints.Count);

        if (hasInternalEndpoints)
        {
            if (_config.MasqueradeAll)
            {
                natRules.Begin()!.Append("-A ").Append(internalTrafficChain).Append(" -m comment --comment \"").Append(spn).Append(" cluster IP\"")
                    .Append(matchProto).Append(" -d ").Append(clusterIP).Append(" --dport ").Append(port).Append(" -j KUBE-MARK-MASQ\n");
            }
            else if (_config.LocalDetector.IsImplemented)
            {
                natRules.Begin()!.Append("-A ").Append(internalTrafficChain).Append(" -m comment --comment \"").Append(spn).Append(" cluster IP\"")
                    .Append(matchProto).Append(" -d ").Append(clusterIP).Append(" --dport ").Append(port).Append(' ')
                    .Append(_config.LocalDetector.IfNotLocal).Append(" -j KUBE-MARK-MASQ\n");
            }
        }

        if (usesExternalTrafficChain)
        {
            natChains.Line(":", externalTrafficChain, " - [0:0]");
            written.Add(externalTrafficChain);
            if (!svc.ExternalPolicyLocal)
            {
                natRules.Begin()!.Append("-A ").Append(externalTrafficChain).Append(" -m comment --comment \"masquerade traffic for ").Append(spn)
                    .Append(" external destinations\" -j KUBE-MARK-MASQ\n");
            }
            else
            {
                if (_config.LocalDetector.IsImplemented)
                {
                    natRules.Begin()!.Append("-A ").Append(externalTrafficChain).Append(" -m comment --comment \"pod traffic for ").Append(spn)
                        .Append(" external destinations\" ").Append(_config.LocalDetector.IfLocal).Append(" -j ").Append(names.Svc).Append('\n');
                }
                natRules.Begin()!.Append("-A ").Append(externalTrafficChain).Append(" -m comment --comment \"masquerade LOCAL traffic for ").Append(spn)
                    .Append(" external destinations\" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ\n");
                natRules.Begin()!.Append("-A ").Append(externalTrafficChain).Append(" -m comment --comment \"route LOCAL traffic for ").Append(spn)
                    .Append(" external destinations\" -m addrtype --src-type LOCAL -j ").Append(names.Svc).Append('\n');
            }
            if (hasExternalEndpoints)
                natRules.Line("-A ", externalTrafficChain, " -j ", externalPolicyChain);
        }

        if (usesFwChain)
        {
            natChains.Line(":", names.Fw, " - [0:0]");
            written.Add(names.Fw);
            string prefix = "-A " + names.Fw + " -m comment --comment \"" + spn + " loadbalancer IP\"";
            bool allowFromNode = false;
            foreach (var cidr in svc.LoadBalancerSourceRanges)
            {
                natRules.Begin()!.Append(prefix).Append(" -s ").Append(cidr.ToString()).Append(" -j ").Append(externalTrafficChain).Append('\n');
                if (_config.NodeIP is not null && cidr.BaseAddress.AddressFamily == _config.NodeIP.AddressFamily && cidr.Contains(_config.NodeIP))
                    allowFromNode = true;
            }
            if (allowFromNode)
            {
                foreach (var lbip in svc.LoadBalancerVIPs)
                    natRules.Begin()!.Append(prefix).Append(" -s ").Append(lbip.ToString()).Append(" -j ").Append(externalTrafficChain).Append('\n');
            }
            natRules.Begin()!.Append("-A ").Append(names.Fw).Append(" -m comment --comment \"other traffic to ").Append(spn)
                .Append(" will be dropped by KUBE-PROXY-FIREWALL\"\n");
        }

        if (usesClusterPolicyChain)
        {
            natChains.Line(":", names.Svc, " - [0:0]");
            written.Add(names.Svc);
            WriteServiceToEndpointRules(svc, names, names.Svc, cat.ClusterEndpoints, largeClusterMode);
        }
        if (usesLocalPolicyChain)
        {
            natChains.Line(":", names.Svl, " - [0:0]");
            written.Add(names.Svl);
            WriteServiceToEndpointRules(svc, names, names.Svl, cat.LocalEndpoints, largeClusterMode);
        }

        foreach (var ep in cat.AllReachableEndpoints)
        {
            string endpointChain = names.EndpointChain(ep);
            natChains.Line(":", endpointChain, " - [0:0]");
            written.Add(endpointChain);
            var b = natRules.Begin()!;
            b.Append("-A ").Append(endpointChain);
            if (!largeClusterMode) b.Append(" -m comment --comment ").Append(spn);
            b.Append(" -s ").Append(ep.IPString).Append(" -j KUBE-MARK-MASQ\n");
            b = natRules.Begin()!;
            b.Append("-A ").Append(endpointChain);
            if (!largeClusterMode) b.Append(" -m comment --comment ").Append(spn);
            if (svc.SessionAffinityClientIP) b.Append(" -m recent --name ").Append(endpointChain).Append(" --set");
            b.Append(matchProto).Append(" -j DNAT --to-destination ").Append(ep.String).Append('\n');
        }

        if (activeNatChains is not null) foreach (var c in written) activeNatChains.Add(c);
        if (_chainsByService.TryGetValue(svc.Name, out var previous))
        {
            if (previous.Count > 0)
            {
                var now = new HashSet<string>(written, StringComparer.Ordinal);
                foreach (var c in previous) if (!now.Contains(c)) staleFromBookkeeping.Add(c);
            }
        }
        foreach (var c in written) _pendingStale.Remove(c);
        _chainsByService[svc.Name] = written;
    }

    private void WriteServiceToEndpointRules(ServicePortInfo svc, ServiceChainNames names, string svcChain,
        IReadOnlyList<EndpointInfo> endpoints, bool largeClusterMode)
    {
        string spn = svc.NameString;
        if (svc.SessionAffinityClientIP)
        {
            foreach (var ep in endpoints)
            {
                string epChain = names.EndpointChain(ep);
                var b = _natRules.Begin()!;
                b.Append("-A ").Append(svcChain);
                if (!largeClusterMode) b.Append(" -m comment --comment \"").Append(spn).Append(" -> ").Append(ep.String).Append('"');
                b.Append(" -m recent --name ").Append(epChain).Append(" --rcheck --seconds ").Append(svc.StickyMaxAgeSeconds)
                    .Append(" --reap -j ").Append(epChain).Append('\n');
            }
        }
        int n = endpoints.Count;
        for (int i = 0; i < n; i++)
        {
            var ep = endpoints[i];
            var b = _natRules.Begin()!;
            b.Append("-A ").Append(svcChain);
            if (!largeClusterMode) b.Append(" -m comment --comment \"").Append(spn).Append(" -> ").Append(ep.String).Append('"');
            if (i < n - 1) b.Append(" -m statistic --mode random --probability ").Append(Probability.For(n - i));
            b.Append(" -j ").Append(names.EndpointChain(ep)).Append('\n');
        }
    }

    private ServiceChainNames NamesFor(ServicePortInfo svc)
    {
        if (!_names.TryGetValue(svc.Name, out var n))
        {
            n = new ServiceChainNames(svc.NameString, svc.Protocol.Lower());
            _names[svc.Name] = n;
        }
        return n;
    }

    private void WriteJumpRules(List<(string, string)> chains, List<IptablesJumpRule> rules)
    {
        const string ctNew = "-m conntrack --ctstate NEW ";
        void Jump(string table, string dst, string src, string comment, string extra)
        {
            if (!chains.Contains((table, dst))) chains.Add((table, dst));
            var spec = extra + (comment.Length > 0 ? "-m comment --comment \"" + comment + "\" " : "") + "-j " + dst;
            rules.Add(new IptablesJumpRule(table, src, dst, spec));
        }
        Jump("filter", KubeExternalServices, "INPUT", "kubernetes externally-visible service portals", ctNew);
        Jump("filter", KubeExternalServices, "FORWARD", "kubernetes externally-visible service portals", ctNew);
        Jump("filter", KubeNodePorts, "INPUT", "kubernetes health check service ports", "");
        Jump("filter", KubeServices, "FORWARD", "kubernetes service portals", ctNew);
        Jump("filter", KubeServices, "OUTPUT", "kubernetes service portals", ctNew);
        Jump("filter", KubeForward, "FORWARD", "kubernetes forwarding rules", "");
        Jump("filter", KubeProxyFirewall, "INPUT", "kubernetes load balancer firewall", ctNew);
        Jump("filter", KubeProxyFirewall, "OUTPUT", "kubernetes load balancer firewall", ctNew);
        Jump("filter", KubeProxyFirewall, "FORWARD", "kubernetes load balancer firewall", ctNew);
        Jump("nat", KubeServices, "OUTPUT", "kubernetes service portals", "");
        Jump("nat", KubeServices, "PREROUTING", "kubernetes service portals", "");
        Jump("nat", KubePostrouting, "POSTROUTING", "kubernetes postrouting rules", "");
        Jump("filter", KubeletFirewall, "INPUT", "", "");
        Jump("filter", KubeletFirewall, "OUTPUT", "", "");
        foreach (var table in (ReadOnlySpan<string>)["mangle", "nat", "filter"])
            chains.Add((table, KubeProxyCanary));
    }

    /// <summary>Upstream <c>isServiceChainName</c>: KUBE-SVC-, KUBE-SVL-, KUBE-SEP-, KUBE-FW-, KUBE-EXT-.</summary>
    public static bool IsServiceChainName(string chain) =>
        chain.StartsWith("KUBE-SVC-", StringComparison.Ordinal) || chain.StartsWith("KUBE-SVL-", StringComparison.Ordinal)
        || chain.StartsWith("KUBE-SEP-", StringComparison.Ordinal) || chain.StartsWith("KUBE-FW-", StringComparison.Ordinal)
        || chain.StartsWith("KUBE-EXT-", StringComparison.Ordinal);

    /// <summary>A service port's lines in the shared chains (KUBE-SERVICES, KUBE-NODEPORTS, filter), kept for partial syncs.</summary>
    private sealed record TopLevelLines(string Nat, int NatLines, string Filter, int FilterLines);

    /// <summary>The chain names of one service port, computed once (upstream stores them in <c>servicePortInfo</c>).</summary>
    private sealed class ServiceChainNames
    {
        private readonly string _spn;
        private readonly string _protocol;
        private readonly Dictionary<string, string> _endpointChains = new(StringComparer.Ordinal);

        public ServiceChainNames(string spn, string protocol)
        {
            _spn = spn;
            _protocol = protocol;
            var hash = ChainNames.PortProtoHash(spn, protocol);
            Svc = "KUBE-SVC-" + hash;
            Svl = "KUBE-SVL-" + hash;
            Ext = "KUBE-EXT-" + hash;
            Fw = "KUBE-FW-" + hash;
        }

        public string Svc { get; }
        public string Svl { get; }
        public string Ext { get; }
        public string Fw { get; }

        public string EndpointChain(EndpointInfo ep)
        {
            if (!_endpointChains.TryGetValue(ep.String, out var chain))
            {
                chain = ChainNames.IptablesEndpointChain(_spn, _protocol, ep.String);
                _endpointChains[ep.String] = chain;
            }
            return chain;
        }
    }
}

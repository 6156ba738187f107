using System.Globalization;
using System.Net;
using System.Text;
using Podnet.Cluster.KubeProxy.Iptables;

namespace Podnet.Cluster.KubeProxy.Ipvs;

/// <summary>
/// kube-proxy's IPVS mode (upstream <c>pkg/proxy/ipvs.Proxier.syncProxyRules</c>): one virtual
/// service per cluster IP, external IP, load-balancer IP and (per node IP) NodePort, real servers
/// from the endpoints (weight 1, scheduler <c>rr</c> by default), service IPs bound to the
/// <c>kube-ipvs0</c> dummy interface, the KUBE-* ipsets, and the iptables rules that match them.
/// As upstream: no REJECT for Services without endpoints (the virtual service has no real servers),
/// and Local traffic policy falls back to the cluster endpoints when there is no local one.
/// </summary>
public sealed class IpvsProxier
{
    private const string KubeLoopBackIPSet = "KUBE-LOOP-BACK";
    private const string KubeClusterIPSet = "KUBE-CLUSTER-IP";
    private const string KubeExternalIPSet = "KUBE-EXTERNAL-IP";
    private const string KubeExternalIPLocalSet = "KUBE-EXTERNAL-IP-LOCAL";
    private const string KubeLoadBalancerSet = "KUBE-LOAD-BALANCER";
    private const string KubeLoadBalancerFWSet = "KUBE-LOAD-BALANCER-FW";
    private const string KubeLoadBalancerLocalSet = "KUBE-LOAD-BALANCER-LOCAL";
    private const string KubeLoadBalancerSourceIPSet = "KUBE-LOAD-BALANCER-SOURCE-IP";
    private const string KubeLoadBalancerSourceCIDRSet = "KUBE-LOAD-BALANCER-SOURCE-CIDR";
    private const string KubeNodePortSetTCP = "KUBE-NODE-PORT-TCP";
    private const string KubeNodePortLocalSetTCP = "KUBE-NODE-PORT-LOCAL-TCP";
    private const string KubeNodePortSetUDP = "KUBE-NODE-PORT-UDP";
    private const string KubeNodePortLocalSetUDP = "KUBE-NODE-PORT-LOCAL-UDP";
    private const string KubeNodePortSetSCTP = "KUBE-NODE-PORT-SCTP-HASH";
    private const string KubeNodePortLocalSetSCTP = "KUBE-NODE-PORT-LOCAL-SCTP-HASH";
    private const string KubeHealthCheckNodePortSet = "KUBE-HEALTH-CHECK-NODE-PORT";
    private const string KubeIPVSSet = "KUBE-IPVS-IPS";

    private static readonly (string Name, IpSetType Type, string Comment)[] IpSetInfo =
    [
        (KubeLoopBackIPSet, IpSetType.HashIPPortIP, "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose"),
        (KubeClusterIPSet, IpSetType.HashIPPort, "Kubernetes service cluster ip + port for masquerade purpose"),
        (KubeExternalIPSet, IpSetType.HashIPPort, "Kubernetes service external ip + port for masquerade and filter purpose"),
        (KubeExternalIPLocalSet, IpSetType.HashIPPort, "Kubernetes service external ip + port with externalTrafficPolicy=local"),
        (KubeLoadBalancerSet, IpSetType.HashIPPort, "Kubernetes service lb portal"),
        (KubeLoadBalancerFWSet, IpSetType.HashIPPort, "Kubernetes service load balancer ip + port for load balancer with sourceRange"),
        (KubeLoadBalancerLocalSet, IpSetType.HashIPPort, "Kubernetes service load balancer ip + port with externalTrafficPolicy=local"),
        (KubeLoadBalancerSourceIPSet, IpSetType.HashIPPortIP, "Kubernetes service load balancer ip + port + source IP for packet filter purpose"),
        (KubeLoadBalancerSourceCIDRSet, IpSetType.HashIPPortNet, "Kubernetes service load balancer ip + port + source cidr for packet filter purpose"),
        (KubeNodePortSetTCP, IpSetType.BitmapPort, "Kubernetes nodeport TCP port for masquerade purpose"),
        (KubeNodePortLocalSetTCP, IpSetType.BitmapPort, "Kubernetes nodeport TCP port with externalTrafficPolicy=local"),
        (KubeNodePortSetUDP, IpSetType.BitmapPort, "Kubernetes nodeport UDP port for masquerade purpose"),
        (KubeNodePortLocalSetUDP, IpSetType.BitmapPort, "Kubernetes nodeport UDP port with externalTrafficPolicy=local"),
        (KubeNodePortSetSCTP, IpSetType.HashIPPort, "Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'"),
        (KubeNodePortLocalSetSCTP, IpSetType.HashIPPort, "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'"),
        (KubeHealthCheckNodePortSet, IpSetType.BitmapPort, "Kubernetes health check node port"),
        (KubeIPVSSet, IpSetType.HashIP, "Addresses on the ipvs interface"),
    ];

    private static readonly (string Set, string Table, string From, string To, string MatchType, string Proto)[] IpSetWithIptablesChain =
    [
        (KubeLoopBackIPSet, "nat", "KUBE-POSTROUTING", "MASQUERADE", "dst,dst,src", ""),
        (KubeLoadBalancerSet, "nat", "KUBE-SERVICES", "KUBE-LOAD-BALANCER", "dst,dst", ""),
        (KubeLoadBalancerLocalSet, "nat", "KUBE-LOAD-BALANCER", "RETURN", "dst,dst", ""),
        (KubeNodePortLocalSetTCP, "nat", "KUBE-NODE-PORT", "RETURN", "dst", "tcp"),
        (KubeNodePortSetTCP, "nat", "KUBE-NODE-PORT", "KUBE-MARK-MASQ", "dst", "tcp"),
        (KubeNodePortLocalSetUDP, "nat", "KUBE-NODE-PORT", "RETURN", "dst", "udp"),
        (KubeNodePortSetUDP, "nat", "KUBE-NODE-PORT", "KUBE-MARK-MASQ", "dst", "udp"),
        (KubeNodePortLocalSetSCTP, "nat", "KUBE-NODE-PORT", "RETURN", "dst,dst", "sctp"),
        (KubeNodePortSetSCTP, "nat", "KUBE-NODE-PORT", "KUBE-MARK-MASQ", "dst,dst", "sctp"),
        (KubeLoadBalancerFWSet, "filter", "KUBE-PROXY-FIREWALL", "KUBE-SOURCE-RANGES-FIREWALL", "dst,dst", ""),
        (KubeLoadBalancerSourceCIDRSet, "filter", "KUBE-SOURCE-RANGES-FIREWALL", "RETURN", "dst,dst,src", ""),
        (KubeLoadBalancerSourceIPSet, "filter", "KUBE-SOURCE-RANGES-FIREWALL", "RETURN", "dst,dst,src", ""),
    ];

    private static readonly (string Table, string Chain)[] IptablesChains =
    [
        ("nat", "KUBE-SERVICES"), ("nat", "KUBE-POSTROUTING"), ("nat", "KUBE-NODE-PORT"), ("nat", "KUBE-LOAD-BALANCER"), ("nat", "KUBE-MARK-MASQ"),
        ("filter", "KUBE-FORWARD"), ("filter", "KUBE-NODE-PORT"), ("filter", "KUBE-PROXY-FIREWALL"), ("filter", "KUBE-SOURCE-RANGES-FIREWALL"),
        ("filter", "KUBE-IPVS-FILTER"), ("filter", "KUBE-IPVS-OUT-FILTER"),
    ];

    private static readonly (string Table, string From, string To, string Comment)[] IptablesJumpChain =
    [
        ("nat", "OUTPUT", "KUBE-SERVICES", "kubernetes service portals"),
        ("nat", "PREROUTING", "KUBE-SERVICES", "kubernetes service portals"),
        ("nat", "POSTROUTING", "KUBE-POSTROUTING", "kubernetes postrouting rules"),
        ("filter", "FORWARD", "KUBE-FORWARD", "kubernetes forwarding rules"),
        ("filter", "INPUT", "KUBE-NODE-PORT", "kubernetes health check rules"),
        ("filter", "INPUT", "KUBE-PROXY-FIREWALL", "kube-proxy firewall rules"),
        ("filter", "FORWARD", "KUBE-PROXY-FIREWALL", "kube-proxy firewall rules"),
        ("filter", "INPUT", "KUBE-IPVS-FILTER", "kubernetes ipvs access filter"),
        ("filter", "OUTPUT", "KUBE-IPVS-OUT-FILTER", "kubernetes ipvs access filter"),
    ];

    private readonly ProxierConfig _config;
    private readonly NodePortAddresses _nodePortAddresses;

    /// <summary>Creates a proxier; ipset names get the <c>KUBE-6-</c> prefix for IPv6 as upstream.</summary>
    public IpvsProxier(ProxierConfig config)
    {
        _config = config;
        _nodePortAddresses = new NodePortAddresses(config.IPFamily, config.NodePortAddresses, config.NodeIP);
    }

    /// <summary>Upstream's family-specific set name: <c>KUBE-</c> → <c>KUBE-6-</c> for IPv6, at most 31 characters.</summary>
    public string SetName(string name)
    {
        if (!_config.IsIPv6) return name;
        var n = "KUBE-6-" + name["KUBE-".Length..];
        return n.Length > 31 ? n[..31] : n;
    }

    /// <summary>Computes the desired IPVS, dummy-interface, ipset and iptables state for <paramref name="state"/>.</summary>
    public IpvsSyncResult SyncRules(ProxyState state)
    {
        var sets = new Dictionary<string, SortedDictionary<string, IpSetEntry>>(StringComparer.Ordinal);
        foreach (var info in IpSetInfo) sets[info.Name] = new(StringComparer.Ordinal);
        void Add(string set, IpSetEntry e) => sets[set][e.ToString()] = e;

        string scheduler = string.IsNullOrEmpty(_config.IpvsScheduler) ? "rr" : _config.IpvsScheduler;
        var virtualServers = new List<IpvsVirtualServer>();
        var bindAddrs = new List<IPAddress>();
        var bound = new HashSet<IPAddress>();
        var lbNoNodeAccess = new List<IpSetEntry>();
        var nodeAddressSet = new HashSet<IPAddress>(_config.NodeAddresses);

        var nodeIPs = new List<IPAddress>();
        if (_nodePortAddresses.MatchAll)
        {
            foreach (var ip in _config.NodeAddresses)
                if (ip.AddressFamily == _config.IPFamily && !IPAddress.IsLoopback(ip) && !(ip.IsIPv6LinkLocal) && !nodeIPs.Contains(ip)) nodeIPs.Add(ip);
        }
        else
        {
            foreach (var ip in _nodePortAddresses.GetNodeIPs(_config.NodeAddresses))
                if (ip.AddressFamily == _config.IPFamily && !IPAddress.IsLoopback(ip)) nodeIPs.Add(ip);
        }

        foreach (var svc in state.OrderedServicePorts)
        {
            string protocol = svc.Protocol.Lower();
            var endpoints = state.EndpointsOf(svc.Name);
            var cat = EndpointCategorizer.Categorize(endpoints, svc);

            foreach (var ep in endpoints)
                if (ep.IsLocal) Add(KubeLoopBackIPSet, new IpSetEntry(IpSetType.HashIPPortIP, ep.IPString, ep.Port, protocol, IP2: ep.IPString));

            IpvsVirtualServer Vs(IPAddress address, int port, bool onlyNodeLocal)
            {
                IReadOnlyList<EndpointInfo> eps;
                if (onlyNodeLocal) eps = cat.LocalEndpoints.Count > 0 ? cat.LocalEndpoints : cat.ClusterEndpoints;
                else eps = cat.ClusterEndpoints;
                var rs = new List<IpvsRealServer>(eps.Count);
                foreach (var ep in eps) rs.Add(new IpvsRealServer(ep.IP, ep.Port));
                return new IpvsVirtualServer(address, port, svc.Protocol, scheduler, svc.SessionAffinityClientIP,
                    svc.SessionAffinityClientIP ? svc.StickyMaxAgeSeconds : 0, scheduler == "mh", rs);
            }

            string cip = svc.ClusterIP.ToString();
            Add(KubeClusterIPSet, new IpSetEntry(IpSetType.HashIPPort, cip, svc.Port, protocol));
            virtualServers.Add(Vs(svc.ClusterIP, svc.Port, svc.InternalPolicyLocal));
            if (bound.Add(svc.ClusterIP)) bindAddrs.Add(svc.ClusterIP);

            foreach (var externalIP in svc.ExternalIPs)
            {
                var entry = new IpSetEntry(IpSetType.HashIPPort, externalIP.ToString(), svc.Port, protocol);
                Add(svc.ExternalPolicyLocal ? KubeExternalIPLocalSet : KubeExternalIPSet, entry);
                virtualServers.Add(Vs(externalIP, svc.Port, svc.ExternalPolicyLocal));
                if (!nodeAddressSet.Contains(externalIP) && bound.Add(externalIP)) bindAddrs.Add(externalIP);
            }

            foreach (var ingress in svc.LoadBalancerVIPs)
            {
                var entry = new IpSetEntry(IpSetType.HashIPPort, ingress.ToString(), svc.Port, protocol);
                Add(KubeLoadBalancerSet, entry);
                if (svc.ExternalPolicyLocal) Add(KubeLoadBalancerLocalSet, entry);
                if (svc.LoadBalancerSourceRanges.Count != 0)
                {
                    Add(KubeLoadBalancerFWSet, entry);
                    bool allowFromNode = false;
                    foreach (var cidr in svc.LoadBalancerSourceRanges)
                    {
                        Add(KubeLoadBalancerSourceCIDRSet, new IpSetEntry(IpSetType.HashIPPortNet, ingress.ToString(), svc.Port, protocol, Net: cidr.ToString()));
                        if (_config.NodeIP is not null && cidr.BaseAddress.AddressFamily == _config.NodeIP.AddressFamily && cidr.Contains(_config.NodeIP))
                            allowFromNode = true;
                    }
                    if (allowFromNode) Add(KubeLoadBalancerSourceIPSet, new IpSetEntry(IpSetType.HashIPPortIP, ingress.ToString(), svc.Port, protocol, IP2: ingress.ToString()));
                    else lbNoNodeAccess.Add(entry);
                }
                virtualServers.Add(Vs(ingress, svc.Port, svc.ExternalPolicyLocal));
                if (!nodeAddressSet.Contains(ingress) && bound.Add(ingress)) bindAddrs.Add(ingress);
            }

            if (svc.NodePort != 0 && nodeIPs.Count > 0)
            {
                string set, localSet;
                var entries = new List<IpSetEntry>();
                switch (svc.Protocol)
                {
                    case L4Protocol.Tcp:
                        set = KubeNodePortSetTCP; localSet = KubeNodePortLocalSetTCP;
                        entries.Add(new IpSetEntry(IpSetType.BitmapPort, null, svc.NodePort, protocol));
                        break;
                    case L4Protocol.Udp:
                        set = KubeNodePortSetUDP; localSet = KubeNodePortLocalSetUDP;
                        entries.Add(new IpSetEntry(IpSetType.BitmapPort, null, svc.NodePort, protocol));
                        break;
                    default:
                        set = KubeNodePortSetSCTP; localSet = KubeNodePortLocalSetSCTP;
                        foreach (var ip in nodeIPs) entries.Add(new IpSetEntry(IpSetType.HashIPPort, ip.ToString(), svc.NodePort, protocol));
                        break;
                }
                foreach (var e in entries) Add(set, e);
                if (svc.ExternalPolicyLocal) foreach (var e in entries) Add(localSet, e);
                foreach (var ip in nodeIPs) virtualServers.Add(Vs(ip, svc.NodePort, svc.ExternalPolicyLocal));
            }

            if (svc.HealthCheckNodePort != 0)
                Add(KubeHealthCheckNodePortSet, new IpSetEntry(IpSetType.BitmapPort, null, svc.HealthCheckNodePort, "tcp"));
        }

        foreach (var a in bindAddrs) Add(KubeIPVSSet, new IpSetEntry(IpSetType.HashIP, a.ToString(), 0, ""));

        var ipsets = new List<IpSetState>();
        foreach (var info in IpSetInfo)
            ipsets.Add(new IpSetState(SetName(info.Name), info.Type, info.Comment, sets[info.Name].Values.ToList()));

        var (text, chains, jumps) = WriteIptablesRules(sets, lbNoNodeAccess);
        return new IpvsSyncResult
        {
            IsIPv6 = _config.IsIPv6,
            VirtualServers = virtualServers,
            DummyAddresses = bindAddrs,
            IpSets = ipsets,
            IptablesRestoreText = text,
            EnsuredChains = chains,
            JumpRules = jumps,
        };
    }

    private (string Text, List<(string, string)> Chains, List<IptablesJumpRule> Jumps) WriteIptablesRules(
        Dictionary<string, SortedDictionary<string, IpSetEntry>> sets, List<IpSetEntry> lbNoNodeAccess)
    {
        var natChains = new StringBuilder("*nat\n");
        var filterChains = new StringBuilder("*filter\n");
        var nat = new StringBuilder();
        var filter = new StringBuilder();
        var ensured = new List<(string, string)>();
        foreach (var (table, chain) in IptablesChains)
        {
            ensured.Add((table, chain));
            (table == "nat" ? natChains : filterChains).Append(':').Append(chain).Append(" - [0:0]\n");
        }
        var jumps = new List<IptablesJumpRule>();
        foreach (var (table, from, to, comment) in IptablesJumpChain)
            jumps.Add(new IptablesJumpRule(table, from, to, "-m comment --comment \"" + comment + "\" -j " + to));

        string Comment(string set) => "\"" + IpSetInfo.First(i => i.Name == set).Comment + "\"";
        bool NonEmpty(string set) => sets[set].Count > 0;

        nat.Append("-A KUBE-SERVICES -s ").Append(_config.IsIPv6 ? "::1/128" : "127.0.0.0/8").Append(" -j RETURN\n");
        foreach (var s in IpSetWithIptablesChain)
        {
            if (!NonEmpty(s.Set)) continue;
            var b = s.Table == "filter" ? filter : nat;
            b.Append("-A ").Append(s.From);
            if (s.Proto.Length > 0) b.Append(" -p ").Append(s.Proto);
            b.Append(" -m comment --comment ").Append(Comment(s.Set)).Append(" -m set --match-set ").Append(SetName(s.Set)).Append(' ')
                .Append(s.MatchType).Append(" -j ").Append(s.To).Append('\n');
        }
        if (NonEmpty(KubeClusterIPSet))
        {
            string args = "-A KUBE-SERVICES -m comment --comment " + Comment(KubeClusterIPSet) + " -m set --match-set " + SetName(KubeClusterIPSet);
            if (_config.MasqueradeAll) nat.Append(args).Append(" dst,dst -j KUBE-MARK-MASQ\n");
            else if (_config.LocalDetector.IsImplemented) nat.Append(args).Append(" dst,dst ").Append(_config.LocalDetector.IfNotLocal).Append(" -j KUBE-MARK-MASQ\n");
            else nat.Append(args).Append(" src,dst -j KUBE-MARK-MASQ\n");
        }
        void ExternalIPRules(string args)
        {
            nat.Append(args).Append(" -m physdev ! --physdev-is-in -m addrtype ! --src-type LOCAL -j ACCEPT\n");
            nat.Append(args).Append(" -m addrtype --dst-type LOCAL -j ACCEPT\n");
        }
        if (NonEmpty(KubeExternalIPSet))
        {
            string args = "-A KUBE-SERVICES -m comment --comment " + Comment(KubeExternalIPSet) + " -m set --match-set " + SetName(KubeExternalIPSet) + " dst,dst";
            nat.Append(args).Append(" -j KUBE-MARK-MASQ\n");
            ExternalIPRules(args);
        }
        if (NonEmpty(KubeExternalIPLocalSet))
            ExternalIPRules("-A KUBE-SERVICES -m comment --comment " + Comment(KubeExternalIPLocalSet) + " -m set --match-set " + SetName(KubeExternalIPLocalSet) + " dst,dst");
        nat.Append("-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT\n");
        nat.Append("-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ\n");
        filter.Append("-A KUBE-SOURCE-RANGES-FIREWALL -j DROP\n");
        foreach (var e in lbNoNodeAccess)
            filter.Append("-A KUBE-IPVS-OUT-FILTER -s ").Append(e.IP).Append(" -m ipvs --vaddr ").Append(e.IP).Append(" --vproto ").Append(e.Protocol)
                .Append(" --vport ").Append(e.Port.ToString(CultureInfo.InvariantCulture)).Append(" -j DROP\n");
        foreach (var set in (ReadOnlySpan<string>)[KubeClusterIPSet, KubeLoadBalancerSet])
            if (NonEmpty(set)) nat.Append("-A KUBE-SERVICES -m set --match-set ").Append(SetName(set)).Append(" dst,dst -j ACCEPT\n");

        string mark = _config.MasqueradeMark;
        filter.Append("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark ").Append(mark).Append('/').Append(mark).Append(" -j ACCEPT\n");
        filter.Append("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n");
        filter.Append("-A KUBE-NODE-PORT -m comment --comment ").Append(Comment(KubeHealthCheckNodePortSet)).Append(" -m set --match-set ")
            .Append(SetName(KubeHealthCheckNodePortSet)).Append(" dst -j ACCEPT\n");
        foreach (var set in (ReadOnlySpan<string>)[KubeLoadBalancerSet, KubeClusterIPSet, KubeExternalIPSet, KubeExternalIPLocalSet])
            filter.Append("-A KUBE-IPVS-FILTER -m set --match-set ").Append(SetName(set)).Append(" dst,dst -j RETURN\n");
        filter.Append("-A KUBE-IPVS-FILTER -m set --match-set ").Append(SetName(KubeHealthCheckNodePortSet)).Append(" dst -j RETURN\n");
        filter.Append("-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set ").Append(SetName(KubeIPVSSet)).Append(" dst -j REJECT\n");

        nat.Append("-A KUBE-POSTROUTING -m mark ! --mark ").Append(mark).Append('/').Append(mark).Append(" -j RETURN\n");
        nat.Append("-A KUBE-POSTROUTING -j MARK --xor-mark ").Append(mark).Append('\n');
        nat.Append("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE")
            .Append(_config.IptablesHasRandomFully ? " --random-fully\n" : "\n");
        nat.Append("-A KUBE-MARK-MASQ -j MARK --or-mark ").Append(mark).Append('\n');
        filter.Append("COMMIT\n");
        nat.Append("COMMIT\n");

        var text = new StringBuilder();
        text.Append(natChains).Append(nat).Append(filterChains).Append(filter);
        return (text.ToString(), ensured, jumps);
    }
}

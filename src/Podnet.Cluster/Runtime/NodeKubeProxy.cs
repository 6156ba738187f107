using System.Net;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Discovery;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Cni;
using Podnet.Cluster.KubeProxy;
using Podnet.Cluster.KubeProxy.Iptables;
using Podnet.Cluster.KubeProxy.Ipvs;
using Podnet.Cluster.KubeProxy.Nftables;
using Podnet.Kernel.Tools;

namespace Podnet.Cluster.Runtime;

/// <summary>
/// kube-proxy on one realized node: the KubeProxy part's proxier for the node's mode, kept for the
/// node's lifetime so later syncs are partial as upstream's are, and its output loaded into the
/// node's kernel the way kube-proxy loads it. iptables mode: <c>iptables -N</c> and <c>-I</c> for
/// the jump rules, then <c>iptables-restore --noflush</c>. nftables mode: the cleanup transaction
/// (stale chains) and the sync transaction through <c>nft -f -</c>. IPVS mode: the
/// <c>kube-ipvs0</c> dummy (created down, as kube-proxy leaves it) holding every service address
/// (<c>ip addr add/del</c>), <c>ipset -exist restore</c>, the chains, <c>iptables-restore
/// --noflush</c>, the jump rules, then the virtual services reconciled with <c>ipvsadm</c>
/// (new services added, gone ones deleted, real servers added, removed ones drained with weight 0
/// first as kube-proxy's graceful termination does; what did not change is left alone so existing
/// IPVS connections stay).
/// </summary>
public sealed class NodeKubeProxy
{
    private readonly NodeHost _node;
    private readonly string _mode;
    private readonly string _clusterCidr;
    private readonly string _serviceCidr;
    private IptablesProxier? _iptables;
    private NftablesProxier? _nftables;
    private IpvsProxier? _ipvs;
    private ProxierConfig? _config;
    private IpvsSyncResult? _lastIpvs;
    private readonly HashSet<string> _dummyAddresses = new(StringComparer.Ordinal);
    private readonly HashSet<string> _graceful = new(StringComparer.Ordinal);

    /// <summary>kube-proxy in <paramref name="mode"/> (<c>iptables</c>, <c>nftables</c>, <c>ipvs</c>) for <paramref name="node"/>.</summary>
    public NodeKubeProxy(NodeHost node, string mode, string clusterCidr, string serviceCidr)
    {
        _node = node;
        _mode = mode;
        _clusterCidr = clusterCidr;
        _serviceCidr = serviceCidr;
    }

    /// <summary>The proxy mode.</summary>
    public string Mode => _mode;

    /// <summary>Number of syncs done.</summary>
    public int Syncs { get; private set; }

    /// <summary>One sync of kube-proxy's rules for <paramref name="objects"/>: full the first time, partial after. Returns an error text, or null.</summary>
    public string? Sync(IReadOnlyList<KubeObject> objects)
    {
        if (_config is null)
        {
            _config = KubeProxyRules.ConfigFor(objects, _node.Name, _node.Ip, _clusterCidr, [_serviceCidr], false, out var err);
            if (_config is null) return err;
        }
        var state = ProxyStateBuilder.Build(_config, objects.OfType<Service>(), objects.OfType<EndpointSlice>());
        Syncs++;
        return _mode switch
        {
            "iptables" => SyncIptables(state),
            "nftables" => SyncNftables(state),
            "ipvs" => SyncIpvs(state),
            _ => $"unknown kube-proxy mode \"{_mode}\"",
        };
    }

    private Kernel.Netfilter.Netfilter Nf => _node.Netfilter;

    private string? SyncIptables(ProxyState state)
    {
        _iptables ??= new IptablesProxier(_config!);
        var r = _iptables.SyncRules(state);
        // The jump rules are inserted once; later full syncs find them in place (upstream checks with -C).
        foreach (var j in FirstSync ? r.JumpRules : [])
        {
            Nf.IptablesCommand("-t", j.Table, "-N", j.DestinationChain);
            var ins = Nf.IptablesCommand([.. CommandLine.Split(j.InsertCommand)]);
            if (ins.ExitCode != 0) return "iptables " + j.InsertCommand + ": " + ins.Stderr;
        }
        var rr = Nf.IptablesRestore(r.RestoreText, noflush: true);
        return rr.ExitCode == 0 ? null : "iptables-restore: " + rr.Stderr;
    }

    private bool FirstSync => Syncs == 1;

    private string? SyncNftables(ProxyState state)
    {
        _nftables ??= new NftablesProxier(_config!);
        var r = _nftables.SyncRules(state);
        if (r.CleanupTransaction is { } cleanup)
        {
            // Upstream ignores a failed cleanup (a chain may still be referenced); the next sync retries.
            Nf.Nft(["-f", "-"], cleanup);
        }
        var t = Nf.Nft(["-f", "-"], r.Transaction);
        if (t.ExitCode == 0) return null;
        _nftables.ReportTransactionFailure();
        return "nft: " + t.Stderr;
    }

    private string? SyncIpvs(ProxyState state)
    {
        _ipvs ??= new IpvsProxier(_config!);
        var r = _ipvs.SyncRules(state);
        var ns = _node.Namespace;
        if (ns.GetDevice(IpvsSyncResult.DummyDevice) is null) Netlink.Do(ns, $"ip link add {IpvsSyncResult.DummyDevice} type dummy");
        var want = r.DummyAddresses.Where(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            .Select(a => a.ToString()).ToHashSet(StringComparer.Ordinal);
        foreach (var a in want.Where(a => !_dummyAddresses.Contains(a)).Order(StringComparer.Ordinal).ToList())
        {
            Netlink.Do(ns, $"ip addr add {a}/32 dev {IpvsSyncResult.DummyDevice}");
            _dummyAddresses.Add(a);
        }
        foreach (var a in _dummyAddresses.Where(a => !want.Contains(a)).Order(StringComparer.Ordinal).ToList())
        {
            Netlink.Do(ns, $"ip addr del {a}/32 dev {IpvsSyncResult.DummyDevice}");
            _dummyAddresses.Remove(a);
        }
        var ipset = Nf.Ipset(["-exist", "restore"], r.IpsetRestoreText());
        if (ipset.ExitCode != 0) return "ipset restore: " + ipset.Stderr;
        foreach (var (table, chain) in r.EnsuredChains) Nf.IptablesCommand("-t", table, "-N", chain);
        var restore = Nf.IptablesRestore(r.IptablesRestoreText, noflush: true, counters: true);
        if (restore.ExitCode != 0) return "iptables-restore: " + restore.Stderr;
        foreach (var j in _lastIpvs is null ? r.JumpRules : [])
        {
            var ins = Nf.IptablesCommand([.. CommandLine.Split(j.InsertCommand)]);
            if (ins.ExitCode != 0) return "iptables " + j.InsertCommand + ": " + ins.Stderr;
        }
        foreach (var cmd in IpvsReconcile(_lastIpvs, r))
        {
            var res = Nf.Ipvsadm(cmd);
            if (res.ExitCode != 0) return "ipvsadm " + string.Join(' ', cmd) + ": " + res.Stderr;
        }
        _lastIpvs = r;
        return null;
    }

    /// <summary>
    /// The ipvsadm commands that turn the kernel's virtual services (last programmed from
    /// <paramref name="before"/>) into <paramref name="after"/>'s, with kube-proxy's graceful
    /// termination (<c>pkg/proxy/ipvs/graceful_termination.go</c>): a TCP real server that goes
    /// away is first set to weight 0 (no new connections, existing ones continue) and deleted by a
    /// later sync once its active and inactive connection counts are 0; one that comes back gets
    /// weight 1 again. UDP/SCTP real servers are deleted at once, as upstream.
    /// </summary>
    private List<string[]> IpvsReconcile(IpvsSyncResult? before, IpvsSyncResult after)
    {
        if (before is null) return [.. after.IpvsadmCommands()];
        static string Vip(IpvsVirtualServer v) => Ep(v.Address, v.Port);
        static string Ep(IPAddress a, int p) => a + ":" + p.ToString(System.Globalization.CultureInfo.InvariantCulture);
        static string Kind(IpvsVirtualServer v) => v.Protocol switch { L4Protocol.Tcp => "-t", L4Protocol.Udp => "-u", _ => "--sctp-service" };
        var old = before.VirtualServers.ToDictionary(v => v.Key, StringComparer.Ordinal);
        var now = after.VirtualServers.ToDictionary(v => v.Key, StringComparer.Ordinal);
        var list = new List<string[]>();
        foreach (var v in before.VirtualServers.Where(v => !now.ContainsKey(v.Key)))
        {
            list.Add(["-D", Kind(v), Vip(v)]);
            _graceful.RemoveWhere(g => g.StartsWith(v.Key + "|", StringComparison.Ordinal));
        }
        foreach (var v in after.VirtualServers)
        {
            string[] Svc(string op)
            {
                var a = new List<string> { op, Kind(v), Vip(v), "-s", v.Scheduler };
                if (v.Persistent) a.AddRange(["-p", v.Timeout.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                return [.. a];
            }
            string[] Rs(string op, IPAddress addr, int port, int weight) => op == "-d"
                ? ["-d", Kind(v), Vip(v), "-r", Ep(addr, port)]
                : [op, Kind(v), Vip(v), "-r", Ep(addr, port), "-m", "-w", weight.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            if (!old.TryGetValue(v.Key, out var o))
            {
                list.Add(Svc("-A"));
                foreach (var rs in v.RealServers) list.Add(Rs("-a", rs.Address, rs.Port, rs.Weight));
                continue;
            }
            if (o.Scheduler != v.Scheduler || o.Persistent != v.Persistent || o.Timeout != v.Timeout) list.Add(Svc("-E"));
            var oldRs = o.RealServers.ToDictionary(x => Ep(x.Address, x.Port), StringComparer.Ordinal);
            var newRs = v.RealServers.ToDictionary(x => Ep(x.Address, x.Port), StringComparer.Ordinal);
            foreach (var rs in o.RealServers.Where(x => !newRs.ContainsKey(Ep(x.Address, x.Port))))
            {
                if (v.Protocol == L4Protocol.Tcp)
                {
                    list.Add(Rs("-e", rs.Address, rs.Port, 0));
                    _graceful.Add(v.Key + "|" + Ep(rs.Address, rs.Port));
                }
                else list.Add(Rs("-d", rs.Address, rs.Port, 0));
            }
            foreach (var rs in v.RealServers)
            {
                var ep = Ep(rs.Address, rs.Port);
                if (_graceful.Remove(v.Key + "|" + ep)) list.Add(Rs("-e", rs.Address, rs.Port, rs.Weight));
                else if (!oldRs.TryGetValue(ep, out var had)) list.Add(Rs("-a", rs.Address, rs.Port, rs.Weight));
                else if (had.Weight != rs.Weight) list.Add(Rs("-e", rs.Address, rs.Port, rs.Weight));
            }
        }
        // Graceful deletions whose connections are all gone (upstream checks once a minute; here at each sync).
        foreach (var g in _graceful.Order(StringComparer.Ordinal).ToList())
        {
            var parts = g.Split('|');
            if (!now.TryGetValue(parts[0], out var v)) continue;
            var ep = parts[1].Split(':');
            var svc = Nf.Ipvs.Find(6, Kernel.Wire.Ipv4Address.Parse(v.Address.ToString()), (ushort)v.Port);
            var server = svc?.RealServers.FirstOrDefault(r => Kernel.Wire.Ipv4Address.Format(r.Address) == ep[0] && r.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) == ep[1]);
            if (server is not null && server.ActiveConnections + server.InactiveConnections > 0) continue;
            if (server is not null) list.Add(["-d", Kind(v), Vip(v), "-r", parts[1]]);
            _graceful.Remove(g);
        }
        return list;
    }
}

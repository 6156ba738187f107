using System.Net;
using Podnet.Cluster.KubeProxy.Iptables;

namespace Podnet.Cluster.KubeProxy.Ipvs;

/// <summary>
/// The desired state one IPVS-mode sync programs on the node: virtual services with real servers,
/// the addresses bound to the <c>kube-ipvs0</c> dummy interface, the ipsets, and the iptables rules
/// IPVS mode still needs (as <c>iptables-restore --noflush --counters</c> text plus jump rules).
/// </summary>
public sealed record IpvsSyncResult
{
    /// <summary>The dummy interface kube-proxy creates: <c>kube-ipvs0</c>.</summary>
    public const string DummyDevice = "kube-ipvs0";

    /// <summary>True for the IPv6 proxier (ipsets of family inet6, named KUBE-6-…).</summary>
    public required bool IsIPv6 { get; init; }

    /// <summary>Virtual services in sync order.</summary>
    public required IReadOnlyList<IpvsVirtualServer> VirtualServers { get; init; }

    /// <summary>Addresses bound to <c>kube-ipvs0</c> (/32 or /128): cluster IPs, and external/LB IPs not already on the node.</summary>
    public required IReadOnlyList<IPAddress> DummyAddresses { get; init; }

    /// <summary>Every kube-proxy ipset with its entries (empty sets included, as upstream ensures them all).</summary>
    public required IReadOnlyList<IpSetState> IpSets { get; init; }

    /// <summary>The iptables restore text (<c>*nat … COMMIT</c> then <c>*filter … COMMIT</c>).</summary>
    public required string IptablesRestoreText { get; init; }

    /// <summary>Chains ensured before the restore: (table, chain).</summary>
    public required IReadOnlyList<(string Table, string Chain)> EnsuredChains { get; init; }

    /// <summary>Jump rules prepended if absent.</summary>
    public required IReadOnlyList<IptablesJumpRule> JumpRules { get; init; }

    /// <summary>The ipsets as input for <c>ipset -exist restore</c> (create if missing, flush, add the entries).</summary>
    public string IpsetRestoreText()
    {
        var sb = new System.Text.StringBuilder();
        foreach (var set in IpSets)
        {
            sb.Append("create ").Append(set.Name).Append(' ').Append(set.TypeName);
            if (set.Type == IpSetType.BitmapPort) sb.Append(" range 0-65535");
            else sb.Append(" family ").Append(IsIPv6 ? "inet6" : "inet")
                .Append(" hashsize 1024 maxelem 65536");
            sb.Append(" comment\n");
            sb.Append("flush ").Append(set.Name).Append('\n');
            foreach (var e in set.Entries) sb.Append("add ").Append(set.Name).Append(' ').Append(e).Append(" comment \"").Append(set.Comment).Append("\"\n");
        }
        return sb.ToString();
    }

    /// <summary>
    /// The virtual services as <c>ipvsadm</c> argument lists (what kube-proxy's netlink calls amount to):
    /// <c>-A -t VIP:PORT -s rr [-p T]</c> then <c>-a -t VIP:PORT -r IP:PORT -m -w 1</c> per real server.
    /// </summary>
    public IReadOnlyList<string[]> IpvsadmCommands()
    {
        var list = new List<string[]>();
        foreach (var vs in VirtualServers)
        {
            string kind = vs.Protocol switch { L4Protocol.Tcp => "-t", L4Protocol.Udp => "-u", _ => "--sctp-service" };
            string vip = Endpoint(vs.Address, vs.Port);
            var add = new List<string> { "-A", kind, vip, "-s", vs.Scheduler };
            if (vs.Persistent) { add.Add("-p"); add.Add(vs.Timeout.ToString(System.Globalization.CultureInfo.InvariantCulture)); }
            list.Add([.. add]);
            foreach (var rs in vs.RealServers)
                list.Add(["-a", kind, vip, "-r", Endpoint(rs.Address, rs.Port), "-m", "-w", rs.Weight.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        return list;
    }

    /// <summary>The virtual services as <c>ipvsadm -Ln</c> shows them.</summary>
    public string IpvsadmListing()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append("IP Virtual Server version 1.2.1 (size=4096)\n");
        sb.Append("Prot LocalAddress:Port Scheduler Flags\n");
        sb.Append("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
        foreach (var vs in VirtualServers.OrderBy(v => v.Protocol).ThenBy(v => v.Address.GetAddressBytes(), ByteComparer.Instance).ThenBy(v => v.Port))
        {
            string proto = vs.Protocol switch { L4Protocol.Tcp => "TCP", L4Protocol.Udp => "UDP", _ => "SCTP" };
            sb.Append(proto).Append("  ").Append(Endpoint(vs.Address, vs.Port).PadRight(25)).Append(' ').Append(vs.Scheduler);
            if (vs.Persistent) sb.Append(" persistent ").Append(vs.Timeout);
            sb.Append('\n');
            foreach (var rs in vs.RealServers)
                sb.Append("  -> ").Append(Endpoint(rs.Address, rs.Port).PadRight(28)).Append(' ').Append("Masq    ").Append(rs.Weight.ToString(System.Globalization.CultureInfo.InvariantCulture).PadRight(6)).Append(' ').Append("0          0\n");
        }
        return sb.ToString();
    }

    private static string Endpoint(IPAddress ip, int port) =>
        (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "[" + ip + "]" : ip.ToString()) + ":" + port;

    private sealed class ByteComparer : IComparer<byte[]>
    {
        public static readonly ByteComparer Instance = new();

        public int Compare(byte[]? x, byte[]? y)
        {
            if (x is null || y is null) return (x is null ? 0 : 1) - (y is null ? 0 : 1);
            for (int i = 0; i < Math.Min(x.Length, y.Length); i++)
                if (x[i] != y[i]) return x[i].CompareTo(y[i]);
            return x.Length.CompareTo(y.Length);
        }
    }
}

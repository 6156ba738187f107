using System.Net.Sockets;
using System.Text;
using Podnet.Cluster.Dns.Wire;

namespace Podnet.Cluster.Dns.CoreDns;

/// <summary>The zone CoreDNS's kubernetes plugin serves, in RFC 1035 master-file form (one record per line,
/// absolute names, explicit TTL and class), with the content CoreDNS's <c>transfer</c> plugin sends on AXFR
/// (reference §1.12): SOA, NS and glue, then per Service sorted by namespace and name: ClusterIP → A/AAAA, a bare
/// SRV per port and a <c>_name._proto</c> SRV per named port; headless → per ready address the service A/AAAA, the
/// endpoint-name A/AAAA, and the SRVs to the endpoint name (weight 100 / addresses of the slice); ExternalName →
/// CNAME; plus the <c>dns-version</c> TXT. The reverse zones (<c>in-addr.arpa.</c>, <c>ip6.arpa.</c>) hold the PTR
/// records of ClusterIPs and ready endpoint addresses as the plugin answers them. Pod records
/// (<c>a-b-c-d.ns.pod.zone</c>) are synthesised per query and cannot be listed.</summary>
public static class ZoneFile
{
    /// <summary>The forward zone's records.</summary>
    public static List<DnsResourceRecord> Records(KubernetesPlugin plugin, DnsClusterView view, string zone)
    {
        zone = DnsName.Fqdn(zone).ToLowerInvariant();
        var ttl = plugin.Options.Ttl;
        var list = new List<DnsResourceRecord> { plugin.Soa(zone, view) };
        var seen = new HashSet<string>();
        void Add(DnsResourceRecord rr)
        {
            if (seen.Add(rr.ToString().ToLowerInvariant())) list.Add(rr);
        }
        var (ns, glue) = plugin.Ns(zone, view);
        ns.ForEach(Add);
        glue.ForEach(Add);
        Add(DnsResourceRecord.In("dns-version." + zone, DnsRecordType.TXT, 28800, TxtRecordData.FromText(KubernetesPlugin.SchemaVersion)));
        foreach (var svc in view.Services)
        {
            if (plugin.Options.Namespaces.Count > 0 && !plugin.Options.Namespaces.Contains(svc.Namespace, StringComparer.OrdinalIgnoreCase)) continue;
            var name = $"{svc.Name}.{svc.Namespace}.svc.{zone}";
            switch (svc.Kind)
            {
                case DnsServiceKind.ExternalName:
                    if (!string.IsNullOrEmpty(svc.ExternalName) && !System.Net.IPAddress.TryParse(svc.ExternalName, out _))
                        Add(DnsResourceRecord.In(name, DnsRecordType.CNAME, ttl, new NameRecordData(DnsName.Fqdn(svc.ExternalName))));
                    break;
                case DnsServiceKind.ClusterIP:
                    foreach (var ip in svc.ClusterIPs) Add(DnsResourceRecord.In(name, TypeOf(ip), ttl, DnsAddress.For(ip)));
                    foreach (var p in svc.Ports.Where(p => p.Port > 0))
                    {
                        Add(DnsResourceRecord.In(name, DnsRecordType.SRV, ttl, new SrvRecordData(0, 100, (ushort)p.Port, name)));
                        if (p.Name.Length > 0)
                            Add(DnsResourceRecord.In($"_{p.Name.ToLowerInvariant()}._{p.Protocol.ToLowerInvariant()}.{name}", DnsRecordType.SRV, ttl,
                                new SrvRecordData(0, 100, (ushort)p.Port, name)));
                    }
                    break;
                case DnsServiceKind.Headless:
                    if (plugin.Options.NoEndpoints) break;
                    foreach (var slice in view.SlicesOf(svc.Namespace, svc.Name))
                    {
                        var ready = slice.Endpoints.Where(DnsClusterView.IsReady).ToList();
                        var count = ready.Sum(e => e.Addresses.Count);
                        var weight = (ushort)Math.Max(1, count == 0 ? 100 : 100 / count);
                        foreach (var ep in ready)
                        {
                            foreach (var a in ep.Addresses)
                            {
                                var epName = $"{plugin.EndpointHostname(ep, a)}.{name}";
                                Add(DnsResourceRecord.In(name, TypeOf(a), ttl, DnsAddress.For(a)));
                                Add(DnsResourceRecord.In(epName, TypeOf(a), ttl, DnsAddress.For(a)));
                                foreach (var p in slice.Ports.Where(p => p.Port > 0))
                                {
                                    Add(DnsResourceRecord.In(name, DnsRecordType.SRV, ttl, new SrvRecordData(0, weight, (ushort)p.Port, epName)));
                                    if (p.Name.Length > 0)
                                        Add(DnsResourceRecord.In($"_{p.Name.ToLowerInvariant()}._{p.Protocol.ToLowerInvariant()}.{name}", DnsRecordType.SRV, ttl,
                                            new SrvRecordData(0, weight, (ushort)p.Port, epName)));
                                }
                            }
                        }
                    }
                    break;
            }
        }
        return list;
    }

    /// <summary>The reverse zone's records (<c>in-addr.arpa.</c> or <c>ip6.arpa.</c>): PTRs for ClusterIPs and
    /// ready endpoint addresses, exactly what the plugin answers for those names.</summary>
    public static List<DnsResourceRecord> ReverseRecords(KubernetesPlugin plugin, DnsClusterView view, string reverseZone)
    {
        reverseZone = DnsName.Fqdn(reverseZone).ToLowerInvariant();
        var v6 = reverseZone.EndsWith("ip6.arpa.", StringComparison.Ordinal);
        var list = new List<DnsResourceRecord> { plugin.Soa(reverseZone, view) };
        // CoreDNS names its NS after the zone it answers for (kube-dns.kube-system.svc.in-addr.arpa.); an A query for
        // that name is NXDOMAIN in the plugin, so no glue is exported for it.
        var (ns, _) = plugin.Ns(reverseZone, view);
        list.AddRange(ns);
        var ips = view.Services.SelectMany(s => s.ClusterIPs)
            .Concat(view.Slices.SelectMany(s => s.Endpoints.Where(DnsClusterView.IsReady).SelectMany(e => e.Addresses)))
            .Where(ip => ip.AddressFamily == (v6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork))
            .Distinct().OrderBy(ip => ip.GetAddressBytes(), Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).ToList();
        foreach (var ip in ips)
        {
            var name = KubernetesPlugin.ReverseName(ip);
            if (!DnsName.IsSubdomainOf(name, reverseZone)) continue;
            var reply = plugin.Answer(DnsMessage.Query(0, name, DnsRecordType.PTR), view);
            if (reply is { Header.Rcode: DnsRcode.NoError }) list.AddRange(reply.Answers);
        }
        return list;
    }

    /// <summary>Master-file text for <paramref name="records"/> (the first must be the SOA).</summary>
    public static string Format(string zone, IEnumerable<DnsResourceRecord> records)
    {
        var sb = new StringBuilder();
        sb.Append("; zone ").Append(DnsName.Fqdn(zone)).Append(" as served by CoreDNS's kubernetes plugin (exported by podnet)\n");
        sb.Append("$ORIGIN ").Append(DnsName.Fqdn(zone)).Append('\n');
        foreach (var rr in records) sb.Append(rr).Append('\n');
        return sb.ToString();
    }

    private static DnsRecordType TypeOf(System.Net.IPAddress ip) =>
        ip.AddressFamily == AddressFamily.InterNetworkV6 ? DnsRecordType.AAAA : DnsRecordType.A;
}

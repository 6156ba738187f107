using System.Net;
using System.Net.Sockets;
using Podnet.Cluster.Dns.Wire;

namespace Podnet.Cluster.Dns.CoreDns;

/// <summary>CoreDNS's <c>kubernetes</c> plugin (plugin/kubernetes + plugin/backend_lookup.go at v1.14.x), as a pure
/// function of a query and a <see cref="DnsClusterView"/>: Service A/AAAA, headless endpoints, endpoint names, SRV with
/// CoreDNS's weights, ExternalName CNAMEs (chased in-zone, or through <c>upstream</c>), PTR from ClusterIPs then endpoint
/// addresses, pod records per <see cref="PodsMode"/>, <c>dns-version</c> TXT, apex SOA/NS and NXDOMAIN versus NODATA
/// exactly as CoreDNS decides them (reference §1.10). Names match case-insensitively and answers echo the query's case.
/// <see cref="Answer"/> returns null when the query is not for this plugin (outside its zones, or NXDOMAIN in a
/// <c>fallthrough</c> zone): the chain's next plugin must answer.</summary>
public sealed class KubernetesPlugin(KubernetesPluginOptions options)
{
    /// <summary>The DNS schema version served at <c>dns-version.&lt;zone&gt;</c>.</summary>
    public const string SchemaVersion = "1.1.0";

    private enum Err { None, NoItems, NsNotExposed, Invalid }

    /// <summary>One backend item (CoreDNS <c>msg.Service</c>): an IP or a host name, a port (-1 = none), the domain
    /// name it lives at, its TTL, or a TXT value.</summary>
    private sealed record Item(string Host, int Port, string Domain, uint Ttl, string? Text = null, IPAddress? Address = null)
    {
        public IPAddress? Ip => Address;
    }

    private sealed record Request(string PodOrSvc, string Namespace, string Service, string Endpoint, string Port, string Protocol);

    /// <summary>The options in force.</summary>
    public KubernetesPluginOptions Options => options;

    /// <summary>Upstream resolution for out-of-zone CNAME targets (the server's own chain, i.e. <c>forward</c>).</summary>
    public delegate DnsMessage? Upstream(string name, DnsRecordType type);

    /// <summary>The zone (as configured) that <paramref name="qname"/> falls in, longest match first; null if none.</summary>
    public string? MatchZone(string qname)
    {
        string? best = null;
        foreach (var z in options.Zones)
        {
            if (DnsName.IsSubdomainOf(qname, z) && (best is null || z.Length > best.Length)) best = z;
        }
        return best;
    }

    /// <summary>Answers <paramref name="query"/>, or null to hand it to the next plugin.</summary>
    public DnsMessage? Answer(DnsMessage query, DnsClusterView view, Upstream? upstream = null)
    {
        var q = query.Questions[0];
        var qname = DnsName.Fqdn(q.Name);
        var configured = MatchZone(qname);
        if (configured is null) return null;
        var zone = qname[^DnsName.Fqdn(configured).Length..]; // the zone spelled as the client spelled it
        if (zone.Length == 0 || zone == ".") zone = DnsName.Fqdn(configured);
        var ctx = new Ctx(this, view, upstream, zone, 0);
        var name = DnsName.ToLowerAscii(qname);
        List<DnsResourceRecord> records = [];
        List<DnsResourceRecord> extra = [];
        var err = Err.None;
        var truncated = false;
        switch (q.Type)
        {
            case DnsRecordType.AXFR or DnsRecordType.IXFR:
                return Reply(query, DnsRcode.Refused);
            case DnsRecordType.A or DnsRecordType.AAAA:
                (records, truncated, err) = ctx.Address(qname, q.Type, []);
                break;
            case DnsRecordType.TXT:
                (records, err) = ctx.Txt(qname);
                break;
            case DnsRecordType.CNAME:
                (records, err) = ctx.Cname(qname);
                break;
            case DnsRecordType.PTR:
                (records, err) = ctx.Ptr(qname);
                break;
            case DnsRecordType.SRV:
                (records, extra, err) = ctx.Srv(qname);
                break;
            case DnsRecordType.MX:
                // MX: the kubernetes backend has no MX data; CoreDNS's plugin.MX finds only CNAME/host items.
                (_, _, err) = ctx.Address(qname, DnsRecordType.A, []);
                break;
            case DnsRecordType.SOA:
                if (name == DnsName.Fqdn(configured).ToLowerInvariant()) records = [ctx.Soa()];
                break;
            case DnsRecordType.NS when name == DnsName.Fqdn(configured).ToLowerInvariant():
                (records, extra) = ctx.Ns(qname);
                break;
            default:
                // A fake A lookup tells NODATA from NXDOMAIN.
                (_, _, err) = ctx.Address(qname, DnsRecordType.A, []);
                break;
        }
        if (err != Err.None)
        {
            if (FallsThrough(qname)) return null;
            return Negative(query, ctx, view.Synced ? DnsRcode.NXDomain : DnsRcode.ServFail);
        }
        if (records.Count == 0) return Negative(query, ctx, DnsRcode.NoError);
        var m = Reply(query, DnsRcode.NoError);
        m.Header = m.Header with { Truncated = truncated };
        m.Answers.AddRange(records);
        m.Additional.InsertRange(0, extra);
        return m;
    }

    private bool FallsThrough(string qname)
    {
        if (options.Fallthrough is not { } zones) return false;
        return zones.Count == 0 || zones.Any(z => DnsName.IsSubdomainOf(qname, z));
    }

    private static DnsMessage Reply(DnsMessage query, DnsRcode rcode) => DnsMessage.ResponseTo(query, rcode, authoritative: true);

    private static DnsMessage Negative(DnsMessage query, Ctx ctx, DnsRcode rcode)
    {
        var m = Reply(query, rcode);
        m.Authority.Add(ctx.Soa());
        return m;
    }

    /// <summary>The SOA the plugin serves for <paramref name="zone"/> (reference §1.9).</summary>
    public DnsResourceRecord Soa(string zone, DnsClusterView view) => new Ctx(this, view, null, DnsName.Fqdn(zone), 0).Soa();

    /// <summary>The apex NS records and their glue.</summary>
    public (List<DnsResourceRecord> Ns, List<DnsResourceRecord> Glue) Ns(string zone, DnsClusterView view) =>
        new Ctx(this, view, null, DnsName.Fqdn(zone), 0).Ns(DnsName.Fqdn(zone));

    /// <summary>Endpoint name (CoreDNS <c>endpointHostname</c>): hostname, else the pod name with
    /// <c>endpoint_pod_names</c> (under 64 characters), else the dashed IP.</summary>
    public string EndpointHostname(DnsEndpoint ep, IPAddress address)
    {
        if (!string.IsNullOrEmpty(ep.Hostname)) return ep.Hostname!;
        if (options.EndpointPodNames && !string.IsNullOrEmpty(ep.TargetRefName) && ep.TargetRefName!.Length < 64) return ep.TargetRefName;
        return DashedIp(address);
    }

    /// <summary><c>172.0.0.2</c> → <c>172-0-0-2</c>; IPv6 colons become dashes and a trailing dash gets a 0.</summary>
    public static string DashedIp(IPAddress ip)
    {
        var s = ip.ToString();
        if (ip.AddressFamily == AddressFamily.InterNetwork) return s.Replace('.', '-');
        s = s.Replace(':', '-');
        return s.EndsWith('-') ? s + "0" : s;
    }

    /// <summary>One lookup's state (CoreDNS <c>request.Request</c> with its zone), recursion depth for CNAME chasing.</summary>
    private sealed class Ctx(KubernetesPlugin k, DnsClusterView view, Upstream? upstream, string zone, int depth)
    {
        private KubernetesPluginOptions O => k.Options;
        private string? _zoneLower;
        private string ZoneLower => _zoneLower ??= DnsName.ToLowerAscii(zone);

        public DnsResourceRecord Soa()
        {
            var ttl = Math.Min(O.Ttl, 300u);
            return DnsResourceRecord.In(zone, DnsRecordType.SOA, ttl,
                new SoaRecordData("ns.dns." + zone, "hostmaster." + zone, view.Modified, 7200, 1800, 86400, O.Ttl));
        }

        // ---- name parsing (plugin/kubernetes/parse.go) ----

        private (Request? Req, Err Err) Parse(string name)
        {
            var lower = DnsName.ToLowerAscii(name);
            var z = ZoneLower;
            var baseName = lower.Length > z.Length ? lower[..(lower.Length - z.Length - 1)] : "";
            if (baseName is "" or "svc" or "pod") return (null, Err.None);
            var segs = DnsName.SplitLabels(baseName);
            var last = segs.Count - 1;
            if (last < 0) return (null, Err.None);
            var podOrSvc = segs[last];
            if (podOrSvc is not ("pod" or "svc")) return (null, Err.Invalid);
            string ns = "", svc = "", ep = "", port = "", proto = "";
            last--;
            if (last >= 0)
            {
                ns = segs[last--];
                if (last >= 0)
                {
                    svc = segs[last--];
                    if (last >= 0)
                    {
                        switch (last)
                        {
                            case 0: ep = segs[0]; break;
                            case 1: proto = StripUnderscore(segs[1]); port = StripUnderscore(segs[0]); break;
                            default: return (null, Err.Invalid);
                        }
                    }
                }
            }
            return (new Request(podOrSvc, ns, svc, ep, port, proto), Err.None);
        }

        private static string StripUnderscore(string s) => s.StartsWith('_') ? s[1..] : s;

        private bool NamespaceExposed(string ns)
        {
            if (O.Namespaces.Count > 0 && !O.Namespaces.Contains(ns, StringComparer.OrdinalIgnoreCase)) return false;
            return view.NamespaceExists(ns);
        }

        // ---- Records / Services (kubernetes.go) ----

        private (List<Item> Items, Err Err) Records(string name, DnsRecordType qtype)
        {
            var (r, e) = Parse(name);
            if (e != Err.None) return ([], e);
            if (r is null) return ([], Err.None);
            if (IsReverse(name)) return ([], Err.NoItems);
            if (!NamespaceExposed(r.Namespace)) return ([], Err.NsNotExposed);
            return r.PodOrSvc == "pod" ? FindPods(r) : FindServices(r);
        }

        private static bool IsReverse(string name) =>
            DnsName.IsSubdomainOf(name, "in-addr.arpa.") || DnsName.IsSubdomainOf(name, "ip6.arpa.");

        private (List<Item>, Err) FindPods(Request r)
        {
            if (O.Pods == PodsMode.Disabled) return ([], Err.NoItems);
            if (!NamespaceExposed(r.Namespace)) return ([], Err.NoItems);
            var podname = r.Service;
            if (podname == "") return ([], Err.None);
            var domain = $"{podname}.{r.Namespace}.pod.{zone}";
            var text = podname.Count(c => c == '-') == 3 && !podname.Contains("--") ? podname.Replace('-', '.') : podname.Replace('-', ':');
            if (!IPAddress.TryParse(text, out var ip) || text.Contains('%')) return ([], Err.NoItems);
            if (O.Pods == PodsMode.Insecure) return ([new Item(text, -1, domain, O.Ttl, null, ip)], Err.None);
            var items = view.PodsByIP(ip).Where(p => p.Namespace.Equals(r.Namespace, StringComparison.OrdinalIgnoreCase))
                .Select(_ => new Item(text, -1, domain, O.Ttl, null, ip)).ToList();
            return items.Count > 0 ? (items, Err.None) : ([], Err.NoItems);
        }

        private static bool MatchPortAndProtocol(string aPort, string bPort, string aProto, string bProto) =>
            (aPort == "" || aPort.Equals(bPort, StringComparison.OrdinalIgnoreCase))
            && (aProto == "" || aProto.Equals(bProto, StringComparison.OrdinalIgnoreCase));

        private (List<Item>, Err) FindServices(Request r)
        {
            if (!NamespaceExposed(r.Namespace)) return ([], Err.NoItems);
            if (r.Service == "") return ([], Err.None);
            var err = Err.NoItems;
            var items = new List<Item>();
            var svc = view.Service(r.Namespace, r.Service);
            if (svc is null) return (items, err);
            var svcDomain = $"{svc.Name}.{svc.Namespace}.svc.{zone}";
            IReadOnlyList<DnsEndpointSlice> Slices() => O.NoEndpoints ? [] : view.SlicesOf(svc.Namespace, svc.Name);
            if (O.IgnoreEmptyService && svc.Kind == DnsServiceKind.ClusterIP)
            {
                var ready = Slices().Sum(s => s.Endpoints.Where(DnsClusterView.IsReady).Sum(e => e.Addresses.Count));
                if (ready == 0) return (items, err);
            }
            if (svc.Kind == DnsServiceKind.ExternalName)
            {
                if (r.Endpoint != "") return (items, err);
                var host = svc.ExternalName ?? "";
                if (host.Length > 0 && !IPAddress.TryParse(host, out _))
                {
                    items.Add(new Item(host, -1, svcDomain, O.Ttl));
                    err = Err.None;
                }
                return (items, err);
            }
            if (svc.Kind == DnsServiceKind.Headless || r.Endpoint != "")
            {
                foreach (var slice in Slices())
                {
                    var ports = slice.Ports.Count > 0 ? slice.Ports : [new DnsPort("", "", -1)];
                    foreach (var ep in slice.Endpoints)
                    {
                        if (!DnsClusterView.IsReady(ep)) continue;
                        foreach (var addr in ep.Addresses)
                        {
                            var host = k.EndpointHostname(ep, addr);
                            if (r.Endpoint != "" && !r.Endpoint.Equals(host, StringComparison.OrdinalIgnoreCase)) continue;
                            foreach (var p in ports)
                            {
                                if (!MatchPortAndProtocol(r.Port, p.Name, r.Protocol, p.Protocol)) continue;
                                items.Add(new Item(addr.ToString(), p.Port, $"{host}.{svcDomain}", O.Ttl, null, addr));
                                err = Err.None;
                            }
                        }
                    }
                }
                return (items, err);
            }
            var svcPorts = svc.Ports.Count > 0 ? svc.Ports : [new DnsPort("", "", -1)];
            foreach (var p in svcPorts)
            {
                if (!MatchPortAndProtocol(r.Port, p.Name, r.Protocol, p.Protocol)) continue;
                err = Err.None;
                foreach (var ip in svc.ClusterIPs) items.Add(new Item(ip.ToString(), p.Port, svcDomain, O.Ttl, null, ip));
            }
            return (items, err);
        }

        private bool IsDefaultNs(string name) =>
            name.StartsWith("ns.dns.", StringComparison.OrdinalIgnoreCase) && DnsName.NameEquals(name[7..], zone);

        private List<(string Name, IPAddress Ip)> NsAddrs()
        {
            var names = new List<(string, IPAddress)>();
            var found = false;
            foreach (var local in O.OwnAddresses)
            {
                foreach (var slice in view.SlicesByIP(local))
                {
                    found = true;
                    var svc = view.Service(slice.Namespace, slice.ServiceName);
                    if (svc is null) continue;
                    var svcName = $"{svc.Name}.{svc.Namespace}.svc.{zone}";
                    if (svc.Kind == DnsServiceKind.Headless)
                    {
                        foreach (var ep in slice.Endpoints.Where(DnsClusterView.IsReady))
                            foreach (var a in ep.Addresses) names.Add(($"{k.EndpointHostname(ep, a)}.{svcName}", a));
                    }
                    else
                    {
                        foreach (var ip in svc.ClusterIPs) names.Add((svcName, ip));
                    }
                }
            }
            if (!found) names.AddRange(O.OwnAddresses.Select(ip => ("ns.dns." + zone, ip)));
            return names;
        }

        private (List<Item>, Err) Services(string name, DnsRecordType qtype)
        {
            if (qtype == DnsRecordType.TXT)
            {
                var lower = DnsName.ToLowerAscii(name);
                var baseName = lower.Length > ZoneLower.Length ? lower[..(lower.Length - ZoneLower.Length - 1)] : "";
                var segs = DnsName.SplitLabels(baseName);
                if (segs.Count == 1 && segs[0] == "dns-version") return ([new Item("", -1, name, 28800, SchemaVersion)], Err.None);
                var (existing, _) = Records(name, qtype);
                return existing.Count > 0 ? ([], Err.None) : ([], Err.NoItems);
            }
            if (qtype == DnsRecordType.NS)
            {
                return (NsAddrs().Select(n => new Item(n.Ip.ToString(), -1, n.Name, O.Ttl, null, n.Ip)).ToList(), Err.None);
            }
            if (IsDefaultNs(name))
            {
                var fam = qtype == DnsRecordType.AAAA ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
                return (NsAddrs().Where(n => n.Ip.AddressFamily == fam && qtype is DnsRecordType.A or DnsRecordType.AAAA)
                    .Select(n => new Item(n.Ip.ToString(), -1, n.Name, O.Ttl, null, n.Ip)).ToList(), Err.None);
            }
            var (s, e) = Records(name, qtype);
            if (qtype != DnsRecordType.SRV) return (s, e);
            return (s.Where(i => i.Ip is not null).ToList(), e);
        }

        private (List<Item>, Err) CheckForApex(string name, DnsRecordType qtype)
        {
            if (!DnsName.NameEquals(name, zone)) return Services(name, qtype);
            var (s, e) = Services("apex.dns." + zone, qtype);
            return e == Err.None ? (s, e) : Services(name, qtype);
        }

        // ---- backend_lookup.go ----

        public (List<DnsResourceRecord>, bool, Err) Address(string qname, DnsRecordType qtype, List<DnsResourceRecord> previous)
        {
            var (items, err) = CheckForApex(qname, qtype);
            if (err != Err.None) return ([], false, err);
            var records = new List<DnsResourceRecord>();
            var dup = new HashSet<string>();
            var truncated = false;
            foreach (var it in items)
            {
                var ip = it.Ip;
                if (ip is null)
                {
                    if (it.Text is not null) continue;
                    var target = DnsName.Fqdn(it.Host);
                    if (DnsName.NameEquals(qname, target)) continue;
                    var cname = DnsResourceRecord.In(qname, DnsRecordType.CNAME, it.Ttl, new NameRecordData(target));
                    if (previous.Count > 7) continue;
                    if (previous.Any(p => p.Type == DnsRecordType.CNAME && DnsName.NameEquals(p.Name, cname.Name)
                        && p.Data is NameRecordData d && DnsName.NameEquals(d.Target, target))) continue;
                    if (DnsName.IsSubdomainOf(target, zone))
                    {
                        if (depth > 8) continue;
                        var sub = new Ctx(k, view, upstream, zone, depth + 1);
                        var (next, _, e2) = sub.Address(target, qtype, [.. previous, cname]);
                        if (e2 == Err.None && next.Count > 0)
                        {
                            records.Add(cname);
                            records.AddRange(next);
                        }
                        continue;
                    }
                    var m1 = upstream?.Invoke(target, qtype);
                    if (m1 is null) continue;
                    truncated |= m1.Header.Truncated;
                    records.Add(cname);
                    records.AddRange(m1.Answers);
                    continue;
                }
                var fam = qtype == DnsRecordType.A ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
                if (ip.AddressFamily == fam && dup.Add(it.Host))
                    records.Add(DnsResourceRecord.In(qname, qtype, it.Ttl, DnsAddress.For(ip)));
            }
            return (records, truncated, Err.None);
        }

        public (List<DnsResourceRecord>, Err) Txt(string qname)
        {
            var (items, err) = Services(qname, DnsRecordType.TXT);
            if (err != Err.None) return ([], err);
            return (items.Where(i => i.Text is not null)
                .Select(i => DnsResourceRecord.In(qname, DnsRecordType.TXT, i.Ttl, TxtRecordData.FromText(i.Text!))).ToList(), Err.None);
        }

        public (List<DnsResourceRecord>, Err) Cname(string qname)
        {
            var (items, err) = Services(qname, DnsRecordType.CNAME);
            if (err != Err.None) return ([], err);
            if (items.Count > 0 && items[0].Ip is null && items[0].Text is null)
                return ([DnsResourceRecord.In(qname, DnsRecordType.CNAME, items[0].Ttl, new NameRecordData(DnsName.Fqdn(items[0].Host)))], Err.None);
            return ([], Err.None);
        }

        public (List<DnsResourceRecord>, List<DnsResourceRecord>, Err) Srv(string qname)
        {
            var (items, err) = Services(qname, DnsRecordType.SRV);
            if (err != Err.None) return ([], [], err);
            var records = new List<DnsResourceRecord>();
            var extra = new List<DnsResourceRecord>();
            var dup = new HashSet<(string, string, int)>();
            // All items have priority 0 and weight 0 (→100): total = 100 × N, weight = floor(100 / total × 100).
            var total = 100 * items.Count;
            foreach (var it in items)
            {
                if (it.Port == -1) continue;
                var weight = (ushort)Math.Max(1, Math.Floor(100.0 / total * 100));
                var ip = it.Ip!;
                var target = it.Domain;
                if (dup.Add((DnsName.ToLowerAscii(target), "", it.Port)))
                    records.Add(DnsResourceRecord.In(qname, DnsRecordType.SRV, it.Ttl, new SrvRecordData(0, weight, (ushort)it.Port, target)));
                if (dup.Add((DnsName.ToLowerAscii(target), it.Host, 0)))
                    extra.Add(DnsResourceRecord.In(target, ip.AddressFamily == AddressFamily.InterNetworkV6 ? DnsRecordType.AAAA : DnsRecordType.A, it.Ttl, DnsAddress.For(ip)));
            }
            return (records, extra, Err.None);
        }

        public (List<DnsResourceRecord>, Err) Ptr(string qname)
        {
            var ip = AddressFromReverse(qname);
            if (ip is null)
            {
                var (_, e) = Records(qname, DnsRecordType.PTR);
                return ([], e);
            }
            var targets = new List<string>();
            foreach (var svc in view.ServicesByClusterIP(ip))
            {
                if (O.Namespaces.Count > 0 && !NamespaceExposed(svc.Namespace)) continue;
                targets.Add($"{svc.Name}.{svc.Namespace}.svc.{Primary}");
                break;
            }
            if (targets.Count == 0)
            {
                foreach (var slice in view.SlicesByIP(ip))
                {
                    if (O.Namespaces.Count > 0 && !NamespaceExposed(slice.Namespace)) continue;
                    foreach (var ep in slice.Endpoints.Where(DnsClusterView.IsReady))
                        foreach (var a in ep.Addresses.Where(a => a.Equals(ip)))
                            targets.Add($"{k.EndpointHostname(ep, a)}.{slice.ServiceName}.{slice.Namespace}.svc.{Primary}");
                }
            }
            if (targets.Count == 0) return ([], Err.NoItems);
            return (targets.Distinct().Select(t => DnsResourceRecord.In(qname, DnsRecordType.PTR, O.Ttl, new NameRecordData(t))).ToList(), Err.None);
        }

        private string Primary => DnsName.Fqdn(O.Zones[0]);

        public (List<DnsResourceRecord>, List<DnsResourceRecord>) Ns(string qname)
        {
            var records = new List<DnsResourceRecord>();
            var extra = new List<DnsResourceRecord>();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, ip) in NsAddrs())
            {
                extra.Add(DnsResourceRecord.In(name, ip.AddressFamily == AddressFamily.InterNetworkV6 ? DnsRecordType.AAAA : DnsRecordType.A, O.Ttl, DnsAddress.For(ip)));
                if (seen.Add(name)) records.Add(DnsResourceRecord.In(qname, DnsRecordType.NS, O.Ttl, new NameRecordData(name)));
            }
            return (records, extra);
        }
    }

    /// <summary>The address a full reverse name stands for (<c>4.3.2.1.in-addr.arpa.</c> → 1.2.3.4; 32 nibbles under
    /// <c>ip6.arpa.</c>), or null for partial or malformed names (CoreDNS <c>ExtractAddressFromReverse</c>).</summary>
    public static IPAddress? AddressFromReverse(string name)
    {
        var labels = DnsName.SplitLabels(DnsName.ToLowerAscii(name));
        if (labels.Count == 6 && labels[4] == "in-addr" && labels[5] == "arpa")
        {
            var bytes = new byte[4];
            for (var i = 0; i < 4; i++)
            {
                if (!byte.TryParse(labels[3 - i], System.Globalization.NumberStyles.None, null, out bytes[i])) return null;
                if (labels[3 - i].Length > 1 && labels[3 - i][0] == '0') return null;
            }
            return new IPAddress(bytes);
        }
        if (labels.Count == 34 && labels[32] == "ip6" && labels[33] == "arpa")
        {
            var bytes = new byte[16];
            for (var i = 0; i < 32; i++)
            {
                var l = labels[31 - i];
                if (l.Length != 1 || !Uri.IsHexDigit(l[0])) return null;
                var v = Convert.ToByte(l, 16);
                bytes[i / 2] |= (byte)(i % 2 == 0 ? v << 4 : v);
            }
            return new IPAddress(bytes);
        }
        return null;
    }

    /// <summary>The reverse name of an address (<c>1.2.3.4</c> → <c>4.3.2.1.in-addr.arpa.</c>).</summary>
    public static string ReverseName(IPAddress ip)
    {
        var b = ip.GetAddressBytes();
        if (ip.AddressFamily == AddressFamily.InterNetwork) return $"{b[3]}.{b[2]}.{b[1]}.{b[0]}.in-addr.arpa.";
        var nibbles = new List<string>();
        for (var i = 15; i >= 0; i--)
        {
            nibbles.Add((b[i] & 0xF).ToString("x"));
            nibbles.Add((b[i] >> 4).ToString("x"));
        }
        return string.Join('.', nibbles) + ".ip6.arpa.";
    }
}

using System.Globalization;
using System.Text;

namespace Podnet.Bench.Netfilter;

/// <summary>Generates kube-proxy-shaped rule sets (iptables-restore text and an nft transaction) for N services.</summary>
public static class KubeProxyRules
{
    public static string ServiceIp(int i) => $"172.30.{i / 250}.{i % 250 + 1}";

    /// <summary>iptables mode: KUBE-SERVICES has one rule per service (linear), two endpoints per service.</summary>
    public static string Iptables(int services, int endpoints = 2)
    {
        var sb = new StringBuilder();
        sb.Append("*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n");
        sb.Append(":KUBE-SERVICES - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n:KUBE-POSTROUTING - [0:0]\n");
        for (int i = 0; i < services; i++)
        {
            sb.Append(":KUBE-SVC-").Append(i).Append(" - [0:0]\n");
            for (int e = 0; e < endpoints; e++) sb.Append(":KUBE-SEP-").Append(i).Append('-').Append(e).Append(" - [0:0]\n");
        }
        sb.Append("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n");
        sb.Append("-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n");
        sb.Append("-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING\n");
        sb.Append("-A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN\n");
        sb.Append("-A KUBE-POSTROUTING -j MARK --xor-mark 0x00004000\n");
        sb.Append("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully\n");
        sb.Append("-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000\n");
        for (int i = 0; i < services; i++)
        {
            var ip = ServiceIp(i);
            sb.Append("-A KUBE-SERVICES -m comment --comment \"ns/svc").Append(i).Append(":http cluster IP\" -m tcp -p tcp -d ").Append(ip).Append(" --dport 80 -j KUBE-SVC-").Append(i).Append('\n');
            sb.Append("-A KUBE-SVC-").Append(i).Append(" -m comment --comment \"ns/svc").Append(i).Append(":http cluster IP\" -m tcp -p tcp -d ").Append(ip).Append(" --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ\n");
            for (int e = 0; e < endpoints; e++)
            {
                var ep = $"10.{180 + e}.{i / 250}.{i % 250 + 1}";
                sb.Append("-A KUBE-SVC-").Append(i).Append(" -m comment --comment \"ns/svc").Append(i).Append(":http -> ").Append(ep).Append(":80\"");
                if (e < endpoints - 1)
                    sb.Append(" -m statistic --mode random --probability ").Append((1.0 / (endpoints - e)).ToString("F10", CultureInfo.InvariantCulture));
                sb.Append(" -j KUBE-SEP-").Append(i).Append('-').Append(e).Append('\n');
                sb.Append("-A KUBE-SEP-").Append(i).Append('-').Append(e).Append(" -m comment --comment ns/svc").Append(i).Append(":http -s ").Append(ep).Append(" -j KUBE-MARK-MASQ\n");
                sb.Append("-A KUBE-SEP-").Append(i).Append('-').Append(e).Append(" -m comment --comment ns/svc").Append(i).Append(":http -m tcp -p tcp -j DNAT --to-destination ").Append(ep).Append(":80\n");
            }
        }
        sb.Append("COMMIT\n");
        return sb.ToString();
    }

    /// <summary>nftables mode: one verdict-map lookup dispatches to the service chain.</summary>
    public static string Nftables(int services, int endpoints = 2)
    {
        var sb = new StringBuilder();
        sb.Append("add table ip kube-proxy { comment \"rules for kube-proxy\" ; }\n");
        sb.Append("add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment \"ClusterIP, ExternalIP and LoadBalancer IP traffic\" ; }\n");
        sb.Append("add chain ip kube-proxy nat-prerouting { type nat hook prerouting priority -100 ; }\n");
        sb.Append("add chain ip kube-proxy nat-postrouting { type nat hook postrouting priority 100 ; }\n");
        sb.Append("add chain ip kube-proxy services\nadd chain ip kube-proxy mark-for-masquerade\nadd chain ip kube-proxy masquerading\n");
        sb.Append("add rule ip kube-proxy nat-prerouting jump services\nadd rule ip kube-proxy nat-postrouting jump masquerading\n");
        sb.Append("add rule ip kube-proxy mark-for-masquerade mark set mark or 0x4000\n");
        sb.Append("add rule ip kube-proxy masquerading mark and 0x4000 == 0 return\n");
        sb.Append("add rule ip kube-proxy masquerading mark set mark xor 0x4000\n");
        sb.Append("add rule ip kube-proxy masquerading masquerade fully-random\n");
        sb.Append("add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips\n");
        for (int i = 0; i < services; i++)
        {
            var ip = ServiceIp(i);
            var svc = $"service-{i:X8}-ns/svc{i}/tcp/http";
            sb.Append("add chain ip kube-proxy ").Append(svc).Append('\n');
            sb.Append("add rule ip kube-proxy ").Append(svc).Append(" ip daddr ").Append(ip).Append(" ip saddr != 10.0.0.0/8 jump mark-for-masquerade\n");
            var vmap = new StringBuilder();
            for (int e = 0; e < endpoints; e++)
            {
                var ep = $"10.{180 + e}.{i / 250}.{i % 250 + 1}";
                var epc = $"endpoint-{i:X8}-ns/svc{i}/tcp/http__{ep}/80";
                sb.Append("add chain ip kube-proxy ").Append(epc).Append('\n');
                sb.Append("add rule ip kube-proxy ").Append(epc).Append(" ip saddr ").Append(ep).Append(" jump mark-for-masquerade\n");
                sb.Append("add rule ip kube-proxy ").Append(epc).Append(" meta l4proto tcp dnat to ").Append(ep).Append(":80\n");
                if (e > 0) vmap.Append(" , ");
                vmap.Append(e).Append(" : goto ").Append(epc);
            }
            sb.Append("add rule ip kube-proxy ").Append(svc).Append(" numgen random mod ").Append(endpoints).Append(" vmap { ").Append(vmap).Append(" }\n");
            sb.Append("add element ip kube-proxy service-ips { ").Append(ip).Append(" . tcp . 80 : goto ").Append(svc).Append(" }\n");
        }
        return sb.ToString();
    }
}

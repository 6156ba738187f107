using System.Net;
using Podnet.Cluster.KubeProxy;

namespace Podnet.Cluster.Tests.KubeProxy;

/// <summary>Seeded random kube-proxy states covering every Service feature, for property tests.</summary>
internal static class RandomStates
{
    public static ProxierConfig Config(bool ipv6 = false) => new()
    {
        NodeName = "node-a",
        IPFamily = ipv6 ? System.Net.Sockets.AddressFamily.InterNetworkV6 : System.Net.Sockets.AddressFamily.InterNetwork,
        NodeIP = IPAddress.Parse(ipv6 ? "fd00:18::2" : "172.18.0.2"),
        NodeAddresses = ipv6 ? [IPAddress.Parse("::1"), IPAddress.Parse("fd00:18::2")] : [IPAddress.Parse("127.0.0.1"), IPAddress.Parse("172.18.0.2")],
        LocalDetector = LocalTrafficDetector.ForCidr(ipv6 ? "fd00:10:244::/56" : "10.244.0.0/16"),
        ServiceCIDRs = [ipv6 ? "fd00:10:96::/112" : "10.96.0.0/16"],
    };

    private sealed record Svc(string Ns, string Name, int Index, int Ports, int NodePortBase, bool ExternalIP, bool Lb, bool SourceRanges,
        bool Affinity, bool ETPLocal, bool ITPLocal, L4Protocol Proto);

    /// <summary>A random state and a mutated successor (changed endpoints, removed and added services).</summary>
    public static (ProxyState Before, ProxyState After) Pair(int seed, bool ipv6 = false)
    {
        var rnd = new Random(seed);
        var services = new List<Svc>();
        int count = rnd.Next(1, 9);
        for (int i = 0; i < count; i++) services.Add(NewSvc(rnd, i));
        var endpoints = services.ToDictionary(s => s.Name, s => NewEndpoints(rnd, s));
        var before = Build(services, endpoints, ipv6);

        var after = new List<Svc>(services);
        var afterEps = new Dictionary<string, List<(int Ip, bool Ready, bool Serving, bool Term, bool Local)>>(endpoints);
        foreach (var s in services)
        {
            switch (rnd.Next(5))
            {
                case 0: afterEps[s.Name] = NewEndpoints(rnd, s); break;
                case 1: after.Remove(s); break;
                case 2: after[after.IndexOf(s)] = NewSvc(rnd, s.Index) with { Name = s.Name, Ns = s.Ns }; break; // same Service, new spec
                default: break;
            }
        }
        if (rnd.Next(2) == 0)
        {
            var added = NewSvc(rnd, count + 1);
            after.Add(added);
            afterEps[added.Name] = NewEndpoints(rnd, added);
        }
        return (before, Build(after, afterEps, ipv6));
    }

    private static Svc NewSvc(Random rnd, int i) => new(
        "ns" + rnd.Next(3), "svc" + i, i, rnd.Next(1, 3), rnd.Next(2) == 0 ? 0 : 30000 + i * 10,
        rnd.Next(4) == 0, rnd.Next(3) == 0, rnd.Next(2) == 0, rnd.Next(3) == 0, rnd.Next(3) == 0, rnd.Next(5) == 0,
        rnd.Next(6) == 0 ? L4Protocol.Udp : L4Protocol.Tcp);

    private static List<(int Ip, bool Ready, bool Serving, bool Term, bool Local)> NewEndpoints(Random rnd, Svc s)
    {
        var list = new List<(int, bool, bool, bool, bool)>();
        int n = rnd.Next(0, 5);
        for (int e = 0; e < n; e++)
        {
            bool ready = rnd.Next(4) != 0;
            bool term = !ready && rnd.Next(2) == 0;
            list.Add((s.Index * 16 + rnd.Next(1, 15), ready, ready || term, term, rnd.Next(2) == 0));
        }
        return list;
    }

    private static ProxyState Build(List<Svc> services, Dictionary<string, List<(int Ip, bool Ready, bool Serving, bool Term, bool Local)>> eps, bool ipv6)
    {
        var ports = new List<ServicePortInfo>();
        var endpoints = new List<KeyValuePair<ServicePortName, IEnumerable<EndpointInfo>>>();
        string Addr(string v4, string v6) => ipv6 ? v6 : v4;
        foreach (var s in services)
        {
            for (int p = 0; p < s.Ports; p++)
            {
                var name = new ServicePortName(s.Ns, s.Name, s.Ports == 1 && p == 0 && s.Index % 2 == 0 ? "" : "p" + (80 + p), s.Proto);
                ports.Add(new ServicePortInfo(name,
                    IPAddress.Parse(Addr("10.96.0." + (10 + s.Index), "fd00:10:96::" + (10 + s.Index).ToString("x"))),
                    80 + p,
                    nodePort: s.NodePortBase == 0 ? 0 : s.NodePortBase + p,
                    externalIPs: s.ExternalIP ? [IPAddress.Parse(Addr("192.168.99." + s.Index, "fd00:99::" + (s.Index + 1).ToString("x")))] : [],
                    loadBalancerVIPs: s.Lb ? [IPAddress.Parse(Addr("203.0.113." + (s.Index + 1), "fd00:203::" + (s.Index + 1).ToString("x")))] : [],
                    loadBalancerSourceRanges: s.Lb && s.SourceRanges ? [IPNetwork.Parse(Addr("198.51.100.0/24", "fd00:198::/64")), IPNetwork.Parse(Addr("172.18.0.0/16", "fd00:18::/64"))] : [],
                    sessionAffinityClientIP: s.Affinity, stickyMaxAgeSeconds: 10800,
                    externalPolicyLocal: s.ETPLocal && (s.NodePortBase != 0 || s.Lb || s.ExternalIP),
                    internalPolicyLocal: s.ITPLocal,
                    healthCheckNodePort: s.Lb && s.ETPLocal ? 32000 + s.Index : 0));
                var list = eps[s.Name].Select(e => new EndpointInfo(
                    IPAddress.Parse(Addr("10.244." + (e.Local ? 0 : 1) + "." + e.Ip, "fd00:10:244:" + (e.Local ? 0 : 1) + "::" + e.Ip.ToString("x"))),
                    8080 + p, e.Ready, e.Serving, e.Term, e.Local)).ToList();
                endpoints.Add(new(name, list));
            }
        }
        return ProxyState.Create(ports, endpoints);
    }
}

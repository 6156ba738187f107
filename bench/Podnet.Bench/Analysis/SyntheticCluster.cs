using Podnet.Analysis.NetworkPolicies;
using Podnet.Cluster.NetworkPolicies;

namespace Podnet.Bench.Analysis;

/// <summary>
/// Generates a realistic large cluster for the NetworkPolicy benchmarks: namespaces of 100 pods,
/// Deployments of 10 replicas (labels app/tier, a named port), spread over nodes of 100 pods, and
/// policies mixing per-namespace default-deny, app-to-app allows, cross-namespace
/// namespaceSelector+podSelector allows on named ports, DNS egress and ipBlock egress with except.
/// </summary>
public static class SyntheticCluster
{
    private static readonly string[] Tiers = ["frontend", "backend", "db"];

    /// <summary>Builds a model with about <paramref name="podCount"/> pods and <paramref name="policyCount"/> policies.</summary>
    public static ClusterModel Generate(int podCount, int policyCount, int seed = 1)
    {
        var rnd = new Random(seed);
        var nsCount = Math.Max(1, podCount / 100);
        var namespaces = Enumerable.Range(0, nsCount)
            .Select(i => NamespaceInfo.Create("ns" + i, new Dictionary<string, string> { ["team"] = "t" + (i % 5) }))
            .ToList();
        var pods = new List<PodInfo>(podCount);
        var deployments = new List<(string Ns, string App, string Tier)>();
        for (var i = 0; i < podCount; i++)
        {
            var ns = "ns" + (i / 100 % nsCount);
            var dep = i / 10;
            var app = "d" + dep;
            var tier = Tiers[dep % 3];
            if (i % 10 == 0)
            {
                deployments.Add((ns, app, tier));
            }

            var labels = new Dictionary<string, string> { ["app"] = app, ["tier"] = tier };
            var ip = 0x0A000000u + (uint)i + 2;
            pods.Add(new PodInfo(ns, $"{app}-{i % 10}", labels, ip,
                [new NamedContainerPort("http", PolicyProtocol.Tcp, 8080 + (dep % 2)), new NamedContainerPort("metrics", PolicyProtocol.Tcp, 9090)],
                new WorkloadRef(ns, app, "Deployment"), false, "node" + (i / 100)));
        }

        var policies = new List<PolicyInfo>(policyCount);
        for (var k = 0; k < policyCount; k++)
        {
            var d = deployments[rnd.Next(deployments.Count)];
            var self = CompiledSelector.Create([new("app", d.App)], null);
            switch (k % 5)
            {
                case 0:
                    policies.Add(new PolicyInfo(d.Ns, "default-deny-" + k, CompiledSelector.Everything, true, true, [],
                        [new PolicyRuleInfo([new PolicyPeerInfo(CompiledSelector.Create([new("k8s-app", "kube-dns")], null), CompiledSelector.Everything, null)],
                            [new PolicyPortInfo(PolicyProtocol.Udp, 53, null, null), new PolicyPortInfo(PolicyProtocol.Tcp, 53, null, null)])]));
                    break;
                case 1:
                    var from = deployments[rnd.Next(deployments.Count)];
                    policies.Add(new PolicyInfo(d.Ns, "allow-app-" + k, self, true, false,
                        [new PolicyRuleInfo([new PolicyPeerInfo(CompiledSelector.Create([new("app", from.App)], null), CompiledSelector.Create([new(NamespaceInfo.NameLabel, from.Ns)], null), null)],
                            [new PolicyPortInfo(PolicyProtocol.Tcp, 8080, 8081, null)])], []));
                    break;
                case 2:
                    policies.Add(new PolicyInfo(d.Ns, "allow-team-" + k, CompiledSelector.Create([new("tier", d.Tier)], null), true, false,
                        [new PolicyRuleInfo([new PolicyPeerInfo(CompiledSelector.Create(null, [("tier", "In", ["frontend", "backend"])]), CompiledSelector.Create([new("team", "t" + rnd.Next(5))], null), null)],
                            [new PolicyPortInfo(PolicyProtocol.Tcp, null, null, "http")])], []));
                    break;
                case 3:
                    policies.Add(new PolicyInfo(d.Ns, "egress-web-" + k, self, false, true, [],
                        [new PolicyRuleInfo([new PolicyPeerInfo(null, null, Ipv4RangeSet.FromIpBlock("0.0.0.0/0", ["10.0.0.0/8", "172.16.0.0/12", $"192.168.{rnd.Next(256)}.0/24"], out _))],
                            [new PolicyPortInfo(PolicyProtocol.Tcp, 443, null, null)]),
                         new PolicyRuleInfo([new PolicyPeerInfo(CompiledSelector.Create([new("tier", "db")], null), null, null)],
                            [new PolicyPortInfo(PolicyProtocol.Tcp, 5432, null, null)])]));
                    break;
                default:
                    policies.Add(new PolicyInfo(d.Ns, "allow-metrics-" + k, self, true, false,
                        [new PolicyRuleInfo([new PolicyPeerInfo(null, CompiledSelector.Create([new(NamespaceInfo.NameLabel, "ns0")], null), null),
                                             new PolicyPeerInfo(null, null, Ipv4RangeSet.FromIpBlock($"10.{rnd.Next(4)}.0.0/16", [], out _))],
                            [new PolicyPortInfo(PolicyProtocol.Tcp, null, null, "metrics")])], []));
                    break;
            }
        }

        return new ClusterModel(namespaces, pods, policies);
    }
}

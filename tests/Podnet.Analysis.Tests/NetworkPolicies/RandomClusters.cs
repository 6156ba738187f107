using Podnet.Analysis.NetworkPolicies;
using Podnet.Cluster.NetworkPolicies;

namespace Podnet.Analysis.Tests.NetworkPolicies;

/// <summary>Random small clusters and policies (Cyclonus-like x/y/z namespaces, a/b/c pods) from a seed.</summary>
internal static class RandomClusters
{
    private static readonly string[] Keys = ["pod", "app", "tier"];
    private static readonly string[] Values = ["a", "b", "c"];

    public static ClusterModel Generate(int seed)
    {
        var rnd = new Random(seed);
        var namespaces = new List<NamespaceInfo>();
        foreach (var ns in new[] { "x", "y", "z" })
        {
            var labels = new Dictionary<string, string> { ["ns"] = ns };
            if (rnd.Next(2) == 0)
            {
                labels["team"] = Values[rnd.Next(Values.Length)];
            }

            namespaces.Add(NamespaceInfo.Create(ns, labels));
        }

        var pods = new List<PodInfo>();
        var podCount = rnd.Next(2, 10);
        for (var i = 0; i < podCount; i++)
        {
            var ns = namespaces[rnd.Next(namespaces.Count)].Name;
            var labels = new Dictionary<string, string>();
            foreach (var k in Keys)
            {
                if (rnd.Next(3) != 0)
                {
                    labels[k] = Values[rnd.Next(Values.Length)];
                }
            }

            var named = new List<NamedContainerPort>();
            if (rnd.Next(2) == 0)
            {
                named.Add(new NamedContainerPort("serve-80-tcp", PolicyProtocol.Tcp, 80));
            }

            if (rnd.Next(2) == 0)
            {
                named.Add(new NamedContainerPort("serve-81", rnd.Next(2) == 0 ? PolicyProtocol.Tcp : PolicyProtocol.Udp, 81));
            }

            uint ip = 0x0A000000u | (uint)rnd.Next(0, 4) << 8 | (uint)rnd.Next(1, 255);
            var hostNetwork = rnd.Next(8) == 0;
            var node = "node" + rnd.Next(2);
            var name = "p" + i;
            pods.Add(new PodInfo(ns, name, labels, rnd.Next(10) == 0 ? null : ip, named, new WorkloadRef(ns, name, "Pod"), hostNetwork, node));
        }

        var policies = new List<PolicyInfo>();
        var policyCount = rnd.Next(0, 5);
        for (var i = 0; i < policyCount; i++)
        {
            var ns = namespaces[rnd.Next(namespaces.Count)].Name;
            var ingress = Enumerable.Range(0, rnd.Next(0, 3)).Select(_ => Rule(rnd)).ToList();
            var egress = Enumerable.Range(0, rnd.Next(0, 3)).Select(_ => Rule(rnd)).ToList();
            var affectsIngress = rnd.Next(4) != 0;
            var affectsEgress = rnd.Next(2) == 0 || (egress.Count > 0 && rnd.Next(2) == 0);
            policies.Add(new PolicyInfo(ns, "np" + i, Selector(rnd, allowEmpty: true), affectsIngress, affectsEgress, ingress, egress));
        }

        return new ClusterModel(namespaces, pods, policies);
    }

    private static CompiledSelector Selector(Random rnd, bool allowEmpty)
    {
        var n = rnd.Next(allowEmpty ? 0 : 1, 3);
        var ml = new List<KeyValuePair<string, string>>();
        var me = new List<(string, string, IReadOnlyList<string>)>();
        for (var i = 0; i < n; i++)
        {
            var k = Keys[rnd.Next(Keys.Length)];
            switch (rnd.Next(5))
            {
                case 0: me.Add((k, "In", [Values[rnd.Next(3)], Values[rnd.Next(3)]])); break;
                case 1: me.Add((k, "NotIn", [Values[rnd.Next(3)]])); break;
                case 2: me.Add((k, "Exists", [])); break;
                case 3: me.Add((k, "DoesNotExist", [])); break;
                default: ml.Add(new(k, Values[rnd.Next(3)])); break;
            }
        }

        return CompiledSelector.Create(ml, me);
    }

    private static CompiledSelector NsSelector(Random rnd) => rnd.Next(4) switch
    {
        0 => CompiledSelector.Everything,
        1 => CompiledSelector.Create([new("ns", new[] { "x", "y", "z" }[rnd.Next(3)])], null),
        2 => CompiledSelector.Create(null, [(NamespaceInfo.NameLabel, "NotIn", ["x"])]),
        _ => CompiledSelector.Create([new("team", Values[rnd.Next(3)])], null),
    };

    private static PolicyRuleInfo Rule(Random rnd)
    {
        List<PolicyPeerInfo>? peers = null;
        if (rnd.Next(4) != 0)
        {
            peers = [];
            var n = rnd.Next(1, 3);
            for (var i = 0; i < n; i++)
            {
                switch (rnd.Next(4))
                {
                    case 0:
                        peers.Add(new PolicyPeerInfo(Selector(rnd, true), null, null));
                        break;
                    case 1:
                        peers.Add(new PolicyPeerInfo(null, NsSelector(rnd), null));
                        break;
                    case 2:
                        peers.Add(new PolicyPeerInfo(Selector(rnd, true), NsSelector(rnd), null));
                        break;
                    default:
                        var cidr = rnd.Next(3) switch { 0 => "0.0.0.0/0", 1 => "10.0.0.0/8", _ => $"10.0.{rnd.Next(4)}.0/24" };
                        var except = rnd.Next(2) == 0 ? Array.Empty<string>() : [$"10.0.{rnd.Next(4)}.{rnd.Next(0, 2) * 128}/25"];
                        var set = Ipv4RangeSet.FromIpBlock(cidr, except.Where(e => cidr != $"10.0.{e.Split('.')[2]}.0/24" || true), out _)!;
                        peers.Add(new PolicyPeerInfo(null, null, set, cidr));
                        break;
                }
            }
        }

        List<PolicyPortInfo>? ports = null;
        if (rnd.Next(3) != 0)
        {
            ports = [];
            var n = rnd.Next(1, 3);
            for (var i = 0; i < n; i++)
            {
                var proto = rnd.Next(4) switch { 0 => PolicyProtocol.Udp, 1 => PolicyProtocol.Sctp, _ => PolicyProtocol.Tcp };
                switch (rnd.Next(5))
                {
                    case 0: ports.Add(new PolicyPortInfo(proto, null, null, null)); break;
                    case 1: ports.Add(new PolicyPortInfo(proto, 80, 81, null)); break;
                    case 2: ports.Add(new PolicyPortInfo(proto, null, null, rnd.Next(2) == 0 ? "serve-80-tcp" : "serve-81")); break;
                    default: ports.Add(new PolicyPortInfo(proto, 80 + rnd.Next(3), null, null)); break;
                }
            }
        }

        return new PolicyRuleInfo(peers, ports);
    }
}

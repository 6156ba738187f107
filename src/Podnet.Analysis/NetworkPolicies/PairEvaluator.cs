using Podnet.Cluster.NetworkPolicies;

namespace Podnet.Analysis.NetworkPolicies;

/// <summary>
/// Judges one (source, destination) pair directly from the policies, keeping every reason: the
/// reference semantics (pair by pair, no grouping), used for <c>podnet reach --from/--to</c>,
/// <c>--explain</c>, and as the oracle of the fast analyzer's property test.
/// </summary>
public sealed class PairEvaluator
{
    private readonly ClusterModel model;
    private readonly AnalysisMode mode;
    private readonly Dictionary<string, List<PolicyInfo>> byNamespace = new(StringComparer.Ordinal);

    /// <summary>Creates an evaluator over a model.</summary>
    public PairEvaluator(ClusterModel model, AnalysisMode mode)
    {
        this.model = model;
        this.mode = mode;
        foreach (var p in model.Policies)
        {
            if (!byNamespace.TryGetValue(p.Namespace, out var list))
            {
                byNamespace[p.Namespace] = list = [];
            }

            list.Add(p);
        }
    }

    /// <summary>The model judged.</summary>
    public ClusterModel Model => model;

    /// <summary>The mode.</summary>
    public AnalysisMode Mode => mode;

    /// <summary>Policies that select <paramref name="pod"/> for <paramref name="direction"/>, in name order.</summary>
    public IReadOnlyList<PolicyInfo> SelectingPolicies(PodInfo pod, PolicyDirection direction)
    {
        if (!byNamespace.TryGetValue(pod.Namespace, out var list))
        {
            return [];
        }

        return list.Where(p => (direction == PolicyDirection.Ingress ? p.AffectsIngress : p.AffectsEgress) && PolicySemantics.Selects(p, pod, mode))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Judges the pair.</summary>
    public PairVerdict Evaluate(Endpoint src, Endpoint dst)
    {
        var egress = src.Pod is { } sp && PolicySemantics.IsPolicyPod(sp, mode)
            ? Judge(sp, PolicyDirection.Egress, dst, dst)
            : new DirectionVerdict(PolicyDirection.Egress, false, ConnectionSet.All, [], src.Pod != null ? "hostNetwork pod (node traffic)" : null);

        DirectionVerdict ingress;
        if (dst.Pod is { } dp && PolicySemantics.IsPolicyPod(dp, mode))
        {
            if (mode == AnalysisMode.Kubernetes && src.Pod is { HostNetwork: true } hs && hs.NodeName != null && hs.NodeName == dp.NodeName)
            {
                ingress = new DirectionVerdict(PolicyDirection.Ingress, false, ConnectionSet.All, [], "traffic from the destination pod's own node is always allowed");
            }
            else
            {
                ingress = Judge(dp, PolicyDirection.Ingress, src, dst);
            }
        }
        else
        {
            ingress = new DirectionVerdict(PolicyDirection.Ingress, false, ConnectionSet.All, [], dst.Pod != null ? "hostNetwork pod (node traffic)" : null);
        }

        ConnectionSet? icPorts = null;
        if (src.IsIngressController)
        {
            // The ingress controller only opens connections to the ports its Ingress/Route objects name.
            icPorts = model.IngressTargets.Where(t => dst.Pod != null && t.Workload == dst.Pod.Workload)
                .Aggregate(ConnectionSet.Empty, (a, t) => a.Union(t.Ports));
        }

        return new PairVerdict(src, dst, egress, ingress, icPorts);
    }

    private DirectionVerdict Judge(PodInfo judged, PolicyDirection dir, Endpoint peer, Endpoint dst)
    {
        var policies = SelectingPolicies(judged, dir);
        if (policies.Count == 0)
        {
            return new DirectionVerdict(dir, false, ConnectionSet.All, []);
        }

        var allowed = ConnectionSet.Empty;
        var pvs = new List<PolicyVerdict>(policies.Count);
        foreach (var p in policies)
        {
            var rules = dir == PolicyDirection.Ingress ? p.Ingress : p.Egress;
            var rvs = new List<RuleVerdict>(rules.Count);
            for (var i = 0; i < rules.Count; i++)
            {
                var r = rules[i];
                var matched = PolicySemantics.RuleMatches(r, p, peer, model, mode);
                var ports = PolicySemantics.RulePorts(r, dst);
                var unresolved = r.NamedPorts.Count > 0 && ports.Equals(r.NumericPorts);
                if (matched)
                {
                    allowed = allowed.Union(ports);
                }

                rvs.Add(new RuleVerdict(i + 1, matched, ports, r.NamedPorts.Count > 0, unresolved));
            }

            pvs.Add(new PolicyVerdict(p, rvs));
        }

        return new DirectionVerdict(dir, true, allowed, pvs);
    }
}

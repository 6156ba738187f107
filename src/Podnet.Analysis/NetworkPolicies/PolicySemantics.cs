using Podnet.Cluster.NetworkPolicies;

namespace Podnet.Analysis.NetworkPolicies;

/// <summary>
/// The NetworkPolicy matching rules, pod by pod (the reference the fast grouped analyzer is tested
/// against): which policies select a pod, which peers match an endpoint.
/// </summary>
public static class PolicySemantics
{
    /// <summary>Whether the pod takes part in policy selection as a pod (not as node traffic) in this mode.</summary>
    public static bool IsPolicyPod(PodInfo pod, AnalysisMode mode) => mode == AnalysisMode.NetpolAnalyzer || !pod.HostNetwork;

    /// <summary>Whether <paramref name="policy"/>'s <c>spec.podSelector</c> selects <paramref name="pod"/>.</summary>
    public static bool Selects(PolicyInfo policy, PodInfo pod, AnalysisMode mode) =>
        policy.Namespace == pod.Namespace && IsPolicyPod(pod, mode) && policy.PodSelector.Matches(pod.Labels);

    /// <summary>Whether a rule peer matches an endpoint.</summary>
    public static bool PeerMatches(PolicyPeerInfo peer, PolicyInfo policy, Endpoint ep, ClusterModel model, AnalysisMode mode)
    {
        if (peer.IpBlock != null)
        {
            if (ep.Range is { } r)
            {
                return peer.IpBlock.ContainsRange(r);
            }

            if (ep.Pod is { } p)
            {
                return mode == AnalysisMode.Kubernetes && p.Ip is { } ip && peer.IpBlock.Contains(ip);
            }

            return false;
        }

        if (ep.IsIngressController)
        {
            // Modelled as a label-less pod in its own namespace (only the automatic name label).
            var icNs = NamespaceInfo.Create(Endpoint.IngressControllerNamespace, null);
            return peer.NamespaceSelector != null
                && peer.NamespaceSelector.Matches(icNs.Labels)
                && (peer.PodSelector == null || peer.PodSelector.Matches(EmptyLabels));
        }

        if (ep.Pod is not { } pod || !IsPolicyPod(pod, mode))
        {
            return false;
        }

        if (peer.NamespaceSelector == null)
        {
            if (pod.Namespace != policy.Namespace)
            {
                return false;
            }
        }
        else if (!model.Namespaces.TryGetValue(pod.Namespace, out var ns) || !peer.NamespaceSelector.Matches(ns.Labels))
        {
            return false;
        }

        return peer.PodSelector == null || peer.PodSelector.Matches(pod.Labels);
    }

    /// <summary>Whether a rule's peers (<c>from</c>/<c>to</c>) match an endpoint; omitted peers match everything.</summary>
    public static bool RuleMatches(PolicyRuleInfo rule, PolicyInfo policy, Endpoint ep, ClusterModel model, AnalysisMode mode)
    {
        if (rule.AllPeers)
        {
            return true;
        }

        foreach (var peer in rule.Peers!)
        {
            if (PeerMatches(peer, policy, ep, model, mode))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The ports a rule allows towards <paramref name="dst"/> (named ports resolved on the destination pod).</summary>
    public static ConnectionSet RulePorts(PolicyRuleInfo rule, Endpoint dst) => rule.PortsFor(dst.Pod?.NamedPorts);

    private static readonly IReadOnlyDictionary<string, string> EmptyLabels = new Dictionary<string, string>();
}

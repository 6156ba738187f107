using Podnet.Cluster.NetworkPolicies;
namespace Podnet.Analysis.NetworkPolicies;

/// <summary>Which conventions the analyzer follows where tools disagree (see docs/parts/netpol.md).</summary>
public enum AnalysisMode
{
    /// <summary>
    /// The Kubernetes API semantics as the upstream e2e network-policy suite checks them: ipBlocks match
    /// pod IPs too; hostNetwork pods are node traffic (never selected, matched only by ipBlocks on the
    /// node IP, and always allowed into pods of their own node).
    /// </summary>
    Kubernetes,

    /// <summary>
    /// np-guard/netpol-analyzer's conventions (<c>--compat netpol-analyzer</c>): ipBlocks never match
    /// pods, hostNetwork pods are ordinary pods, node traffic is not special.
    /// </summary>
    NetpolAnalyzer,
}

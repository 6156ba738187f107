namespace Podnet.Cluster.NetworkPolicies;

/// <summary>
/// What the NetworkPolicy agent loads into one node's kernel: ipset restore text (run first), then
/// <c>iptables-restore --noflush</c> text for the filter table, the jump rule that hooks the agent's chain
/// into FORWARD (install once, as kube-proxy does with <c>-C</c>/<c>-I</c>), and the ipsets that became stale
/// and can be destroyed after the iptables load.
/// </summary>
public sealed record CompiledNodeRules(string IpsetRestore, string IptablesRestore, string HookRule, IReadOnlyList<string> StaleIpsets)
{
    /// <summary>The agent's top chain in the filter table.</summary>
    public const string TopChain = "PODNET-NETPOL";
}

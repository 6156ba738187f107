namespace Podnet.Cluster.NetworkPolicies;

/// <summary>
/// What the NetworkPolicy agent loads into one node's kernel: ipset restore text (run first), then
/// <c>iptables-restore --noflush</c> text for the filter table, the jump rule that hooks the agent's chain
/// into FORWARD (install once, as kube-proxy does with <c>-C</c>/<c>-I</c>), and the ipsets that became stale
/// and can be destroyed after the iptables load. The full texts rebuild everything (first load); the
/// delta texts hold only the chains and sets that changed since the previous compile (declaring a chain
/// in <c>--noflush</c> mode flushes just that chain), which is what an agent loads after an update.
/// </summary>
public sealed class CompiledNodeRules
{
    private readonly Lazy<string> ipsetRestore;
    private readonly Lazy<string> iptablesRestore;

    /// <summary>Creates the result; the full texts are built on first use.</summary>
    public CompiledNodeRules(Func<string> ipsetRestore, Func<string> iptablesRestore, string ipsetRestoreDelta, string iptablesRestoreDelta, string hookRule, IReadOnlyList<string> staleIpsets)
    {
        this.ipsetRestore = new Lazy<string>(ipsetRestore);
        this.iptablesRestore = new Lazy<string>(iptablesRestore);
        IpsetRestoreDelta = ipsetRestoreDelta;
        IptablesRestoreDelta = iptablesRestoreDelta;
        HookRule = hookRule;
        StaleIpsets = staleIpsets;
    }

    /// <summary>The agent's top chain in the filter table.</summary>
    public const string TopChain = "PODNET-NETPOL";

    /// <summary><c>ipset restore</c> text creating and filling every set.</summary>
    public string IpsetRestore => ipsetRestore.Value;

    /// <summary><c>iptables-restore --noflush</c> text with every chain.</summary>
    public string IptablesRestore => iptablesRestore.Value;

    /// <summary><c>ipset restore</c> text for the sets of recompiled policies only.</summary>
    public string IpsetRestoreDelta { get; }

    /// <summary><c>iptables-restore --noflush</c> text for the changed chains only (and <c>-X</c> of removed ones).</summary>
    public string IptablesRestoreDelta { get; }

    /// <summary>The FORWARD jump rule (in iptables-save form).</summary>
    public string HookRule { get; }

    /// <summary>Sets no longer used (destroy after loading the iptables text).</summary>
    public IReadOnlyList<string> StaleIpsets { get; }
}

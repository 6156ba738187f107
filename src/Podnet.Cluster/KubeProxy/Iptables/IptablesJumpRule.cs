namespace Podnet.Cluster.KubeProxy.Iptables;

/// <summary>
/// A rule kube-proxy ensures in a built-in chain on every full sync (<c>EnsureChain</c> of
/// <paramref name="DestinationChain"/>, then <c>EnsureRule(Prepend, …)</c>: <c>iptables -t TABLE -C
/// CHAIN ARGS || iptables -t TABLE -I CHAIN 1 ARGS</c>). <paramref name="RuleSpec"/> is the argument
/// text with the comment quoted, as it would be typed.
/// </summary>
public sealed record IptablesJumpRule(string Table, string SourceChain, string DestinationChain, string RuleSpec)
{
    /// <summary>The insert command line (without the binary name): <c>-t filter -I INPUT 1 …</c>.</summary>
    public string InsertCommand => "-t " + Table + " -I " + SourceChain + " 1 " + RuleSpec;

    /// <summary>The check command line: <c>-t filter -C INPUT …</c>.</summary>
    public string CheckCommand => "-t " + Table + " -C " + SourceChain + " " + RuleSpec;
}

using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.NetworkPolicies;
using ApiNetworkPolicy = Podnet.Cluster.Api.Networking.NetworkPolicy;

namespace Podnet.Cluster.Runtime;

/// <summary>
/// The NetworkPolicy agent of one node (what a CNI's policy controller DaemonSet does): compiles the
/// policies that select the node's pods with <see cref="NodePolicyCompiler"/> and loads the result into
/// the node's kernel the way the agent would on Linux: <c>ipset restore</c>, then
/// <c>iptables-restore --noflush</c> for the filter table, then its jump rule at the top of FORWARD
/// (before kube-proxy's ACCEPT rules; bridged pod-to-pod frames pass FORWARD too, via br_netfilter).
/// </summary>
public static class NodePolicyAgent
{
    /// <summary>Programs <paramref name="host"/>; returns a problem description, or null when all loaded.</summary>
    public static string? Sync(NodeHost host, IReadOnlyList<KubeObject> objects)
    {
        var errors = new List<string>();
        var policies = objects.OfType<ApiNetworkPolicy>()
            .Select(p => PolicyConversion.FromApi(p, errors)).OfType<PolicyInfo>().ToList();
        if (policies.Count == 0)
        {
            return errors.Count == 0 ? null : string.Join("; ", errors);
        }
        var pods = objects.OfType<Pod>().Where(p => p.Status?.PodIP is not null).Select(PolicyConversion.FromApi).ToList();
        var namespaces = new Dictionary<string, NamespaceInfo>(StringComparer.Ordinal);
        foreach (var ns in objects.OfType<Namespace>()) namespaces[ns.Name] = NamespaceInfo.Create(ns.Name, ns.Metadata.Labels);
        foreach (var name in pods.Select(p => p.Namespace).Concat(policies.Select(p => p.Namespace)))
        {
            if (!namespaces.ContainsKey(name)) namespaces[name] = NamespaceInfo.Create(name, null);
        }

        var rules = new NodePolicyCompiler(host.Name).Compile(namespaces, pods, policies);
        var nf = host.Netfilter;
        var r = nf.Ipset(["restore"], rules.IpsetRestore);
        if (r.ExitCode != 0) errors.Add("ipset restore: " + r.Stderr.Trim());
        r = nf.IptablesRestore(rules.IptablesRestore, noflush: true);
        if (r.ExitCode != 0) errors.Add("iptables-restore: " + r.Stderr.Trim());
        // The hook comes in iptables-save form (-A FORWARD ...); insert it first in FORWARD.
        var hook = SplitRule(rules.HookRule);
        if (hook.Count > 2 && hook[0] == "-A")
        {
            r = nf.IptablesCommand(new[] { "-t", "filter", "-I", hook[1], "1" }.Concat(hook.Skip(2)).ToArray());
            if (r.ExitCode != 0) errors.Add("iptables -I: " + r.Stderr.Trim());
        }
        return errors.Count == 0 ? null : string.Join("; ", errors);
    }

    /// <summary>Splits an iptables-save rule line into arguments (double-quoted words kept whole).</summary>
    private static List<string> SplitRule(string line)
    {
        var args = new List<string>();
        var current = new System.Text.StringBuilder();
        bool quoted = false, any = false;
        foreach (var c in line.Trim())
        {
            if (c == '"') { quoted = !quoted; any = true; continue; }
            if (c == ' ' && !quoted)
            {
                if (any) args.Add(current.ToString());
                current.Clear();
                any = false;
                continue;
            }
            current.Append(c);
            any = true;
        }
        if (any) args.Add(current.ToString());
        return args;
    }
}

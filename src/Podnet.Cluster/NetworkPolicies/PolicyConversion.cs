using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using ApiNetworkPolicy = Podnet.Cluster.Api.Networking.NetworkPolicy;

namespace Podnet.Cluster.NetworkPolicies;

/// <summary>
/// Turns API objects into the policy model: a <c>NetworkPolicy</c> into <see cref="PolicyInfo"/> with the
/// API server's defaulting (namespace <c>default</c>, <c>policyTypes</c>, protocol TCP) and validation
/// (<c>endPort</c> rules, ipBlock alone in its peer, IPv4 CIDRs), and a <c>Pod</c> into <see cref="PodInfo"/>.
/// </summary>
public static class PolicyConversion
{
    /// <summary>Converts a policy; returns null and adds messages to <paramref name="errors"/> when it is invalid.</summary>
    public static PolicyInfo? FromApi(ApiNetworkPolicy np, ICollection<string> errors)
    {
        var ns = string.IsNullOrEmpty(np.Namespace) ? "default" : np.Namespace;
        var where = $"NetworkPolicy \"{ns}/{np.Name}\"";
        var ok = true;
        var spec = np.Spec;
        var types = spec.PolicyTypes;
        bool affectsIngress, affectsEgress;
        if (types.Count == 0)
        {
            affectsIngress = true;
            affectsEgress = spec.Egress.Count > 0;
        }
        else
        {
            affectsIngress = types.Contains("Ingress");
            affectsEgress = types.Contains("Egress");
            foreach (var t in types.Where(t => t != "Ingress" && t != "Egress"))
            {
                errors.Add($"{where} is invalid: spec.policyTypes: Unsupported value: \"{t}\": supported values: \"Egress\", \"Ingress\"");
                ok = false;
            }
        }

        var ingress = new List<PolicyRuleInfo>();
        for (var i = 0; i < spec.Ingress.Count; i++)
        {
            var r = Rule(spec.Ingress[i].From, spec.Ingress[i].Ports, $"spec.ingress[{i}]", where, errors);
            ok &= r != null;
            if (r != null)
            {
                ingress.Add(r);
            }
        }

        var egress = new List<PolicyRuleInfo>();
        for (var i = 0; i < spec.Egress.Count; i++)
        {
            var r = Rule(spec.Egress[i].To, spec.Egress[i].Ports, $"spec.egress[{i}]", where, errors);
            ok &= r != null;
            if (r != null)
            {
                egress.Add(r);
            }
        }

        var sel = Selector(spec.PodSelector, where, "spec.podSelector", errors);
        if (!ok || sel == null)
        {
            return null;
        }

        return new PolicyInfo(ns, np.Name, sel, affectsIngress, affectsEgress, ingress, egress);
    }

    /// <summary>Compiles an API label selector (null: null).</summary>
    public static CompiledSelector? Selector(LabelSelector? s, string where, string field, ICollection<string> errors)
    {
        if (s == null)
        {
            return null;
        }

        try
        {
            return CompiledSelector.Create(s.MatchLabels, s.MatchExpressions.Select(e => (e.Key, e.Operator, e.Values)));
        }
        catch (ArgumentException e)
        {
            errors.Add($"{where} is invalid: {field}: {e.Message.Split(" (Parameter", StringSplitOptions.None)[0]}");
            return null;
        }
    }

    private static PolicyRuleInfo? Rule(IReadOnlyList<Api.Networking.NetworkPolicyPeer> peers, IReadOnlyList<Api.Networking.NetworkPolicyPort> ports, string field, string where, ICollection<string> errors)
    {
        var ok = true;
        var peerInfos = new List<PolicyPeerInfo>();
        for (var i = 0; i < peers.Count; i++)
        {
            var p = peers[i];
            var f = $"{field}.{(field.Contains("ingress", StringComparison.Ordinal) ? "from" : "to")}[{i}]";
            if (p.IpBlock != null)
            {
                if (p.PodSelector != null || p.NamespaceSelector != null)
                {
                    errors.Add($"{where} is invalid: {f}: Forbidden: may not specify both ipBlock and another peer");
                    ok = false;
                    continue;
                }

                var set = Ipv4RangeSet.FromIpBlock(p.IpBlock.Cidr, p.IpBlock.Except, out var err);
                if (set == null)
                {
                    errors.Add($"{where} is invalid: {f}.ipBlock: {err}");
                    ok = false;
                    continue;
                }

                if (!Ipv4Range.TryParseCidr(p.IpBlock.Cidr, out var main) || p.IpBlock.Except.Any(e => !Ipv4Range.TryParseCidr(e, out var x) || x.Start < main.Start || x.End > main.End))
                {
                    errors.Add($"{where} is invalid: {f}.ipBlock.except: Invalid value: must be a strict subset of `cidr`");
                    ok = false;
                    continue;
                }

                var text = p.IpBlock.Cidr + (p.IpBlock.Except.Count > 0 ? " except " + string.Join(",", p.IpBlock.Except) : "");
                peerInfos.Add(new PolicyPeerInfo(null, null, set, text));
                continue;
            }

            if (p.PodSelector == null && p.NamespaceSelector == null)
            {
                errors.Add($"{where} is invalid: {f}: Required value: must specify a peer");
                ok = false;
                continue;
            }

            var ps = Selector(p.PodSelector, where, f + ".podSelector", errors);
            var nss = Selector(p.NamespaceSelector, where, f + ".namespaceSelector", errors);
            if ((p.PodSelector != null && ps == null) || (p.NamespaceSelector != null && nss == null))
            {
                ok = false;
                continue;
            }

            peerInfos.Add(new PolicyPeerInfo(ps, nss, null));
        }

        var portInfos = new List<PolicyPortInfo>();
        for (var i = 0; i < ports.Count; i++)
        {
            var p = ports[i];
            var f = $"{field}.ports[{i}]";
            if (!PolicyProtocols.TryParse(p.Protocol, out var proto))
            {
                errors.Add($"{where} is invalid: {f}.protocol: Unsupported value: \"{p.Protocol}\": supported values: \"SCTP\", \"TCP\", \"UDP\"");
                ok = false;
                continue;
            }

            if (p.Port is not { } port)
            {
                if (p.EndPort != null)
                {
                    errors.Add($"{where} is invalid: {f}.endPort: Required value: must specify port when endPort is specified");
                    ok = false;
                    continue;
                }

                portInfos.Add(new PolicyPortInfo(proto, null, null, null));
                continue;
            }

            if (!port.IsInt)
            {
                if (p.EndPort != null)
                {
                    errors.Add($"{where} is invalid: {f}.endPort: Forbidden: may not be specified when port is non-numeric");
                    ok = false;
                    continue;
                }

                portInfos.Add(new PolicyPortInfo(proto, null, null, port.StringValue));
                continue;
            }

            if (port.IntValue < 1 || port.IntValue > 65535 || (p.EndPort is { } e && (e < port.IntValue || e > 65535)))
            {
                errors.Add($"{where} is invalid: {f}: Invalid value: port {port.IntValue}{(p.EndPort is { } ep ? $" endPort {ep}" : "")}: must be between 1 and 65535, and endPort must not be less than port");
                ok = false;
                continue;
            }

            portInfos.Add(new PolicyPortInfo(proto, port.IntValue, p.EndPort, null));
        }

        return ok ? new PolicyRuleInfo(peers.Count == 0 ? null : peerInfos, ports.Count == 0 ? null : portInfos) : null;
    }

    /// <summary>
    /// A pod's policy-relevant facts: labels, IPv4 pod IP (status.podIP / podIPs; null when absent),
    /// named container ports, node, hostNetwork. The workload is the controller owner (<c>[Pod]</c> without one, or when the owner is a Node).
    /// </summary>
    public static PodInfo FromApi(Pod pod)
    {
        var ns = string.IsNullOrEmpty(pod.Namespace) ? "default" : pod.Namespace;
        uint? ip = null;
        var ipText = pod.Status?.PodIP ?? pod.Status?.PodIPs.FirstOrDefault()?.Ip;
        if (ipText != null && Ipv4Range.TryParseAddress(ipText, out var a))
        {
            ip = a;
        }
        else if (pod.Status?.PodIPs.Select(x => x.Ip).FirstOrDefault(x => Ipv4Range.TryParseAddress(x, out _)) is { } v4 && Ipv4Range.TryParseAddress(v4, out var b))
        {
            ip = b;
        }

        var owner = pod.Metadata.OwnerReferences.FirstOrDefault(o => o.Controller == true) ?? pod.Metadata.OwnerReferences.FirstOrDefault();
        var workload = owner == null || string.IsNullOrEmpty(owner.Kind) || owner.Kind == "Node"
            ? new WorkloadRef(ns, pod.Name, "Pod")
            : new WorkloadRef(ns, owner.Name, owner.Kind);
        return new PodInfo(ns, pod.Name, pod.Metadata.Labels, ip, NamedPorts(pod.Spec), workload, pod.Spec.HostNetwork == true, pod.Spec.NodeName);
    }

    /// <summary>The named container ports of a pod spec.</summary>
    public static IReadOnlyList<NamedContainerPort> NamedPorts(PodSpec spec)
    {
        var list = new List<NamedContainerPort>();
        foreach (var c in spec.Containers)
        {
            foreach (var p in c.Ports)
            {
                if (!string.IsNullOrEmpty(p.Name) && PolicyProtocols.TryParse(p.Protocol, out var proto))
                {
                    list.Add(new NamedContainerPort(p.Name, proto, p.ContainerPortNumber));
                }
            }
        }

        return list;
    }
}

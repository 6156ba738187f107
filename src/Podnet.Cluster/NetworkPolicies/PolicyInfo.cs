
namespace Podnet.Cluster.NetworkPolicies;

/// <summary>
/// A NetworkPolicy (<c>networking.k8s.io/v1</c>) with the API server's defaulting applied:
/// <see cref="AffectsIngress"/>/<see cref="AffectsEgress"/> come from <c>policyTypes</c>, or when it is
/// omitted, Ingress always and Egress when egress rules exist.
/// </summary>
public sealed record PolicyInfo(
    string Namespace,
    string Name,
    CompiledSelector PodSelector,
    bool AffectsIngress,
    bool AffectsEgress,
    IReadOnlyList<PolicyRuleInfo> Ingress,
    IReadOnlyList<PolicyRuleInfo> Egress)
{
    /// <summary><c>ns/name</c>.</summary>
    public string FullName => Namespace + "/" + Name;
}

/// <summary>
/// One ingress or egress rule: peers (<c>from</c>/<c>to</c>; null = omitted = every source or
/// destination, external included) and ports (null = omitted = every port and protocol).
/// </summary>
public sealed record PolicyRuleInfo(IReadOnlyList<PolicyPeerInfo>? Peers, IReadOnlyList<PolicyPortInfo>? Ports)
{
    /// <summary>True when peers are omitted or empty (matches everything).</summary>
    public bool AllPeers => Peers is null || Peers.Count == 0;

    /// <summary>True when ports are omitted or empty (every port and protocol).</summary>
    public bool AllPorts => Ports is null || Ports.Count == 0;

    /// <summary>The numeric part of the ports (named ports excluded).</summary>
    public ConnectionSet NumericPorts { get; } = ComputeNumeric(Ports);

    /// <summary>The named ports (name, protocol) of the rule.</summary>
    public IReadOnlyList<(string Name, PolicyProtocol Protocol)> NamedPorts { get; } =
        Ports?.Where(p => p.NamedPort != null).Select(p => (p.NamedPort!, p.Protocol)).ToArray() ?? [];

    /// <summary>The ports this rule allows towards a destination with <paramref name="dstNamedPorts"/> (null: an external destination).</summary>
    public ConnectionSet PortsFor(IReadOnlyList<NamedContainerPort>? dstNamedPorts)
    {
        if (NamedPorts.Count == 0 || dstNamedPorts is null || dstNamedPorts.Count == 0)
        {
            return NumericPorts;
        }

        var extra = new List<(PolicyProtocol, PortRange)>();
        foreach (var (name, proto) in NamedPorts)
        {
            foreach (var cp in dstNamedPorts)
            {
                if (cp.Name == name && cp.Protocol == proto)
                {
                    extra.Add((proto, new PortRange(cp.Port, cp.Port)));
                }
            }
        }

        return extra.Count == 0 ? NumericPorts : NumericPorts.Union(ConnectionSet.FromRanges(extra));
    }

    private static ConnectionSet ComputeNumeric(IReadOnlyList<PolicyPortInfo>? ports)
    {
        if (ports is null || ports.Count == 0)
        {
            return ConnectionSet.All;
        }

        var items = new List<(PolicyProtocol, PortRange)>();
        foreach (var p in ports)
        {
            if (p.NamedPort != null)
            {
                continue;
            }

            items.Add(p.Port is null ? (p.Protocol, PortRange.AllPorts) : (p.Protocol, new PortRange(p.Port.Value, p.EndPort ?? p.Port.Value)));
        }

        return ConnectionSet.FromRanges(items);
    }
}

/// <summary>
/// A rule peer: either an ipBlock (<see cref="IpBlock"/>, cidr minus except) or selectors. A null
/// <see cref="NamespaceSelector"/> means the policy's own namespace; a null <see cref="PodSelector"/>
/// with a namespace selector means every pod of the selected namespaces.
/// </summary>
public sealed record PolicyPeerInfo(CompiledSelector? PodSelector, CompiledSelector? NamespaceSelector, Ipv4RangeSet? IpBlock, string? IpBlockText = null)
{
    /// <summary>True for an ipBlock peer.</summary>
    public bool IsIpBlock => IpBlock != null;
}

/// <summary>A NetworkPolicy port item: protocol, and a number (with optional endPort), a name, or neither (all ports of the protocol).</summary>
public sealed record PolicyPortInfo(PolicyProtocol Protocol, int? Port, int? EndPort, string? NamedPort);

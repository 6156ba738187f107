using Podnet.Cluster.NetworkPolicies;

namespace Podnet.Analysis.NetworkPolicies;

/// <summary>Ingress (judged at the destination) or Egress (judged at the source).</summary>
public enum PolicyDirection
{
    /// <summary>Ingress: the destination's policies.</summary>
    Ingress,

    /// <summary>Egress: the source's policies.</summary>
    Egress,
}

/// <summary>What one rule (1-based <see cref="Index"/>, as netpol-analyzer numbers them) of a selecting policy says about a connection.</summary>
public sealed record RuleVerdict(int Index, bool PeerMatched, ConnectionSet Ports, bool HasNamedPorts, bool NamedPortsUnresolved);

/// <summary>A policy that selects the judged pod for the direction, and what each of its rules says.</summary>
public sealed record PolicyVerdict(PolicyInfo Policy, IReadOnlyList<RuleVerdict> Rules)
{
    /// <summary>Union of the ports allowed by the rules whose peers match.</summary>
    public ConnectionSet Allowed => Rules.Where(r => r.PeerMatched).Aggregate(ConnectionSet.Empty, (a, r) => a.Union(r.Ports));
}

/// <summary>
/// The verdict of one direction: whether the judged pod is isolated in it, what is allowed, and the
/// selecting policies with their rules. <see cref="SpecialReason"/> names a non-policy cause (node
/// traffic, an external endpoint with no policies).
/// </summary>
public sealed record DirectionVerdict(PolicyDirection Direction, bool Isolated, ConnectionSet Allowed, IReadOnlyList<PolicyVerdict> Policies, string? SpecialReason = null);

/// <summary>
/// The verdict for one (source, destination) pair: egress of the source AND ingress of the destination;
/// for the ingress controller as source, also limited to <see cref="IngressControllerPorts"/> (its backends' ports).
/// </summary>
public sealed record PairVerdict(Endpoint Source, Endpoint Destination, DirectionVerdict Egress, DirectionVerdict Ingress, ConnectionSet? IngressControllerPorts = null)
{
    /// <summary>What may connect: the intersection of both directions.</summary>
    public ConnectionSet Allowed { get; } = Egress.Allowed.Intersect(Ingress.Allowed).Intersect(IngressControllerPorts ?? ConnectionSet.All);
}

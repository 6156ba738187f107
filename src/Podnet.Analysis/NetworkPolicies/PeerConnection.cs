using Podnet.Cluster.NetworkPolicies;

namespace Podnet.Analysis.NetworkPolicies;

/// <summary>
/// One line of the connectivity list: a source peer, a destination peer (workload, external range or
/// ingress controller, as netpol-analyzer names them) and the connections allowed between them.
/// </summary>
public sealed record PeerConnection(Endpoint Source, Endpoint Destination, ConnectionSet Connections)
{
    /// <summary>The source's display name.</summary>
    public string SourceName => Source.DisplayName;

    /// <summary>The destination's display name.</summary>
    public string DestinationName => Destination.DisplayName;
}

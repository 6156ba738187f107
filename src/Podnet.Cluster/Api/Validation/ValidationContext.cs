namespace Podnet.Cluster.Api.Validation;

/// <summary>
/// Cluster settings that some checks need, as the API server's flags give them
/// (<c>--service-cluster-ip-range</c>, <c>--service-node-port-range</c>).
/// </summary>
public sealed record ValidationContext
{
    /// <summary>The default context: service CIDR 10.96.0.0/16, node ports 30000-32767 (DESIGN.md §6).</summary>
    public static ValidationContext Default { get; } = new();

    /// <summary>Service ClusterIP range.</summary>
    public string ServiceCidr { get; init; } = "10.96.0.0/16";

    /// <summary>Lowest node port.</summary>
    public int NodePortMin { get; init; } = 30000;

    /// <summary>Highest node port.</summary>
    public int NodePortMax { get; init; } = 32767;
}

namespace Podnet.Cluster.KubeProxy.Nftables;

/// <summary>
/// What one nftables-mode sync sends to <c>nft -f -</c>: an optional first transaction deleting
/// service chains that went stale in an earlier sync, then the sync transaction itself (knftables
/// syntax: <c>add table ip kube-proxy …</c>, <c>add rule ip kube-proxy CHAIN …</c>, <c>add element …</c>).
/// </summary>
public sealed record NftablesSyncResult
{
    /// <summary>Deletes of chains flushed at least a second earlier (upstream runs it before the sync), or null.</summary>
    public string? CleanupTransaction { get; init; }

    /// <summary>The sync transaction.</summary>
    public required string Transaction { get; init; }

    /// <summary>True when the base chains, sets and maps were recreated and every service rewritten.</summary>
    public required bool FullSync { get; init; }

    /// <summary>Number of operations (lines) in <see cref="Transaction"/>.</summary>
    public required int Operations { get; init; }

    /// <summary>Service chains flushed in this transaction (to be deleted by a later sync).</summary>
    public required IReadOnlyList<string> FlushedStaleChains { get; init; }

    /// <summary>Services whose chains this sync rewrote.</summary>
    public required int ServicesRewritten { get; init; }
}

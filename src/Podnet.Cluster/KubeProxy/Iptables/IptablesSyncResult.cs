namespace Podnet.Cluster.KubeProxy.Iptables;

/// <summary>
/// What one iptables-mode sync writes: the <c>iptables-restore --noflush --counters</c> input for
/// the filter and nat tables, and (full syncs only) the chains and jump rules ensured with
/// <c>iptables</c> commands before the restore.
/// </summary>
public sealed record IptablesSyncResult
{
    /// <summary>The restore text (<c>*filter … COMMIT</c> then <c>*nat … COMMIT</c>).</summary>
    public required string RestoreText { get; init; }

    /// <summary>True when every service chain was rewritten.</summary>
    public required bool FullSync { get; init; }

    /// <summary>Chains created with <c>iptables -t TABLE -N</c> before the restore (full syncs): (table, chain).</summary>
    public required IReadOnlyList<(string Table, string Chain)> EnsuredChains { get; init; }

    /// <summary>Jump rules prepended if absent (full syncs), in upstream's order.</summary>
    public required IReadOnlyList<IptablesJumpRule> JumpRules { get; init; }

    /// <summary>Stale service chains flushed and deleted (<c>-X</c>) by this restore.</summary>
    public required IReadOnlyList<string> DeletedChains { get; init; }

    /// <summary>Rules written into the filter table.</summary>
    public required int FilterRules { get; init; }

    /// <summary>Rules written into the nat table (excluding <c>-X</c> lines).</summary>
    public required int NatRules { get; init; }

    /// <summary>Upstream's large-cluster mode was on (more than 1000 endpoints).</summary>
    public required bool LargeClusterMode { get; init; }

    /// <summary>Services (<c>ns/name</c>) whose chains this sync rewrote (all of them on a full sync).</summary>
    public required int ServicesRewritten { get; init; }
}

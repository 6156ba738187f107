using Podnet.Cluster.NetworkPolicies;

namespace Podnet.Analysis.Probe;

/// <summary>What <see cref="ConnectivityProbe"/> measures: one port and protocol, between the pods of one namespace or of all.</summary>
public sealed record ProbeOptions
{
    /// <summary>The destination port (Cyclonus's <c>--port</c>; default 80).</summary>
    public int Port { get; init; } = 80;

    /// <summary>TCP or UDP (SCTP has no socket in the emulated kernel).</summary>
    public PolicyProtocol Protocol { get; init; } = PolicyProtocol.Tcp;

    /// <summary>Only pods of this namespace (both ends); null = every namespace but <c>kube-system</c>.</summary>
    public string? Namespace { get; init; }

    /// <summary>How long a probe waits for an answer, in virtual time (Cyclonus's job timeout). A denied TCP connection is dropped, so it times out.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Seed of the emulation's event loop.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Wall-clock time at virtual zero (log timestamps in the realized cluster).</summary>
    public DateTimeOffset Epoch { get; init; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
}

using Podnet.Kernel.Tracing;

namespace Podnet.Cli.Commands.Trace;

/// <summary>
/// The result of <c>podnet trace</c>: one connection sent in the emulation, as a value (DESIGN.md §5).
/// The text, JSON and pcap renderings all read this. <see cref="Flow"/> is the kernel's own
/// <see cref="FlowTrace"/> of the connection (the one <c>exec --trace</c> prints), <see cref="Frames"/>
/// the frames of that flow as they crossed each device, and <see cref="Lookup"/> the name resolution
/// that came first, if the destination was a name.
/// </summary>
public sealed record ConnectionTrace
{
    /// <summary>The source as given (<c>pod/NAME</c>, <c>node/NAME</c>, <c>outside</c>, an IP).</summary>
    public required string Source { get; init; }

    /// <summary>Who the source is, in words (<c>pod shop/frontend-abc</c>).</summary>
    public required string SourceDescription { get; init; }

    /// <summary>The source's address.</summary>
    public required string SourceAddress { get; init; }

    /// <summary>The destination as given.</summary>
    public required string Destination { get; init; }

    /// <summary>Who the destination is, in words (<c>Service shop/backend (ClusterIP)</c>).</summary>
    public required string DestinationDescription { get; init; }

    /// <summary>The address the connection was sent to (after DNS), null when the name did not resolve.</summary>
    public string? DestinationAddress { get; init; }

    /// <summary><c>tcp</c>, <c>udp</c> or <c>icmp</c>.</summary>
    public required string Protocol { get; init; }

    /// <summary>The destination port (0 for ICMP).</summary>
    public int Port { get; init; }

    /// <summary>How long the client waited for an answer (virtual time).</summary>
    public TimeSpan Timeout { get; init; }

    /// <summary>The DNS lookup, when the destination was a name.</summary>
    public DnsLookupTrace? Lookup { get; init; }

    /// <summary>The connection's flow trace (null when it was never sent, e.g. NXDOMAIN).</summary>
    public FlowTrace? Flow { get; init; }

    /// <summary>The flow's frames, in the order the devices saw them (for pcap).</summary>
    public IReadOnlyList<TracedFrame> Frames { get; init; } = [];

    /// <summary>How it ended.</summary>
    public required TraceOutcome Outcome { get; init; }

    /// <summary>The outcome in words (delivered to pod X; refused by ...; dropped by ...).</summary>
    public required string OutcomeText { get; init; }

    /// <summary>Friendly names of the network namespaces the trace crossed (<c>cni-…</c> → <c>pod shop/web</c>).</summary>
    public IReadOnlyDictionary<string, string> Places { get; init; } = new Dictionary<string, string>();
}

/// <summary>The name resolution before a connection: each candidate of the search list and what it gave.</summary>
/// <param name="Name">the name asked</param>
/// <param name="Candidates">each name tried, in order, with its result (<c>NXDOMAIN</c>, <c>10.96.0.20</c>)</param>
/// <param name="Outcome">the lookup's outcome (Found, NxDomain, ...)</param>
/// <param name="Flows">the DNS exchanges' flow traces</param>
public sealed record DnsLookupTrace(string Name, IReadOnlyList<(string Name, string Result)> Candidates, string Outcome, IReadOnlyList<FlowTrace> Flows);

/// <summary>One frame of the traced flow on one device.</summary>
/// <param name="Time">virtual time</param>
/// <param name="Namespace">the device's network namespace</param>
/// <param name="Device">the device</param>
/// <param name="Outgoing">sent (true) or received (false) by the device</param>
/// <param name="Data">the Ethernet frame</param>
public sealed record TracedFrame(TimeSpan Time, string Namespace, string Device, bool Outgoing, byte[] Data);

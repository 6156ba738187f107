namespace Podnet.Kernel.Sockets;

/// <summary>Options of an outgoing connection.</summary>
public sealed record TcpConnectOptions
{
    /// <summary>Give up (ETIMEDOUT) after this much virtual time (like curl's --connect-timeout); null = the kernel's SYN retries.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Bind to this local address first (0 = chosen by routing).</summary>
    public uint LocalAddress { get; init; }

    /// <summary>Bind to this local port first (0 = ephemeral).</summary>
    public ushort LocalPort { get; init; }

    /// <summary>SO_REUSEADDR for the explicit bind.</summary>
    public bool ReuseAddress { get; init; }

    /// <summary>Trace sink for this connection's packets, both directions (null = not traced).</summary>
    public Tracing.ITraceSink? Trace { get; init; }
}

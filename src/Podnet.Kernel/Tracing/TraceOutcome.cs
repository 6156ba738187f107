using Podnet.Kernel.Sockets;

namespace Podnet.Kernel.Tracing;

/// <summary>How a traced flow ended (DESIGN.md §5). Outcomes are values, never exceptions.</summary>
public enum TraceOutcome
{
    /// <summary>Not finished (or not yet classified).</summary>
    Unknown,
    /// <summary>Reached the destination socket (and, for request/response, the answer came back).</summary>
    Delivered,
    /// <summary>Actively refused: TCP RST or ICMP port/protocol unreachable (ECONNREFUSED).</summary>
    Refused,
    /// <summary>Silently discarded on the way (netfilter DROP, blackhole route, rp_filter, martian...).</summary>
    Dropped,
    /// <summary>Rejected by a netfilter REJECT rule with an ICMP error other than port unreachable.</summary>
    Rejected,
    /// <summary>No answer within the time allowed (ETIMEDOUT / EAGAIN).</summary>
    TimedOut,
    /// <summary>No route (ENETUNREACH), locally or as ICMP net unreachable from a router.</summary>
    NoRoute,
    /// <summary>Neighbour resolution failed or ICMP host unreachable (EHOSTUNREACH, "No route to host").</summary>
    HostUnreachable,
    /// <summary>The TTL ran out on the way (ICMP time exceeded).</summary>
    TtlExceeded,
    /// <summary>A name did not resolve (used by resolvers above the kernel).</summary>
    NxDomain,
}

/// <summary>Maps socket results to trace outcomes.</summary>
public static class TraceOutcomes
{
    /// <summary>The outcome a socket call's errno means.</summary>
    public static TraceOutcome FromErrno(Errno e) => e switch
    {
        Errno.None => TraceOutcome.Delivered,
        Errno.ECONNREFUSED => TraceOutcome.Refused,
        Errno.ETIMEDOUT or Errno.EAGAIN => TraceOutcome.TimedOut,
        Errno.EHOSTUNREACH => TraceOutcome.HostUnreachable,
        Errno.ENETUNREACH => TraceOutcome.NoRoute,
        Errno.EINVAL or Errno.EPERM or Errno.EACCES => TraceOutcome.Dropped,
        Errno.ECONNRESET => TraceOutcome.Refused,
        _ => TraceOutcome.Unknown,
    };
}

using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Sockets;

/// <summary>What came back for one echo request.</summary>
public enum PingStatus
{
    /// <summary>An echo reply.</summary>
    Reply,
    /// <summary>ICMP time exceeded from a router on the way (TTL ran out): what traceroute looks for.</summary>
    TimeExceeded,
    /// <summary>ICMP destination unreachable (see <see cref="PingReply.Code"/>).</summary>
    Unreachable,
    /// <summary>Nothing within the timeout.</summary>
    Timeout,
    /// <summary>The request could not be sent (<see cref="PingReply.Error"/>: ENETUNREACH, EINVAL, ...).</summary>
    SendError,
}

/// <summary>One answer to an echo request, as <c>ping</c> prints it (from, icmp_seq, ttl, time).</summary>
public readonly record struct PingReply(PingStatus Status, uint From, ushort Sequence, byte Ttl, byte Code, TimeSpan RoundTrip, Errno Error = Errno.None, int Bytes = 0)
{
    public override string ToString() => Status switch
    {
        PingStatus.Reply => $"{Bytes} bytes from {Ipv4Address.Format(From)}: icmp_seq={Sequence} ttl={Ttl} time={RoundTrip.TotalMilliseconds:0.000} ms",
        PingStatus.TimeExceeded => $"From {Ipv4Address.Format(From)} icmp_seq={Sequence} Time to live exceeded",
        PingStatus.Unreachable => $"From {Ipv4Address.Format(From)} icmp_seq={Sequence} Destination {(Code switch { 0 => "Net", 3 => "Port", 2 => "Protocol", _ => "Host" })} {(Code is 9 or 10 or 13 ? "Prohibited" : "Unreachable")}",
        PingStatus.SendError => $"ping: sendmsg: {Error.Message()}",
        _ => $"no answer for icmp_seq={Sequence}",
    };
}

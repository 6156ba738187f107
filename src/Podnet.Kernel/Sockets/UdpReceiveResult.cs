using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Sockets;

/// <summary>
/// What one <c>recvfrom</c> on a UDP socket returned: a datagram, or an error. With
/// <see cref="UdpSocket.ReceiveErrors"/> (IP_RECVERR) an ICMP error carries its origin and type/code,
/// which is what traceroute reads.
/// </summary>
public readonly record struct UdpReceiveResult(Errno Error, byte[] Data, Ipv4Endpoint From, uint ErrorOrigin = 0, byte IcmpType = 0, byte IcmpCode = 0)
{
    public bool Ok => Error == Errno.None;

    /// <summary>True when the error came from an ICMP time exceeded (a traceroute hop).</summary>
    public bool TimeExceeded => IcmpType == IcmpHeader.TimeExceeded;
}

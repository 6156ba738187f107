using System.Net;

namespace Podnet.Cluster.Dns.Server;

/// <summary>Listening address and flood limits of <see cref="DnsServer"/> (CoreDNS's <c>.:53</c> server block
/// plus the bounds bind9's <c>tcp-clients</c>/<c>tcp-idle-timeout</c> express).</summary>
public sealed record DnsServerOptions
{
    /// <summary>Default address: loopback port 5353 (an unprivileged port; 53 needs root).</summary>
    public static readonly IPEndPoint DefaultListen = new(IPAddress.Loopback, 5353);

    /// <summary>Where UDP and TCP listen; port 0 picks a free port (the same for both).</summary>
    public IPEndPoint Listen { get; init; } = DefaultListen;

    /// <summary>Concurrent UDP receive loops (each handles one datagram at a time; excess waits in the kernel buffer
    /// and is dropped by the kernel when that is full, so memory stays bounded).</summary>
    public int UdpWorkers { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>Most TCP connections open at once; further connections are closed at accept.</summary>
    public int MaxTcpConnections { get; init; } = 128;

    /// <summary>A TCP connection with no complete query for this long is closed (RFC 7766 §6.2.3).</summary>
    public TimeSpan TcpIdleTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Queries answered on one TCP connection before it is closed.</summary>
    public int MaxQueriesPerTcpConnection { get; init; } = 10_000;
}

namespace Podnet.Kernel.Stack;

/// <summary>The per-interface IPv4 sysctls that matter (<c>net.ipv4.conf.IFACE.*</c>; also <c>all</c> and <c>default</c>).</summary>
public sealed class Ipv4DeviceConfig
{
    /// <summary><c>rp_filter</c>: 0 off, 1 strict, 2 loose.</summary>
    public int RpFilter { get; set; }

    /// <summary><c>route_localnet</c>: accept and route 127.0.0.0/8 on this non-loopback interface.</summary>
    public bool RouteLocalnet { get; set; }

    /// <summary><c>forwarding</c>.</summary>
    public bool Forwarding { get; set; }

    public Ipv4DeviceConfig Copy() => new() { RpFilter = RpFilter, RouteLocalnet = RouteLocalnet, Forwarding = Forwarding };
}

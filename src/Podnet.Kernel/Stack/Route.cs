using System.Globalization;
using System.Text;
using Podnet.Kernel.Links;
using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Stack;

/// <summary>One FIB entry (<c>struct fib_alias</c> + nexthop), as <c>ip route</c> prints it.</summary>
public sealed record Route(
    Ipv4Prefix Destination,
    RouteType Type,
    uint Gateway,
    NetDevice? Device,
    uint PreferredSource,
    RouteScope Scope,
    string? Protocol,
    int Metric,
    bool Onlink = false)
{
    /// <summary>Table id: 255 local, 254 main.</summary>
    public int Table { get; init; } = 254;

    /// <summary>The line <c>ip route show</c> prints (without the table for main).</summary>
    public string Format(bool showTable = false)
    {
        var sb = new StringBuilder();
        if (Type != RouteType.Unicast) sb.Append(Type.ToString().ToLowerInvariant()).Append(' ');
        sb.Append(Destination.Length == 0 && Type == RouteType.Unicast ? "default" : Destination.Length == 32 ? Ipv4Address.Format(Destination.Network) : new Ipv4Prefix(Destination.Network, Destination.Length).ToString());
        if (Gateway != 0) sb.Append(" via ").Append(Ipv4Address.Format(Gateway));
        if (Device != null) sb.Append(" dev ").Append(Device.Name);
        if (showTable && Table == 255) sb.Append(" table local");
        if (Protocol != null && Protocol != "boot") sb.Append(" proto ").Append(Protocol);
        var defaultScope = Type is RouteType.Local ? RouteScope.Host : Type is RouteType.Broadcast ? RouteScope.Link : RouteScope.Universe;
        if (Scope != defaultScope || (Scope != RouteScope.Universe && Type == RouteType.Unicast))
            sb.Append(" scope ").Append(Scope switch { RouteScope.Link => "link", RouteScope.Host => "host", _ => "global" });
        else if (Type is RouteType.Local or RouteType.Broadcast)
            sb.Append(" scope ").Append(Scope == RouteScope.Host ? "host" : "link");
        if (PreferredSource != 0) sb.Append(" src ").Append(Ipv4Address.Format(PreferredSource));
        if (Metric != 0) sb.Append(" metric ").Append(Metric.ToString(CultureInfo.InvariantCulture));
        if (Onlink) sb.Append(" onlink");
        if (Device != null && Type == RouteType.Unicast && !Device.Carrier) sb.Append(" linkdown");
        sb.Append(' ');
        return sb.ToString();
    }
}

namespace Podnet.Kernel.Stack;

/// <summary>Route types (RTN_*), as the first word of an <c>ip route</c> line.</summary>
public enum RouteType
{
    Unicast,
    Local,
    Broadcast,
    Blackhole,
    Unreachable,
    Prohibit,
}

/// <summary>Route scopes (RT_SCOPE_*): universe (global), link, host.</summary>
public enum RouteScope
{
    Universe = 0,
    Link = 253,
    Host = 254,
}

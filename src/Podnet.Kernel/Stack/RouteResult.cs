using Podnet.Kernel.Links;

namespace Podnet.Kernel.Stack;

/// <summary>The outcome of a route lookup for one destination (a <c>struct rtable</c>): route, output device, next hop, source.</summary>
public readonly record struct RouteResult(Route Route, NetDevice Device, uint NextHop, uint Source)
{
    public RouteType Type => Route.Type;
    public bool IsLocal => Route.Type is RouteType.Local or RouteType.Broadcast;
}

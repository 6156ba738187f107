using Podnet.Kernel.Links;
using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Stack;

/// <summary>An IPv4 address on an interface (<c>struct in_ifaddr</c>), as <c>ip addr</c> prints it.</summary>
public sealed record InterfaceAddress(NetDevice Device, Ipv4Prefix Prefix, uint Broadcast, RouteScope Scope)
{
    public uint Address => Prefix.Address;
}

namespace Podnet.Kernel.Netfilter;

/// <summary>
/// What netfilter needs to ask of the network namespace it lives in: address types
/// (<c>-m addrtype</c>, <c>fib daddr type</c>), the address MASQUERADE picks, virtual time and randomness.
/// Implemented by the namespace; netfilter never reaches into the stack otherwise.
/// </summary>
public interface INetfilterHost
{
    /// <summary>True when <paramref name="address"/> is assigned to any interface in this namespace (RTN_LOCAL).</summary>
    bool IsLocalAddress(uint address);

    /// <summary>The routing type of an address as the kernel's fib sees it.</summary>
    AddressType GetAddressType(uint address);

    /// <summary>The source address MASQUERADE uses for a packet leaving by <paramref name="outInterface"/> towards <paramref name="destination"/>, or null if the interface has none.</summary>
    uint? MasqueradeAddress(string outInterface, uint destination);

    /// <summary>Current virtual time.</summary>
    TimeSpan Now { get; }

    /// <summary>The namespace's seeded random source (statistic, numgen, random ports).</summary>
    Random Random { get; }
}

/// <summary>Address types as in <c>-m addrtype --dst-type</c> (RTN_* route types).</summary>
public enum AddressType
{
    Unspec,
    Unicast,
    Local,
    Broadcast,
    Anycast,
    Multicast,
    Blackhole,
    Unreachable,
    Prohibit,
}

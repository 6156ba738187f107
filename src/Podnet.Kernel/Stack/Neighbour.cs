using Podnet.Kernel.Links;
using Podnet.Kernel.Simulation;
using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Stack;

/// <summary>One neighbour cache entry (<c>struct neighbour</c>): an IPv4 address on a device and its MAC.</summary>
public sealed class Neighbour
{
    internal Neighbour(NetDevice device, uint address)
    {
        Sequence = device.Namespace.NextNeighbourSequence();
        Device = device;
        Address = address;
    }

    public NetDevice Device { get; }

    /// <summary>Creation order (the listing shows newer entries first, as the kernel's hash walk does here).</summary>
    internal long Sequence { get; }

    public uint Address { get; }

    public MacAddress Mac { get; internal set; }

    public bool HasMac { get; internal set; }

    internal NudState RawState { get; set; } = NudState.Incomplete;

    /// <summary>Last confirmation (ARP reply seen), virtual time.</summary>
    public TimeSpan Confirmed { get; internal set; }

    internal int Probes { get; set; }

    internal Queue<Frame>? Pending { get; set; }

    internal LoopTimer? Timer { get; set; }

    /// <summary>The state as <c>ip neigh</c> shows it now (REACHABLE decays to STALE after 30 s).</summary>
    public NudState StateAt(TimeSpan now) =>
        RawState == NudState.Reachable && now - Confirmed > NetNamespace.ReachableTime ? NudState.Stale : RawState;
}

namespace Podnet.Kernel.Stack;

/// <summary>Neighbour (ARP) entry states, NUD_* as <c>ip neigh</c> prints them.</summary>
public enum NudState
{
    Incomplete,
    Reachable,
    Stale,
    Delay,
    Probe,
    Failed,
    Noarp,
    Permanent,
}

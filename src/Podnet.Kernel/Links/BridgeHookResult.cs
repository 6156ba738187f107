namespace Podnet.Kernel.Links;

/// <summary>What running a br_netfilter hook on a bridged frame did.</summary>
internal enum BridgeHookResult
{
    /// <summary>Accepted unchanged (or with only source-side rewrites): keep bridging.</summary>
    Continue,
    /// <summary>Dropped or rejected: the frame is gone.</summary>
    Stolen,
    /// <summary>DNAT changed the destination address: hand the packet to IP routing.</summary>
    DestinationChanged,
}

namespace Podnet.Kernel.Links;

/// <summary>Per-device statistics, as <c>struct rtnl_link_stats64</c> (<c>ip -s link</c>).</summary>
public sealed class DeviceCounters
{
    public long RxPackets;
    public long RxBytes;
    public long RxDropped;
    public long TxPackets;
    public long TxBytes;
    public long TxDropped;
}

namespace Podnet.Kernel.Stack;

/// <summary>Per-namespace protocol statistics, the subset of <c>/proc/net/snmp</c> and <c>netstat -s</c> the emulator keeps.</summary>
public sealed class StackCounters
{
    public long InReceives;
    public long InHdrErrors;
    public long InAddrErrors;
    public long InNoRoutes;
    public long InDelivers;
    public long ForwDatagrams;
    public long OutRequests;
    public long OutNoRoutes;
    public long InDiscards;
    public long MartianDrops;
    public long TtlExceeded;
    public long ArpMalformed;
    public long IcmpInErrors;
    public long IcmpOutErrors;
    public long TcpInErrs;
    public long TcpOutRsts;
    public long UdpInErrors;
    public long UdpNoPorts;
    public long NetfilterDrops;
    public long NeighbourFailures;
    /// <summary>Frames dropped because they were not for this host (PACKET_OTHERHOST) or had an unknown EtherType.</summary>
    public long OtherHostDrops;
}

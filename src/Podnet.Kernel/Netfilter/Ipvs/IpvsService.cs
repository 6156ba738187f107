namespace Podnet.Kernel.Netfilter.Ipvs;

/// <summary>An IPVS virtual service (<c>ipvsadm -A -t|-u ADDR:PORT -s SCHED [-p TIMEOUT]</c>).</summary>
public sealed class IpvsService
{
    internal IpvsService(byte protocol, uint address, ushort port, string scheduler)
    {
        Protocol = protocol;
        Address = address;
        Port = port;
        Scheduler = scheduler;
    }

    /// <summary>6 (TCP) or 17 (UDP).</summary>
    public byte Protocol { get; }
    public uint Address { get; }
    public ushort Port { get; }
    /// <summary>rr, wrr, lc, wlc, sh.</summary>
    public string Scheduler { get; internal set; }
    /// <summary>Persistence timeout (<c>-p</c>), or null when not persistent.</summary>
    public TimeSpan? Persistent { get; internal set; }
    internal List<IpvsRealServer> Servers { get; } = new();
    public IReadOnlyList<IpvsRealServer> RealServers => Servers;

    // scheduler state
    internal int RrIndex = -1;
    internal int WrrCurrentWeight;
    internal IpvsRealServer?[]? ShTable;
}

/// <summary>An IPVS real server (<c>ipvsadm -a ... -r ADDR:PORT -m -w WEIGHT</c>), masquerading forwarding.</summary>
public sealed class IpvsRealServer
{
    internal IpvsRealServer(uint address, ushort port, int weight)
    {
        Address = address;
        Port = port;
        Weight = weight;
    }

    public uint Address { get; }
    public ushort Port { get; }
    public int Weight { get; internal set; }
    /// <summary>Connections in ESTABLISHED state (ActiveConn).</summary>
    public int ActiveConnections { get; internal set; }
    /// <summary>Other connections (InActConn).</summary>
    public int InactiveConnections { get; internal set; }
}

/// <summary>An IPVS connection entry (<c>struct ip_vs_conn</c>): client, virtual and real endpoints, state and expiry.</summary>
public sealed class IpvsConnection
{
    internal IpvsConnection(byte protocol, uint client, ushort clientPort, uint vaddr, ushort vport, IpvsRealServer server)
    {
        Protocol = protocol;
        Client = client;
        ClientPort = clientPort;
        VirtualAddress = vaddr;
        VirtualPort = vport;
        Server = server;
    }

    public byte Protocol { get; }
    public uint Client { get; }
    public ushort ClientPort { get; }
    public uint VirtualAddress { get; }
    public ushort VirtualPort { get; }
    public IpvsRealServer Server { get; }
    /// <summary>IPVS TCP state name (SYN_RECV, ESTABLISHED, FIN_WAIT, CLOSE, ...) or UDP.</summary>
    public string State { get; internal set; } = "NONE";
    public TimeSpan Expires { get; internal set; }
    internal bool Active;
}

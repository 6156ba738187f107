using System.Net;

namespace Podnet.Cluster.KubeProxy.Ipvs;

/// <summary>An IPVS real server (<c>ipvsadm -a -t VIP:PORT -r IP:PORT -m -w WEIGHT</c>): one endpoint.</summary>
public sealed record IpvsRealServer(IPAddress Address, int Port, int Weight = 1)
{
    /// <inheritdoc/>
    public override string ToString() => Address + ":" + Port + " weight " + Weight;
}

/// <summary>
/// An IPVS virtual service (<c>ipvsadm -A -t|-u|--sctp-service VIP:PORT -s SCHED [-p TIMEOUT]</c>)
/// with its real servers, masquerading forwarding. <see cref="Persistent"/> is ClientIP affinity.
/// </summary>
public sealed record IpvsVirtualServer(IPAddress Address, int Port, L4Protocol Protocol, string Scheduler,
    bool Persistent, int Timeout, bool SourceHash, IReadOnlyList<IpvsRealServer> RealServers)
{
    /// <summary>The service key as upstream prints it: <c>IP:PORT/PROTO</c>.</summary>
    public string Key => (Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "[" + Address + "]" : Address.ToString())
        + ":" + Port + "/" + Protocol.Api();
}

/// <summary>The kind of an ipset (<c>ipset create NAME TYPE</c>).</summary>
public enum IpSetType
{
    /// <summary><c>hash:ip</c>.</summary>
    HashIP,

    /// <summary><c>hash:ip,port</c>.</summary>
    HashIPPort,

    /// <summary><c>hash:ip,port,ip</c>.</summary>
    HashIPPortIP,

    /// <summary><c>hash:ip,port,net</c>.</summary>
    HashIPPortNet,

    /// <summary><c>bitmap:port</c>.</summary>
    BitmapPort,
}

/// <summary>One ipset entry as upstream's <c>utilipset.Entry</c>; <see cref="ToString"/> is the <c>ipset add</c> text.</summary>
public sealed record IpSetEntry(IpSetType SetType, string? IP, int Port, string Protocol, string? IP2 = null, string? Net = null)
{
    /// <summary><c>1.2.3.4</c>, <c>1.2.3.4,tcp:80</c>, <c>1.2.3.4,tcp:80,5.6.7.8</c>, <c>1.2.3.4,tcp:80,10.0.0.0/8</c> or <c>30001</c>.</summary>
    public override string ToString() => SetType switch
    {
        IpSetType.HashIP => IP!,
        IpSetType.HashIPPort => IP + "," + Protocol + ":" + Port,
        IpSetType.HashIPPortIP => IP + "," + Protocol + ":" + Port + "," + IP2,
        IpSetType.HashIPPortNet => IP + "," + Protocol + ":" + Port + "," + Net,
        _ => Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>A kube-proxy ipset with its desired entries (sorted as text).</summary>
public sealed record IpSetState(string Name, IpSetType Type, string Comment, IReadOnlyList<IpSetEntry> Entries)
{
    /// <summary>ipset's type keyword, e.g. <c>hash:ip,port</c>.</summary>
    public string TypeName => Type switch
    {
        IpSetType.HashIP => "hash:ip",
        IpSetType.HashIPPort => "hash:ip,port",
        IpSetType.HashIPPortIP => "hash:ip,port,ip",
        IpSetType.HashIPPortNet => "hash:ip,port,net",
        _ => "bitmap:port",
    };
}

namespace Podnet.Kernel.Netfilter.Conntrack;

/// <summary>Linux default conntrack timeouts (<c>net.netfilter.nf_conntrack_*_timeout*</c>).</summary>
public static class ConntrackTimeouts
{
    public static readonly TimeSpan TcpSynSent = TimeSpan.FromSeconds(120);
    public static readonly TimeSpan TcpSynRecv = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan TcpEstablished = TimeSpan.FromSeconds(432000);
    public static readonly TimeSpan TcpFinWait = TimeSpan.FromSeconds(120);
    public static readonly TimeSpan TcpCloseWait = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan TcpLastAck = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan TcpTimeWait = TimeSpan.FromSeconds(120);
    public static readonly TimeSpan TcpClose = TimeSpan.FromSeconds(10);
    /// <summary>nf_conntrack_udp_timeout: unreplied flows (and replied ones younger than 2 s).</summary>
    public static readonly TimeSpan Udp = TimeSpan.FromSeconds(30);
    /// <summary>nf_conntrack_udp_timeout_stream: replied flows still active after 2 s.</summary>
    public static readonly TimeSpan UdpStream = TimeSpan.FromSeconds(120);
    public static readonly TimeSpan Icmp = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan Generic = TimeSpan.FromSeconds(600);

    // the TCP timeouts indexed by state (a table read instead of a switch over static fields per packet)
    private static readonly TimeSpan[] TcpByState =
        [TcpClose, TcpSynSent, TcpSynRecv, TcpEstablished, TcpFinWait, TcpCloseWait, TcpLastAck, TcpTimeWait, TcpClose];

    public static TimeSpan ForTcp(TcpConntrackState s) => (uint)s < (uint)TcpByState.Length ? TcpByState[(int)s] : TcpClose;
}

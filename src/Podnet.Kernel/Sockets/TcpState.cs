namespace Podnet.Kernel.Sockets;

/// <summary>TCP states (TCP_* in include/net/tcp_states.h), as <c>ss</c> names them.</summary>
public enum TcpState
{
    Closed,
    Listen,
    SynSent,
    SynReceived,
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    Closing,
    LastAck,
    TimeWait,
}

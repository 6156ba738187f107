namespace Podnet.Kernel.Sockets;

/// <summary>What one <c>recv</c> on a TCP socket returned: bytes read (0 = the peer closed, EOF) or an error.</summary>
public readonly record struct TcpReadResult(int Count, Errno Error)
{
    public bool EndOfStream => Count == 0 && Error == Errno.None;
}

namespace Podnet.Kernel.Sockets;

/// <summary>An entry of a port's bind bucket (<c>inet_bind_bucket</c> owner): who holds the port, on which address.</summary>
internal sealed class TcpBinding(uint address, ushort port, bool reuse, bool listening, object owner)
{
    public uint Address { get; } = address;
    public ushort Port { get; } = port;
    public bool Reuse { get; } = reuse;
    public bool Listening { get; set; } = listening;
    public object Owner { get; } = owner;
}

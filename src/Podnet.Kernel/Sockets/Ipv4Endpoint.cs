using System.Globalization;
using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Sockets;

/// <summary>An IPv4 socket address (<c>struct sockaddr_in</c>): address in host byte order and port.</summary>
public readonly record struct Ipv4Endpoint(uint Address, ushort Port)
{
    public static Ipv4Endpoint Parse(string address, int port) => new(Ipv4Address.Parse(address), checked((ushort)port));

    public override string ToString() => $"{Ipv4Address.Format(Address)}:{Port.ToString(CultureInfo.InvariantCulture)}";
}

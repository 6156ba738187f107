using Podnet.Kernel.Sockets;

namespace Podnet.Cluster.Images.Tls;

/// <summary>
/// What an HTTPS handler knows about its connection: the client's address as the server socket saw it,
/// the SNI name (nginx's <c>$ssl_server_name</c>), the protocol and cipher (<c>$ssl_protocol</c>, <c>$ssl_cipher</c>).
/// </summary>
public sealed record TlsConnectionInfo(Ipv4Endpoint Client, string? ServerName, string Protocol, string Cipher)
{
    internal static TlsConnectionInfo Of(TlsStream tls, Ipv4Endpoint client) => new(client, tls.ServerName, tls.Protocol, tls.Cipher);
}

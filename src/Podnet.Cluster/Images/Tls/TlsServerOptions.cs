using System.Net.Security;
using System.Security.Authentication;

namespace Podnet.Cluster.Images.Tls;

/// <summary>nginx's <c>ssl_protocols</c> (ingress-nginx default: TLSv1.2 TLSv1.3) and ALPN protocols offered.</summary>
public sealed record TlsServerOptions
{
    /// <summary>Enabled protocol versions.</summary>
    public SslProtocols Protocols { get; init; } = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>ALPN protocols the server accepts; empty = no ALPN (curl then prints "server did not agree on a protocol").</summary>
    public List<SslApplicationProtocol>? ApplicationProtocols { get; init; } = [SslApplicationProtocol.Http11];
}

/// <summary>
/// A finished server handshake: the decrypted <see cref="TlsStream"/> and the SNI name the client
/// sent, or the <see cref="Error"/> text when the handshake failed.
/// </summary>
public sealed record TlsServerResult(TlsStream? Stream, string? ServerName, string? Error)
{
    /// <summary>True when the handshake completed.</summary>
    public bool Succeeded => Stream is not null;
}

using System.Collections.Concurrent;
using Podnet.Cluster.Images.Programs;
using Podnet.Cluster.Ingresses;

namespace Podnet.Cluster.Images.Tls;

/// <summary>
/// The ingress controller's TLS (nginx's <c>ssl_certificate_by_lua</c> over OpenSSL): the server side
/// of each handshake on 443 presents the certificate <see cref="IngressCertificateSelector"/> chose
/// for the client's SNI (a <c>kubernetes.io/tls</c> Secret's, or the controller's fake certificate),
/// and upstream connections to <c>backend-protocol: HTTPS</c> backends are TLS clients without
/// verification (nginx's default <c>proxy_ssl_verify off</c>). Both run over <see cref="TcpSocketStream"/>
/// so the handshakes stay on the event loop.
/// </summary>
public static class IngressTlsTermination
{
    private static readonly ConcurrentDictionary<string, TlsCertificate> Certificates = new(StringComparer.Ordinal);

    /// <summary>The seam <see cref="IngressNginxProgram"/> takes.</summary>
    public static IngressNginxTls Seam { get; } = new(AcceptAsync, ConnectAsync);

    private static async Task<(Stream Stream, string? Sni)?> AcceptAsync(Stream plain, Func<string?, IngressCertificateChoice> select)
    {
        if (plain is not TcpSocketStream transport) throw new ArgumentException("TLS needs an emulated socket stream", nameof(plain));
        var result = await TlsServer.AuthenticateAsync(transport, sni => CertificateFor(select(sni)));
        if (result.Stream is null)
        {
            transport.Abort();
            return null;
        }
        return (result.Stream, result.Stream.ServerName);
    }

    private static TlsCertificate CertificateFor(IngressCertificateChoice choice)
    {
        if (choice.UseFakeCertificate) return IngressFakeCertificate.Certificate;
        var key = choice.CertificatePem + "\n" + choice.KeyPem;
        return Certificates.GetOrAdd(key, _ => TlsCertificates.FromPem(choice.CertificatePem!, choice.KeyPem!));
    }

    private static async Task<Stream?> ConnectAsync(Stream plain, string serverName)
    {
        if (plain is not TcpSocketStream transport) return null;
        var options = new TlsClientOptions(serverName, 443, [], DateTimeOffset.UnixEpoch) { Insecure = true };
        var result = await TlsClient.ConnectAsync(transport, options);
        return result.Stream;
    }
}

using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Podnet.Cluster.Images.Tls;

/// <summary>
/// The server side of a TLS handshake over an emulated connection, with the certificate chosen by the
/// client's SNI: what nginx does with <c>ssl_certificate</c> per <c>server_name</c> (ingress-nginx's
/// Lua <c>ssl_certificate_by_lua</c>). The handshake is .NET's <see cref="SslStream"/> (OpenSSL on
/// Linux) running over a <see cref="TcpSocketStream"/>, so it runs on the event loop in virtual time.
/// </summary>
public static class TlsServer
{
    /// <summary>
    /// Runs the handshake on <paramref name="transport"/> (a <see cref="TcpSocketStream"/> over an
    /// accepted socket), on the event loop. <paramref name="selectCertificate"/> gets the SNI host name (null when the client
    /// sent none, e.g. it connected to an IP address) and returns the certificate to present. Returns the
    /// decrypted stream, or the handshake error as a value. On failure the transport is left open (the
    /// caller closes it, as nginx closes the connection after a failed handshake).
    /// </summary>
    public static async Task<TlsServerResult> AuthenticateAsync(TcpSocketStream transport, Func<string?, TlsCertificate> selectCertificate, TlsServerOptions? options = null)
    {
        options ??= new TlsServerOptions();
        var ssl = new SslStream(transport, leaveInnerStreamOpen: true);
        string? sni = null;
        try
        {
            await transport.Guard(ssl.AuthenticateAsServerAsync((stream, hello, state, ct) =>
            {
                sni = string.IsNullOrEmpty(hello.ServerName) ? null : hello.ServerName;
                // .NET calls this from a thread-pool thread: the selector runs on the loop, like the rest of the program.
                return new ValueTask<SslServerAuthenticationOptions>(transport.OnLoop(() => new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = selectCertificate(sni).Context,
                    EnabledSslProtocols = options.Protocols,
                    ClientCertificateRequired = false,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    ApplicationProtocols = options.ApplicationProtocols,
                }));
            }, null, CancellationToken.None));
            return new TlsServerResult(new TlsStream(ssl, transport, sni), sni, null);
        }
        catch (Exception e)
        {
            // A handshake error, or a selector that failed: nginx logs it and closes the connection.
            ssl.Dispose();
            return new TlsServerResult(null, sni, e is AuthenticationException or IOException ? e.InnerException?.Message ?? e.Message : e.GetType().Name + ": " + e.Message);
        }
    }

    /// <summary>The same with a selector returning a bare certificate (with its private key).</summary>
    public static Task<TlsServerResult> AuthenticateAsync(TcpSocketStream transport, Func<string?, X509Certificate2> selectCertificate, TlsServerOptions? options = null) =>
        AuthenticateAsync(transport, sni => (TlsCertificate)selectCertificate(sni), options);
}

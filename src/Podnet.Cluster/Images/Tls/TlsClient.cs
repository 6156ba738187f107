using System.Globalization;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Podnet.Cluster.Images.Tls;

/// <summary>
/// The client side of TLS as curl 8 with OpenSSL 3 runs it over an emulated connection: SNI (not for
/// IP addresses), ALPN <c>h2,http/1.1</c>, the peer's chain verified against the CA bundle at the
/// emulation's time (OpenSSL's <c>X509_verify_cert</c> errors: 18 self-signed certificate, 19
/// self-signed certificate in certificate chain, 20 unable to get local issuer certificate, 10
/// certificate has expired, 9 not yet valid), then the host name (curl's <c>ossl_verifyhost</c>).
/// Failures are values carrying curl's exit code and message, never exceptions.
/// </summary>
public static class TlsClient
{
    /// <summary>OpenSSL's version as curl reports it in handshake errors.</summary>
    public const string OpenSslVersion = "OpenSSL/3.0.13";

    /// <summary>Runs the handshake on <paramref name="transport"/>.</summary>
    public static async Task<TlsClientResult> ConnectAsync(TcpSocketStream transport, TlsClientOptions options)
    {
        var verbose = new List<string> { "* ALPN: curl offers h2,http/1.1" };
        if (!options.Insecure)
        {
            verbose.Add("*  CAfile: " + options.CaFile);
            verbose.Add("*  CApath: " + (options.CaPath ?? "none"));
        }
        Verdict? verdict = null;
        X509Certificate2? leaf = null;
        var ssl = new SslStream(transport, leaveInnerStreamOpen: true);
        var auth = new SslClientAuthenticationOptions
        {
            // .NET leaves SNI out for IP literals, as curl does.
            TargetHost = options.Host,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = (_, cert, chain, _) =>
            {
                if (cert is null)
                {
                    verdict = new Verdict(60, "SSL: couldn't get peer certificate", null);
                    return options.Insecure;
                }
                leaf = cert as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(cert.GetRawCertData());
                verdict = Verify(leaf, chain, options);
                return options.Insecure || verdict.Code == 0;
            },
        };
        try
        {
            await transport.Guard(ssl.AuthenticateAsClientAsync(auth));
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            ssl.Dispose();
            if (verdict is { Code: not 0 } v && !options.Insecure)
            {
                verbose.Add("* " + v.Message);
                return new TlsClientResult(null, v.Code, v.Message, verbose) { ServerCertificate = leaf };
            }
            var msg = HandshakeError(transport, options);
            verbose.Add("* " + msg);
            return new TlsClientResult(null, 35, msg, verbose) { ServerCertificate = leaf };
        }
        verbose.Add($"* SSL connection using {TlsNames.Protocol(ssl.SslProtocol)} / {TlsNames.OpenSslCipher(ssl.NegotiatedCipherSuite)}");
        verbose.Add(ssl.NegotiatedApplicationProtocol == default
            ? "* ALPN: server did not agree on a protocol. Uses default."
            : "* ALPN: server accepted " + ssl.NegotiatedApplicationProtocol);
        if (leaf is not null)
        {
            verbose.Add("* Server certificate:");
            verbose.Add("*  subject: " + TlsNames.OneLine(leaf.SubjectName));
            verbose.Add("*  start date: " + TlsNames.Asn1Time(leaf.NotBefore.ToUniversalTime()));
            verbose.Add("*  expire date: " + TlsNames.Asn1Time(leaf.NotAfter.ToUniversalTime()));
            if (!options.Insecure && verdict?.Matched is { } m) verbose.Add(m);
            verbose.Add("*  issuer: " + TlsNames.OneLine(leaf.IssuerName));
            verbose.Add(options.Insecure && verdict is { Code: not 0, OpenSslError: { } oe }
                ? $"*  SSL certificate verify result: {oe}, continuing anyway."
                : "*  SSL certificate verify ok.");
        }
        return new TlsClientResult(new TlsStream(ssl, transport, options.Host), 0, null, verbose) { ServerCertificate = leaf };
    }

    private sealed record Verdict(int Code, string Message, string? Matched)
    {
        public string? OpenSslError { get; init; }
    }

    private static Verdict Verify(X509Certificate2 leaf, X509Chain? presented, TlsClientOptions options)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(options.Trust);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = options.Now.UtcDateTime;
        if (presented is not null) chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
        bool built = chain.Build(leaf);
        var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (a, s) => a | s.Status);
        (int Number, string Text)? error = null;
        if (!built || flags != X509ChainStatusFlags.NoError)
        {
            bool selfSignedLeaf = leaf.SubjectName.RawData.AsSpan().SequenceEqual(leaf.IssuerName.RawData) && chain.ChainElements.Count == 1;
            if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0)
            {
                var top = chain.ChainElements[^1].Certificate;
                bool topSelfSigned = top.SubjectName.RawData.AsSpan().SequenceEqual(top.IssuerName.RawData);
                error = selfSignedLeaf ? (18, "self-signed certificate")
                    : topSelfSigned && (flags & X509ChainStatusFlags.PartialChain) == 0 ? (19, "self-signed certificate in certificate chain")
                    : (20, "unable to get local issuer certificate");
            }
            else if ((flags & X509ChainStatusFlags.NotTimeValid) != 0)
            {
                error = leaf.NotAfter.ToUniversalTime() < options.Now.UtcDateTime ? (10, "certificate has expired") : (9, "certificate is not yet valid");
            }
            else if ((flags & X509ChainStatusFlags.NotSignatureValid) != 0) error = (7, "certificate signature failure");
            else error = (26, "unsupported certificate purpose");
        }
        if (error is { } e)
        {
            return new Verdict(60, "SSL certificate problem: " + e.Text, null)
            {
                OpenSslError = e.Text + " (" + e.Number.ToString(CultureInfo.InvariantCulture) + ")",
            };
        }
        if (HostnameMatch.Matches(leaf, options.Host, out var matched))
        {
            bool viaSan = HostnameMatch.HasAltNames(leaf);
            return new Verdict(0, "", viaSan
                ? $"*  subjectAltName: host \"{options.Host}\" matched cert's \"{matched}\""
                : $"*  common name: {matched} (matched)");
        }
        return HostnameMatch.HasAltNames(leaf)
            ? new Verdict(60, $"SSL: no alternative certificate subject name matches target host name '{options.Host}'", null)
            : new Verdict(60, $"SSL: certificate subject name '{leaf.GetNameInfo(X509NameType.SimpleName, false)}' does not match target host name '{options.Host}'", null);
    }

    private static string HandshakeError(TcpSocketStream transport, TlsClientOptions options)
    {
        if (transport.LastError == Kernel.Sockets.Errno.ECONNRESET) return "Recv failure: Connection reset by peer";
        var first = transport.FirstBytes;
        if (first.Length == 0) return $"OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to {options.Host}:{options.Port.ToString(CultureInfo.InvariantCulture)} ";
        if (first[0] == 0x15) return OpenSslVersion + ": error:0A000410:SSL routines::sslv3 alert handshake failure";
        if (first[0] != 0x16) return OpenSslVersion + ": error:0A00010B:SSL routines::wrong version number";
        return $"OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to {options.Host}:{options.Port.ToString(CultureInfo.InvariantCulture)} ";
    }
}

using System.Security.Cryptography.X509Certificates;

namespace Podnet.Cluster.Images.Tls;

/// <summary>
/// What a TLS client (curl with OpenSSL) is told: the host name for SNI and verification, the CA
/// bundle (<c>--cacert</c> or the system bundle) and its path for <c>-v</c>, <c>-k</c>, and the time
/// certificates are checked at (the emulation's clock, so expiry follows virtual time).
/// </summary>
public sealed record TlsClientOptions(string Host, int Port, X509Certificate2Collection Trust, DateTimeOffset Now)
{
    /// <summary><c>-k/--insecure</c>: verify nothing, report the result and go on.</summary>
    public bool Insecure { get; init; }

    /// <summary>The CA file curl reports (<c>*  CAfile: ...</c>).</summary>
    public string CaFile { get; init; } = TrustBundle.SystemBundlePath;

    /// <summary>The CA directory curl reports, or null when <c>--cacert</c> replaced the defaults.</summary>
    public string? CaPath { get; init; } = TrustBundle.SystemCaPath;
}

/// <summary>
/// A finished client handshake: the decrypted stream, or curl's exit code (35 handshake, 60 peer
/// verification) and message; <see cref="Verbose"/> holds the <c>-v</c> lines in curl's shape.
/// </summary>
public sealed record TlsClientResult(TlsStream? Stream, int ExitCode, string? Error, IReadOnlyList<string> Verbose)
{
    /// <summary>The server's leaf certificate, when one was received.</summary>
    public X509Certificate2? ServerCertificate { get; init; }
}

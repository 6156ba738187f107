using System.Security.Cryptography.X509Certificates;

namespace Podnet.Cluster.Images.Tls;

/// <summary>
/// CA bundles as TLS clients read them: the distribution's system bundle
/// (<c>/etc/ssl/certs/ca-certificates.crt</c>, from the <c>ca-certificates</c> package) and PEM files
/// given with <c>--cacert</c>. The emulated system bundle holds one root, <see cref="PublicCa"/>, that
/// stands for the public web PKI: certificates it issues (<see cref="CertificateAuthority.Issue"/>) are
/// trusted by every emulated client without options, as a Let's Encrypt certificate is on a real pod.
/// The root's key is generated once per process.
/// </summary>
public static class TrustBundle
{
    /// <summary>Where curl (Debian/Ubuntu/Alpine builds) reads the system bundle.</summary>
    public const string SystemBundlePath = "/etc/ssl/certs/ca-certificates.crt";

    /// <summary>The directory curl reports as CApath.</summary>
    public const string SystemCaPath = "/etc/ssl/certs";

    private static readonly Lazy<CertificateAuthority> Public = new(
        () => new CertificateAuthority("Podnet Emulated Public Root CA", new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2099, 12, 31, 0, 0, 0, TimeSpan.Zero), "Podnet"),
        LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The emulated public root CA.</summary>
    public static CertificateAuthority PublicCa => Public.Value;

    /// <summary>The system bundle's PEM text.</summary>
    public static string SystemPem => PublicCa.CertificatePem;

    /// <summary>
    /// Parses a PEM bundle; null when it holds no certificate (curl then fails with exit 77,
    /// "error setting certificate file"). Private keys and other blocks are ignored.
    /// </summary>
    public static X509Certificate2Collection? Parse(string pem)
    {
        var c = new X509Certificate2Collection();
        try
        {
            c.ImportFromPem(pem);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
        return c.Count == 0 ? null : c;
    }
}

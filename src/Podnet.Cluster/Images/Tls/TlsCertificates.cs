using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Podnet.Cluster.Images.Tls;

/// <summary>
/// Loading server certificates from PEM (nginx's <c>ssl_certificate</c>/<c>ssl_certificate_key</c>
/// files, a <c>kubernetes.io/tls</c> Secret's <c>tls.crt</c>/<c>tls.key</c>).
/// </summary>
public static class TlsCertificates
{
    /// <summary>
    /// Parses <paramref name="certificatePem"/> (leaf first, then intermediates) and
    /// <paramref name="keyPem"/> (PKCS#8, PKCS#1 RSA or SEC1 EC). Throws <see cref="CryptographicException"/>
    /// with the reason when the text holds no certificate, no key, or a key of another certificate.
    /// </summary>
    public static TlsCertificate FromPem(string certificatePem, string keyPem)
    {
        var all = new X509Certificate2Collection();
        all.ImportFromPem(certificatePem);
        if (all.Count == 0) throw new CryptographicException("no certificate found in the PEM text");
        using var leaf = X509Certificate2.CreateFromPem(PemOf(all[0]), keyPem);
        return new TlsCertificate(Reload(leaf), [.. all.Cast<X509Certificate2>().Skip(1)]);
    }

    /// <summary>
    /// Re-imports a certificate with a private key through PKCS#12, so that its key is a persisted
    /// (non-ephemeral) key SslStream can use for a server handshake on every platform.
    /// </summary>
    public static X509Certificate2 Reload(X509Certificate2 withKey) =>
        X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);

    /// <summary>The PEM text of a certificate.</summary>
    public static string PemOf(X509Certificate2 cert) => cert.ExportCertificatePem() + "\n";
}

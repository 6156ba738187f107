using System.Security.Cryptography.X509Certificates;

namespace Podnet.Cluster.Images.Tls;

/// <summary>
/// A server certificate with its private key, usable by <see cref="TlsServer"/>, and the PEM texts that
/// go into a <c>kubernetes.io/tls</c> Secret (<c>tls.crt</c>, <c>tls.key</c>).
/// </summary>
public sealed record IssuedCertificate(X509Certificate2 Certificate, string CertificatePem, string PrivateKeyPem)
{
    /// <summary>The Secret's <c>data</c> (base64 of the PEM texts), as <c>kubectl create secret tls</c> writes it.</summary>
    public IReadOnlyDictionary<string, string> SecretData => new Dictionary<string, string>
    {
        ["tls.crt"] = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(CertificatePem)),
        ["tls.key"] = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(PrivateKeyPem)),
    };
}

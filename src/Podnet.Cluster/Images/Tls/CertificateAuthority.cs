using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Podnet.Cluster.Images.Tls;

/// <summary>
/// A certificate authority that signs server certificates: the equivalent of <c>openssl req -x509</c>
/// for the root and <c>openssl x509 -req -CA</c> for leaves (cert-manager's CA issuer does the same in a
/// cluster). Used for the emulated public CA of the pods' system bundle (<see cref="TrustBundle"/>) and
/// by tests and users who need their own CA for <c>curl --cacert</c>.
/// </summary>
public sealed class CertificateAuthority
{
    private readonly RSA _key;
    private long _serial = 0x1000;

    /// <summary>A new self-signed root CA named <paramref name="commonName"/> (RSA 2048, SHA-256), valid in [<paramref name="notBefore"/>, <paramref name="notAfter"/>].</summary>
    public CertificateAuthority(string commonName, DateTimeOffset notBefore, DateTimeOffset notAfter, string? organization = null)
    {
        _key = RSA.Create(2048);
        var name = new X500DistinguishedName(organization is null ? "CN=" + commonName : $"CN={commonName}, O={organization}");
        var req = new CertificateRequest(name, _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        Certificate = req.CreateSelfSigned(notBefore, notAfter);
    }

    /// <summary>The CA's certificate (with its private key).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA certificate as PEM (what goes into a CA bundle file or a <c>ca.crt</c> key).</summary>
    public string CertificatePem => Certificate.ExportCertificatePem() + "\n";

    /// <summary>
    /// Issues a server certificate for <paramref name="names"/> (DNS names, wildcards such as <c>*.example.com</c>,
    /// or IPv4 addresses; the first one is also the subject CN), valid in [<paramref name="notBefore"/>, <paramref name="notAfter"/>].
    /// </summary>
    public IssuedCertificate Issue(IReadOnlyList<string> names, DateTimeOffset notBefore, DateTimeOffset notAfter, bool subjectAltNames = true)
    {
        if (names.Count == 0) throw new ArgumentException("a certificate needs at least one name", nameof(names));
        var key = RSA.Create(2048);
        var req = new CertificateRequest("CN=" + names[0], key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        if (subjectAltNames)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var n in names)
            {
                if (IPAddress.TryParse(n, out var ip)) san.AddIpAddress(ip);
                else san.AddDnsName(n);
            }
            req.CertificateExtensions.Add(san.Build());
        }
        var serial = BitConverter.GetBytes(Interlocked.Increment(ref _serial));
        Array.Reverse(serial);
        using var pub = req.Create(Certificate, notBefore, notAfter, serial);
        var withKey = pub.CopyWithPrivateKey(key);
        return new IssuedCertificate(TlsCertificates.Reload(withKey), pub.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    /// <summary>A self-signed server certificate for <paramref name="names"/> (no CA), as <c>openssl req -x509 -addext subjectAltName=...</c> makes.</summary>
    public static IssuedCertificate SelfSigned(IReadOnlyList<string> names, DateTimeOffset notBefore, DateTimeOffset notAfter, string? organization = null)
    {
        var key = RSA.Create(2048);
        var req = new CertificateRequest(organization is null ? "CN=" + names[0] : $"CN={names[0]}, O={organization}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var n in names)
        {
            if (IPAddress.TryParse(n, out var ip)) san.AddIpAddress(ip);
            else san.AddDnsName(n);
        }
        req.CertificateExtensions.Add(san.Build());
        using var cert = req.CreateSelfSigned(notBefore, notAfter);
        return new IssuedCertificate(TlsCertificates.Reload(cert), cert.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n");
    }
}

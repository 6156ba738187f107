using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Podnet.Cluster.Images.Tls;

/// <summary>
/// ingress-nginx's default ("fake") certificate: a self-signed RSA 2048 certificate with subject
/// <c>O=Acme Co, CN=Kubernetes Ingress Controller Fake Certificate</c> and the DNS name
/// <c>ingress.local</c>, valid for a year, generated when the controller starts
/// (<c>internal/net/ssl/ssl.go</c> <c>GetFakeSSLCert</c>). It is served for hosts without a usable
/// certificate. Generated once per process and cached.
/// </summary>
public static class IngressFakeCertificate
{
    /// <summary>The subject's CN.</summary>
    public const string CommonName = "Kubernetes Ingress Controller Fake Certificate";

    /// <summary>The subject's O.</summary>
    public const string Organization = "Acme Co";

    private static readonly Lazy<TlsCertificate> Cached = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The certificate (created on first use).</summary>
    public static TlsCertificate Certificate => Cached.Value;

    private static TlsCertificate Create()
    {
        using var key = RSA.Create(2048);
        var builder = new X500DistinguishedNameBuilder();
        builder.AddOrganizationName(Organization);
        builder.AddCommonName(CommonName);
        var req = new CertificateRequest(builder.Build(), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("ingress.local");
        req.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        using var cert = req.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
        return new TlsCertificate(TlsCertificates.Reload(cert));
    }
}

using Podnet.Cluster.Images.Tls;
using Podnet.Cluster.Tests.Runtime;

namespace Podnet.Cluster.Tests.Images.Tls;

/// <summary>Certificates shared by the TLS tests (RSA key generation is slow: made once).</summary>
internal static class TlsTestPki
{
    public static readonly DateTimeOffset From = RuntimeFixture.Now.AddDays(-1);
    public static readonly DateTimeOffset To = RuntimeFixture.Now.AddDays(365);

    private static readonly Lazy<CertificateAuthority> LazyCa = new(() => new CertificateAuthority("Podnet Test CA", From.AddDays(-1000), To.AddDays(30)));
    private static readonly Lazy<IssuedCertificate> LazyA = new(() => Ca.Issue(["a.example.com"], From, To));
    private static readonly Lazy<IssuedCertificate> LazyB = new(() => Ca.Issue(["b.example.com", "*.b.example.com"], From, To));
    private static readonly Lazy<IssuedCertificate> LazyExpired = new(() => Ca.Issue(["old.example.com"], From.AddDays(-400), From.AddDays(-10)));
    private static readonly Lazy<IssuedCertificate> LazyPublic = new(() => TrustBundle.PublicCa.Issue(["www.example.com"], From, To));

    public static CertificateAuthority Ca => LazyCa.Value;

    public static IssuedCertificate A => LazyA.Value;

    public static IssuedCertificate B => LazyB.Value;

    public static IssuedCertificate Expired => LazyExpired.Value;

    public static IssuedCertificate Public => LazyPublic.Value;
}

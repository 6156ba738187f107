using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Images.Tls;
using Xunit;

namespace Podnet.Cluster.Tests.Images.Tls;

public sealed class TlsSecretsTests
{
    private static Secret Make(IReadOnlyDictionary<string, string> data) => new()
    {
        Metadata = new ObjectMeta { Name = "web-tls", Namespace = "default" },
        Type = TlsSecrets.SecretType,
        Data = data,
    };

    [Fact]
    public void ValidSecret_GivesTheCertificateWithItsKey()
    {
        var check = TlsSecrets.Load(Make(TlsTestPki.A.SecretData), "default", "web-tls");
        Assert.Equal(TlsSecretStatus.Valid, check.Status);
        Assert.Equal("a.example.com", check.Certificate!.CommonName);
        Assert.True(check.Certificate.Leaf.HasPrivateKey);
        Assert.True(check.Certificate.CoversHost("a.example.com"));
        Assert.False(check.Certificate.CoversHost("b.example.com"));
    }

    [Fact]
    public void MissingSecret_IsMissing()
    {
        var check = TlsSecrets.Load(null, "default", "web-tls");
        Assert.Equal(TlsSecretStatus.Missing, check.Status);
        Assert.Equal("Error getting SSL certificate \"default/web-tls\": local SSL certificate default/web-tls was not found. Using default certificate", check.Reason);
    }

    [Fact]
    public void SecretWithoutKeyPair_OrWithAnotherCertificatesKey_IsInvalid()
    {
        var noKey = TlsSecrets.Load(Make(new Dictionary<string, string> { ["tls.crt"] = TlsTestPki.A.SecretData["tls.crt"] }), "default", "web-tls");
        Assert.Equal(TlsSecretStatus.Invalid, noKey.Status);
        Assert.Contains("no keypair or CA cert could be found in default/web-tls", noKey.Reason);

        var mixed = TlsSecrets.Load(Make(new Dictionary<string, string> { ["tls.crt"] = TlsTestPki.A.SecretData["tls.crt"], ["tls.key"] = TlsTestPki.B.SecretData["tls.key"] }), "default", "web-tls");
        Assert.Equal(TlsSecretStatus.Invalid, mixed.Status);
        Assert.Null(mixed.Certificate);

        var garbage = TlsSecrets.Load(Make(new Dictionary<string, string> { ["tls.crt"] = "bm90IGEgY2VydA==", ["tls.key"] = "bm90IGEga2V5" }), "default", "web-tls");
        Assert.Equal(TlsSecretStatus.Invalid, garbage.Status);
        Assert.Contains("unexpected error creating SSL Cert", garbage.Reason);
    }

    [Fact]
    public void FakeCertificate_IsIngressNginxs_AndCachedPerProcess()
    {
        var fake = IngressFakeCertificate.Certificate;
        Assert.Same(fake, IngressFakeCertificate.Certificate);
        Assert.Equal("O=Acme Co; CN=Kubernetes Ingress Controller Fake Certificate", TlsNames.OneLine(fake.Leaf.SubjectName));
        Assert.Equal(fake.Leaf.Subject, fake.Leaf.Issuer);
        Assert.True(fake.CoversHost("ingress.local"));
        Assert.False(fake.CoversHost("myapp.example.com"));
    }

    [Theory]
    [InlineData("*.example.com", "a.example.com", true)]
    [InlineData("*.example.com", "a.b.example.com", false)]
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("*.com", "example.com", false)]
    [InlineData("Example.COM", "example.com", true)]
    [InlineData("example.com.", "example.com", true)]
    [InlineData("a.example.com", "b.example.com", false)]
    public void DnsNameMatching_FollowsRfc6125(string pattern, string host, bool expected) =>
        Assert.Equal(expected, HostnameMatch.DnsNameMatches(pattern, host));

    [Fact]
    public void Asn1Time_PadsTheDayWithASpace() =>
        Assert.Equal("Nov  1 09:05:00 2026 GMT", TlsNames.Asn1Time(new DateTime(2026, 11, 1, 9, 5, 0, DateTimeKind.Utc)));
}

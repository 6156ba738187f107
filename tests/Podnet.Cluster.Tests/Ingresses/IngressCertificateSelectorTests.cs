using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Networking;
using Podnet.Cluster.Ingresses;
using Xunit;
using static Podnet.Cluster.Tests.Ingresses.IngressObjects;

namespace Podnet.Cluster.Tests.Ingresses;

public sealed class IngressCertificateSelectorTests
{
    private static (string Crt, string Key) SelfSigned(params string[] names)
    {
        using var key = RSA.Create(2048);
        var req = new CertificateRequest("CN=" + names[0], key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var n in names) san.AddDnsName(n);
        req.CertificateExtensions.Add(san.Build());
        using var cert = req.CreateSelfSigned(Now.AddDays(-1), Now.AddDays(365));
        return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    private static Secret TlsSecret(string name, string crt, string key, string type = "kubernetes.io/tls") => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Type = type,
        Data = new Dictionary<string, string>
        {
            ["tls.crt"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(crt)),
            ["tls.key"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(key)),
        },
    };

    private static IngressCertificateSelector Selector(params KubeObject[] extra)
    {
        var ings = new[]
        {
            Ing("a", "myapp.example.com", [Path("/", "Prefix", "s")], tls: [new IngressTls { Hosts = ["myapp.example.com"], SecretName = "myapp-tls" }]),
            Ing("w", "*.apps.example.com", [Path("/", "Prefix", "s")], tls: [new IngressTls { Hosts = ["*.apps.example.com"], SecretName = "wild-tls" }]),
            Ing("m", "missing.example.com", [Path("/", "Prefix", "s")], tls: [new IngressTls { Hosts = ["missing.example.com"], SecretName = "nope" }]),
            Ing("e", "empty.example.com", [Path("/", "Prefix", "s")], tls: [new IngressTls { Hosts = ["empty.example.com"] }]),
            Ing("x", "mismatch.example.com", [Path("/", "Prefix", "s")], tls: [new IngressTls { Hosts = ["mismatch.example.com"], SecretName = "myapp-tls" }]),
            Ing("p", "plain.example.com", [Path("/", "Prefix", "s")]),
        };
        var objects = new List<KubeObject>(ings) { NginxClass() };
        objects.AddRange(extra);
        return new IngressCertificateSelector(IngressRouteTable.Build(objects), objects);
    }

    [Fact]
    public void Sni_PicksTheSecretOfTheHost_ExactAndWildcard()
    {
        var (crt, key) = SelfSigned("myapp.example.com");
        var (wcrt, wkey) = SelfSigned("*.apps.example.com");
        var s = Selector(TlsSecret("myapp-tls", crt, key), TlsSecret("wild-tls", wcrt, wkey));
        var c = s.SelectCertificate("MyApp.example.com");
        Assert.False(c.UseFakeCertificate);
        Assert.Equal("myapp-tls", c.Secret?.SecretName);
        Assert.Equal(crt, c.CertificatePem);
        Assert.Null(c.Problem);
        var w = s.SelectCertificate("shop.apps.example.com");
        Assert.Equal("wild-tls", w.Secret?.SecretName);
        Assert.False(w.UseFakeCertificate);
    }

    [Fact]
    public void MissingEmptyOrMismatchedSecrets_AndUnknownNames_GetTheFakeCertificate()
    {
        var (crt, key) = SelfSigned("myapp.example.com");
        var s = Selector(TlsSecret("myapp-tls", crt, key));
        var missing = s.SelectCertificate("missing.example.com");
        Assert.True(missing.UseFakeCertificate);
        Assert.Equal("Error getting SSL certificate \"default/nope\": local SSL certificate default/nope was not found. Using default certificate", missing.Problem);
        Assert.Contains("secretName is empty", s.SelectCertificate("empty.example.com").Problem);
        var mismatch = s.SelectCertificate("mismatch.example.com");
        Assert.True(mismatch.UseFakeCertificate);
        Assert.StartsWith("SSL certificate \"default/myapp-tls\" does not contain a Common Name or Subject Alternative Name for server \"mismatch.example.com\"", mismatch.Problem);
        Assert.True(s.SelectCertificate("plain.example.com").UseFakeCertificate);
        Assert.Null(s.SelectCertificate("plain.example.com").Problem);
        Assert.True(s.SelectCertificate(null).UseFakeCertificate);
        Assert.True(s.SelectCertificate("unknown.test").UseFakeCertificate);
    }

    [Fact]
    public void GarbageOrWrongTypeSecrets_GetTheFakeCertificate()
    {
        var garbage = Selector(TlsSecret("myapp-tls", "not a pem", "nor this"));
        var g = garbage.SelectCertificate("myapp.example.com");
        Assert.True(g.UseFakeCertificate);
        Assert.StartsWith("Error getting SSL certificate \"default/myapp-tls\": unexpected error creating SSL Cert", g.Problem);
        var (crt, key) = SelfSigned("myapp.example.com");
        var wrong = Selector(TlsSecret("myapp-tls", crt, key, "kubernetes.io/dockerconfigjson"));
        Assert.Contains("is of type kubernetes.io/dockerconfigjson", wrong.SelectCertificate("myapp.example.com").Problem);
    }
}

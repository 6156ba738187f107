using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Controllers;
using Podnet.Cluster.Images.Tls;
using Podnet.Cluster.Ingresses;
using Podnet.Cluster.Runtime;
using Podnet.Cluster.Tests.Runtime;
using Xunit;

namespace Podnet.Cluster.Tests.Ingresses;

/// <summary>
/// HTTPS through the ingress controller: the handshake runs over the emulated TCP connection, the
/// certificate is chosen by SNI from the Ingress's <c>kubernetes.io/tls</c> Secret (or the fake
/// certificate), TLS is terminated at the controller and the backend is reached over plain HTTP.
/// </summary>
public sealed class IngressTlsEndToEndTests
{
    private static readonly Lazy<IssuedCertificate> Leaf = new(() =>
        TrustBundle.PublicCa.Issue(["myapp.example.com"], RuntimeFixture.Now.AddDays(-1), RuntimeFixture.Now.AddDays(90)));

    private static readonly string Example = File.ReadAllText(Path.Combine(RepoRoot(), "examples", "ingress", "myapp.yaml"));

    private static string RepoRoot([System.Runtime.CompilerServices.CallerFilePath] string file = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "..", "..", ".."));

    private static string TlsObjects()
    {
        static string B64(string s) => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(s));
        return """
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: myapp-tls}
            type: kubernetes.io/tls
            data:
              tls.crt: CRT
              tls.key: KEY
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: myapp-tls}
            spec:
              ingressClassName: nginx
              tls:
              - hosts: [myapp.example.com]
                secretName: myapp-tls
              rules:
              - host: myapp.example.com
                http:
                  paths:
                  - {path: /hostname, pathType: Exact, backend: {service: {name: app2, port: {number: 80}}}}
            """.Replace("CRT", B64(Leaf.Value.CertificatePem), StringComparison.Ordinal).Replace("KEY", B64(Leaf.Value.PrivateKeyPem), StringComparison.Ordinal);
    }

    private static (ClusterRuntime Runtime, string Address) Build()
    {
        var config = new ClusterConfig();
        var set = RuntimeFixture.Converged(Example + TlsObjects(), config);
        Assert.Null(IngressNginxInstall.Install(set, config, RuntimeFixture.Now));
        var svc = set.Get<Service>("Service", IngressNginxInstall.Namespace, IngressNginxInstall.ControllerName)!;
        var lb = Assert.Single(svc.Status!.LoadBalancer!.Ingress).Ip!;
        return (new ClusterRuntime(set.All, config, new RuntimeOptions { Seed = 5, Epoch = RuntimeFixture.Now }), lb);
    }

    [Fact]
    public void Https_with_SNI_presents_the_Secrets_certificate_verifies_and_reaches_the_backend_over_http()
    {
        var (rt, lb) = Build();
        var r = rt.ExecOutside(["curl", "-sv", "--resolve", $"myapp.example.com:443:{lb}", "https://myapp.example.com/app1/header?key=X-Forwarded-Proto"], false);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("https", r.Stdout);
        Assert.Contains("subject: CN=myapp.example.com", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("SSL certificate verify ok.", r.Stderr, StringComparison.Ordinal);

        var tlsPath = rt.ExecOutside(["curl", "-s", "--resolve", $"myapp.example.com:443:{lb}", "https://myapp.example.com/hostname"], false);
        Assert.StartsWith("app2-", tlsPath.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Http_to_a_tls_host_is_redirected_with_308()
    {
        var (rt, lb) = Build();
        var r = rt.ExecOutside(["curl", "-sI", "-H", "Host: myapp.example.com", $"http://{lb}/hostname"], false);
        Assert.StartsWith("HTTP/1.1 308 Permanent Redirect\r\n", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("\r\nLocation: https://myapp.example.com/hostname\r\n", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Curl_L_follows_the_redirect_to_https()
    {
        var (rt, lb) = Build();
        var r = rt.ExecOutside(["curl", "-sSL", "--resolve", $"myapp.example.com:80:{lb}", "--resolve", $"myapp.example.com:443:{lb}", "http://myapp.example.com/hostname"], false);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.StartsWith("app2-", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_without_a_certificate_gets_the_fake_certificate_which_curl_rejects_unless_insecure()
    {
        var (rt, lb) = Build();
        var r = rt.ExecOutside(["curl", "-sS", "--resolve", $"other.example.com:443:{lb}", "https://other.example.com/"], false);
        Assert.Equal(60, r.ExitCode);
        Assert.StartsWith("curl: (60) SSL certificate problem: self-signed certificate", r.Stderr, StringComparison.Ordinal);
        var k = rt.ExecOutside(["curl", "-sk", "-w", "%{http_code}", "-o", "/dev/null", "--resolve", $"other.example.com:443:{lb}", "https://other.example.com/"], false);
        Assert.EndsWith("404", k.Stdout, StringComparison.Ordinal);
    }
}

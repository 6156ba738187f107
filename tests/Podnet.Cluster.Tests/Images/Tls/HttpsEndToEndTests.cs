using Podnet.Cluster.Images;
using Podnet.Cluster.Images.Http;
using Podnet.Cluster.Images.Tls;
using Podnet.Cluster.Images.Tools;
using Podnet.Cluster.Runtime;
using Podnet.Cluster.Tests.Runtime;
using Podnet.Kernel.Simulation;
using Xunit;

namespace Podnet.Cluster.Tests.Images.Tls;

/// <summary>
/// HTTPS inside the emulation: a TLS server program in one pod (certificates chosen by SNI), the
/// emulated curl in another pod, the handshake running over the emulated TCP connection on the event loop.
/// </summary>
public sealed class HttpsEndToEndTests
{
    private const string Pods = """
        apiVersion: v1
        kind: Pod
        metadata: {name: web, labels: {app: web}}
        spec:
          nodeName: podnet-worker
          containers:
          - {name: main, image: nginx, ports: [{containerPort: 80}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: client, labels: {app: client}}
        spec:
          nodeName: podnet-worker2
          containers: [{name: main, image: curlimages/curl, command: [sleep, infinity]}]
        """;

    private sealed class Setup
    {
        public required ClusterRuntime Runtime { get; init; }
        public required string WebIp { get; init; }
        public required ProcessContext Client { get; init; }
        public List<string?> SeenSni { get; } = [];
        public List<int> SelectorThreads { get; } = [];
        public List<string> HandshakeFailures { get; } = [];
    }

    /// <summary>Starts an HTTPS server on web:443: a.example.com and b.example.com by SNI, the fake certificate otherwise.</summary>
    private static Setup Start(IReadOnlyDictionary<string, string>? clientFiles = null)
    {
        var rt = RuntimeFixture.Realize(Pods);
        var web = rt.EnsurePod("default", "web", out var e1) ?? throw new InvalidOperationException(e1);
        var client = rt.EnsurePod("default", "client", out var e2) ?? throw new InvalidOperationException(e2);
        var setup = new Setup
        {
            Runtime = rt,
            WebIp = web.Ip,
            Client = new ProcessContext(client.Namespace, "client", RuntimeFixture.Now)
            {
                Files = clientFiles ?? new Dictionary<string, string>(),
                PodName = "client",
                PodNamespace = "default",
            },
        };
        var serverCtx = new ProcessContext(web.Namespace, "web", RuntimeFixture.Now);
        var (_, err) = HttpsServer.Start(serverCtx, 443, sni =>
        {
            setup.SeenSni.Add(sni);
            setup.SelectorThreads.Add(Environment.CurrentManagedThreadId);
            return sni switch
            {
                "a.example.com" => TlsTestPki.A.Certificate,
                "b.example.com" or "x.b.example.com" => new TlsCertificate(TlsTestPki.B.Certificate),
                "old.example.com" => TlsTestPki.Expired.Certificate,
                "www.example.com" => TlsTestPki.Public.Certificate,
                _ => IngressFakeCertificate.Certificate,
            };
        }, (req, info) => Task.FromResult(HttpResponse.Text(200, "OK", $"sni={info.ServerName ?? "-"} path={req.Path} proto={info.Protocol} client={Kernel.Wire.Ipv4Address.Format(info.Client.Address)}\n")),
        (client, why) => setup.HandshakeFailures.Add(why));
        Assert.Equal(Kernel.Sockets.Errno.None, err);
        return setup;
    }

    private static (int Code, string Out, string Err, RunResult Run) Curl(Setup s, params string[] args)
    {
        var ctx = new ToolContext(s.Client, Cluster.Dns.Resolver.ResolverFlavor.Musl, false);
        int rc = -1;
        var run = s.Runtime.World.Loop.Run(async () => rc = await Podnet.Cluster.Images.Tools.Curl.RunAsync(ctx, args), TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(60));
        if (run.Outcome != RunOutcome.Completed) throw new InvalidOperationException($"curl did not finish: {run.Outcome} at {run.VirtualTime}; err so far: {ctx.Err}", run.Exception);
        return (rc, ctx.Out.ToString(), ctx.Err.ToString(), run);
    }

    private static Dictionary<string, string> CaFile() => new() { ["/certs/ca.crt"] = TlsTestPki.Ca.CertificatePem };

    [Fact]
    public void Sni_ChoosesTheCertificate_AndTheHandshakeRunsOnTheLoopThread()
    {
        var s = Start(CaFile());
        var a = Curl(s, "-sv", "--cacert", "/certs/ca.crt", "--resolve", $"a.example.com:443:{s.WebIp}", "https://a.example.com/hello");
        Assert.Equal(RunOutcome.Completed, a.Run.Outcome);
        Assert.True(0 == a.Code, a.Err);
        Assert.StartsWith("sni=a.example.com path=/hello proto=TLSv1.3 client=" + RuntimeFixture.PodIp(s.Runtime, "client"), a.Out);
        Assert.Contains("*  subject: CN=a.example.com\n", a.Err);
        Assert.Contains("*  issuer: CN=Podnet Test CA\n", a.Err);
        Assert.Contains("*  subjectAltName: host \"a.example.com\" matched cert's \"a.example.com\"\n", a.Err);
        Assert.Contains("*  SSL certificate verify ok.\n", a.Err);
        Assert.Contains("* SSL connection using TLSv1.3 / TLS_", a.Err);
        Assert.Contains("*  CAfile: /certs/ca.crt\n", a.Err);
        Assert.Contains("* ALPN: server accepted http/1.1\n", a.Err);
        Assert.Contains("> Host: a.example.com\n", a.Err);

        var b = Curl(s, "-s", "--cacert", "/certs/ca.crt", "--resolve", $"x.b.example.com:443:{s.WebIp}", "https://x.b.example.com/");
        Assert.True(0 == b.Code, b.Err);
        Assert.StartsWith("sni=x.b.example.com ", b.Out);
        Assert.Equal(["a.example.com", "x.b.example.com"], s.SeenSni);
        // the handshake (and the certificate callback inside it) ran on the thread that runs the event loop
        Assert.All(s.SelectorThreads, t => Assert.Equal(Environment.CurrentManagedThreadId, t));
    }

    [Fact]
    public void SelfSignedFakeCertificate_Fails60_AndInsecureGoesOn()
    {
        var s = Start();
        var r = Curl(s, "-sS", "--resolve", $"unknown.example.com:443:{s.WebIp}", "https://unknown.example.com/");
        Assert.Equal(60, r.Code);
        Assert.StartsWith("curl: (60) SSL certificate problem: self-signed certificate\nMore details here: https://curl.se/docs/sslcerts.html\n", r.Err);
        Assert.Equal("", r.Out);

        var k = Curl(s, "-skv", "--resolve", $"unknown.example.com:443:{s.WebIp}", "https://unknown.example.com/x");
        Assert.True(0 == k.Code, k.Err);
        Assert.StartsWith("sni=unknown.example.com path=/x", k.Out);
        Assert.True(k.Err.Contains("*  subject: O=Acme Co; CN=Kubernetes Ingress Controller Fake Certificate\n", StringComparison.Ordinal), k.Err);
        Assert.Contains("*  subject: O=Acme Co; CN=Kubernetes Ingress Controller Fake Certificate\n", k.Err);
        Assert.Contains("*  issuer: O=Acme Co; CN=Kubernetes Ingress Controller Fake Certificate\n", k.Err);
        Assert.Contains("*  SSL certificate verify result: self-signed certificate (18), continuing anyway.\n", k.Err);
        Assert.DoesNotContain("CAfile", k.Err);
    }

    [Fact]
    public void UnknownIssuer_Fails60_UnableToGetLocalIssuer()
    {
        var s = Start();
        var r = Curl(s, "-sS", "--resolve", $"a.example.com:443:{s.WebIp}", "https://a.example.com/");
        Assert.Equal(60, r.Code);
        Assert.StartsWith("curl: (60) SSL certificate problem: unable to get local issuer certificate\n", r.Err);
    }

    [Fact]
    public void HostnameMismatch_Fails60_WithCurlsMessage()
    {
        var s = Start(CaFile());
        // SNI b.example.com's certificate does not cover the name curl verifies when the server picks it for another name
        var r = Curl(s, "-sS", "--cacert", "/certs/ca.crt", "--resolve", $"b.example.com:443:{s.WebIp}", "https://b.example.com/");
        Assert.True(0 == r.Code, r.Err);
        var ip = Curl(s, "-sS", "--cacert", "/certs/ca.crt", $"https://{s.WebIp}/");
        Assert.Equal(60, ip.Code);
        Assert.StartsWith("curl: (60) SSL certificate problem: self-signed certificate\n", ip.Err); // no SNI → fake cert
        Assert.Equal([null], s.SeenSni.Skip(1));
    }

    [Fact]
    public void CertificateForAnotherName_Fails60_NoAlternativeSubjectName()
    {
        var s = Start(CaFile());
        // www.example.com is served a.example.com's certificate by a server that ignores SNI
        var rt = s.Runtime;
        var web = rt.EnsurePod("default", "web", out _)!;
        var ctx = new ProcessContext(web.Namespace, "web", RuntimeFixture.Now);
        HttpsServer.Start(ctx, 8443, _ => TlsTestPki.A.Certificate, (_, _) => Task.FromResult(HttpResponse.Text(200, "OK", "x")));
        var r = Curl(s, "-sS", "--cacert", "/certs/ca.crt", "--resolve", $"www.example.com:8443:{s.WebIp}", "https://www.example.com:8443/");
        Assert.Equal(60, r.Code);
        Assert.StartsWith("curl: (60) SSL: no alternative certificate subject name matches target host name 'www.example.com'\n", r.Err);
        var k = Curl(s, "-sk", "--resolve", $"www.example.com:8443:{s.WebIp}", "https://www.example.com:8443/");
        Assert.Equal(0, k.Code);
        Assert.Equal("x", k.Out);
    }

    [Fact]
    public void PublicCaCertificate_VerifiesWithTheSystemBundle()
    {
        var s = Start();
        var r = Curl(s, "-sv", "--resolve", $"www.example.com:443:{s.WebIp}", "https://www.example.com/");
        Assert.True(0 == r.Code, r.Err);
        Assert.Contains("*  CAfile: /etc/ssl/certs/ca-certificates.crt\n*  CApath: /etc/ssl/certs\n", r.Err);
        Assert.Contains("*  issuer: CN=Podnet Emulated Public Root CA; O=Podnet\n", r.Err);
    }

    [Fact]
    public void ExpiredCertificate_Fails60()
    {
        var s = Start(CaFile());
        var r = Curl(s, "-sS", "--cacert", "/certs/ca.crt", "--resolve", $"old.example.com:443:{s.WebIp}", "https://old.example.com/");
        Assert.Equal(60, r.Code);
        Assert.StartsWith("curl: (60) SSL certificate problem: certificate has expired\n", r.Err);
    }

    [Fact]
    public void HttpsToAPlainHttpServer_Fails35_WrongVersionNumber()
    {
        var s = Start();
        // a plain HTTP server answers the ClientHello bytes with a 400, as nginx does on a non-TLS port
        var web = s.Runtime.EnsurePod("default", "web", out _)!;
        var (listener, _) = web.Namespace.Tcp.Listen(0, 8080);
        s.Runtime.World.Loop.Start(async () =>
        {
            var c = await listener!.AcceptAsync();
            await c!.ReceiveAsync(new byte[4096]);
            c.Send("HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8);
            c.Close();
        });
        var r = Curl(s, "-sS", $"https://{s.WebIp}:8080/");
        Assert.Equal(35, r.Code);
        Assert.Equal("curl: (35) OpenSSL/3.0.13: error:0A00010B:SSL routines::wrong version number\n", r.Err);
    }

    [Fact]
    public void MissingCaFile_Fails77_AndClosedPort_Fails7()
    {
        var s = Start();
        var r = Curl(s, "-sS", "--cacert", "/nope.pem", $"https://{s.WebIp}/");
        Assert.Equal(77, r.Code);
        Assert.Equal("curl: (77) error setting certificate file: /nope.pem\n", r.Err);
        var c = Curl(s, "-sS", $"https://{s.WebIp}:9443/");
        Assert.Equal(7, c.Code);
        Assert.Contains("Couldn't connect to server", c.Err);
    }

    [Fact]
    public void PlainHttpToTheTlsPort_ServerLogsAFailedHandshake()
    {
        var s = Start();
        var r = Curl(s, "-sS", $"http://{s.WebIp}:443/");
        Assert.NotEqual(0, r.Code);
        Assert.Single(s.HandshakeFailures);
    }
}

using System.Diagnostics;
using System.Net;
using Podnet.Cli.Commands;
using Podnet.Cli.Commands.PortForward;
using Podnet.Cluster.Images;
using Podnet.Cluster.Images.Http;
using Podnet.Cluster.Images.Tls;
using Podnet.Cluster.Runtime;
using Xunit;

namespace Podnet.Cli.Tests.PortForward;

/// <summary>
/// The real curl on the real machine, through <see cref="PortForwarder"/>, doing TLS with a server in an
/// emulated pod: SNI, verification against a CA file on disk, and curl's own error for an untrusted cert.
/// </summary>
public sealed class HttpsThroughPortForwardTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podnet-pf-tls").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void RealCurl_Https_ToAnEmulatedPod_VerifiesTheCertificateChosenBySni()
    {
        var paths = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':');
        if (!paths.Any(d => File.Exists(Path.Combine(d, "curl")))) Assert.Skip("the real curl is not installed");
        var manifest = Path.Combine(_dir, "web.yaml");
        File.WriteAllText(manifest, """
            apiVersion: v1
            kind: Pod
            metadata: {name: web, labels: {app: web}}
            spec:
              nodeName: podnet-worker
              containers: [{name: main, image: busybox, command: [sleep, infinity], ports: [{containerPort: 443}]}]
            """);
        var now = DateTimeOffset.UtcNow;
        var ca = new CertificateAuthority("Podnet Test CA", now.AddDays(-2), now.AddDays(30));
        var app = ca.Issue(["myapp.example.com"], now.AddDays(-1), now.AddDays(10));
        File.WriteAllText(Path.Combine(_dir, "ca.crt"), ca.CertificatePem);

        var ctx = new CliContext(TextWriter.Null, TextWriter.Null, TextReader.Null, () => now, Path.Combine(_dir, "home"));
        using var session = GetCommand.SessionFor(ctx, null, [manifest], false, null);
        var runtime = new ClusterRuntime(session.Objects.All, session.Config, new RuntimeOptions { Seed = 3, Epoch = now });
        var target = PortForwardResolver.Resolve(session.Objects.All.ToList(), "default", "pod/web", [":443"]);
        var sandbox = runtime.EnsurePod("default", "web", out _)!;
        var served = HttpsServer.Start(new ProcessContext(sandbox.Namespace, "web", now), 443,
            sni => sni == "myapp.example.com" ? app.Certificate : IngressFakeCertificate.Certificate,
            (req, info) => Task.FromResult(HttpResponse.Text(200, "OK", $"app1 via {info.ServerName} {info.Protocol}\n")));
        Assert.NotNull(served.Serving);
        var stdout = new StringWriter();
        using var pf = new PortForwarder(runtime, target, IPAddress.Loopback, TextWriter.Synchronized(stdout), TextWriter.Null);
        pf.Start();
        var port = pf.LocalPorts[0];

        var ok = Curl("-sS", "-m", "30", "--cacert", Path.Combine(_dir, "ca.crt"), "--resolve", $"myapp.example.com:{port}:127.0.0.1", $"https://myapp.example.com:{port}/app1");
        Assert.True(ok.Code == 0, ok.Err);
        Assert.Equal("app1 via myapp.example.com TLSv1.3\n", ok.Out);

        var untrusted = Curl("-sS", "-m", "30", "--resolve", $"other.example.com:{port}:127.0.0.1", $"https://other.example.com:{port}/");
        Assert.Equal(60, untrusted.Code);
        Assert.StartsWith("curl: (60) SSL certificate problem: self-signed certificate\n", untrusted.Err);
    }

    private static (int Code, string Out, string Err) Curl(params string[] args)
    {
        var psi = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, o.Result, e);
    }
}

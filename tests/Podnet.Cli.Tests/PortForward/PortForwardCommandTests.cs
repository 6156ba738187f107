using System.Globalization;
using System.CommandLine;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Podnet.Cli.Commands;
using Podnet.Cli.Commands.PortForward;
using Xunit;

namespace Podnet.Cli.Tests.PortForward;

/// <summary>
/// <c>podnet port-forward</c> with the real <c>curl</c> on 127.0.0.1 (ephemeral local ports): an nginx
/// pod, agnhost behind a Service (targetPort translation), concurrent connections, a refused port.
/// </summary>
public sealed partial class PortForwardCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podnet-pf").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Manifest()
    {
        var path = Path.Combine(_dir, "pods.yaml");
        File.WriteAllText(path, """
            apiVersion: v1
            kind: Pod
            metadata: {name: web, labels: {app: web}}
            spec:
              nodeName: podnet-worker
              containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}]}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: echo-1, labels: {app: echo}}
            spec:
              nodeName: podnet-worker2
              containers: [{name: agnhost, image: registry.k8s.io/e2e-test-images/agnhost:2.52, args: [netexec, --http-port=8080], ports: [{name: http, containerPort: 8080}]}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: echo}
            spec:
              selector: {app: echo}
              ports: [{port: 80, targetPort: http}]
            """);
        return path;
    }

    /// <summary>A running port-forward; disposing stops it as Ctrl-C would.</summary>
    private sealed class Running : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _thread;
        public readonly StringWriter Out = new();
        public readonly StringWriter Err = new();
        public int? Code;
        public Exception? Error;

        public Running(string dir, params string[] args)
        {
            var o = TextWriter.Synchronized(Out);
            var e = TextWriter.Synchronized(Err);
            var ctx = new CliContext(o, e, TextReader.Null, () => new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero), dir);
            var root = new RootCommand { PortForwardCommand.Create(ctx, _stop.Token) };
            root.Options.Add(CommonOptions.Cluster());
            _thread = new Thread(() =>
            {
                try
                {
                    Code = root.Parse(args).Invoke(new InvocationConfiguration { Output = o, Error = e, EnableDefaultExceptionHandler = false });
                }
                catch (Exception ex)
                {
                    Error = ex;
                    Code = 1;
                }
            }) { IsBackground = true };
            _thread.Start();
        }

        public string OutText { get { lock (Out) return Out.ToString(); } }

        public string ErrText { get { lock (Err) return Err.ToString(); } }

        /// <summary>Waits for the "Forwarding from" line (or the command's end) and returns the local port.</summary>
        public int WaitForPort()
        {
            var until = DateTime.UtcNow.AddSeconds(120);
            while (DateTime.UtcNow < until)
            {
                var m = ForwardingLine().Match(Out.ToString());
                if (m.Success) return int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (Code is not null) throw new InvalidOperationException($"port-forward ended: {Code} {Error} {Err}");
                Thread.Sleep(50);
            }
            throw new TimeoutException("no Forwarding line: " + Out + Err);
        }

        public void Dispose()
        {
            _stop.Cancel();
            _thread.Join(TimeSpan.FromSeconds(30));
        }
    }

    [GeneratedRegex(@"Forwarding from 127\.0\.0\.1:(\d+) -> \d+")]
    private static partial Regex ForwardingLine();

    private static (int Code, string Out, string Err) RealCurl(params string[] args)
    {
        var psi = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, o.Result, e);
    }

    private static void RequireCurl()
    {
        var paths = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':');
        if (!paths.Any(d => File.Exists(Path.Combine(d, "curl")))) Assert.Skip("the real curl is not installed");
    }

    [Fact]
    public void NginxPod_RealCurlGetsTheWelcomePage_AndKubectlsLinesArePrinted()
    {
        RequireCurl();
        using var pf = new Running(_dir, "port-forward", "-f", Manifest(), "pod/web", ":80");
        var port = pf.WaitForPort();
        var r = RealCurl("-sS", "-m", "30", $"http://127.0.0.1:{port}/");
        Assert.True(r.Code == 0, r.Err + pf.ErrText);
        Assert.Contains("<title>Welcome to nginx!</title>", r.Out);
        var head = RealCurl("-sSI", "-m", "30", $"http://127.0.0.1:{port}/missing");
        Assert.StartsWith("HTTP/1.1 404 Not Found\r\n", head.Out);
        Assert.Contains("Server: nginx/", head.Out);
        Assert.Equal($"Forwarding from 127.0.0.1:{port} -> 80\nHandling connection for {port}\nHandling connection for {port}\n", pf.OutText.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Service_PicksItsPod_AndTranslatesTheNamedTargetPort()
    {
        RequireCurl();
        using var pf = new Running(_dir, "port-forward", "-f", Manifest(), "svc/echo", "0:80");
        var port = pf.WaitForPort();
        Assert.Contains($"Forwarding from 127.0.0.1:{port} -> 8080", pf.OutText);
        var r = RealCurl("-sS", "-m", "30", $"http://127.0.0.1:{port}/hostname");
        Assert.True(r.Code == 0, r.Err + pf.ErrText);
        Assert.Equal("echo-1", r.Out);
        // port-forward connects from inside the pod's namespace to localhost, as the kubelet does
        var ip = RealCurl("-sS", "-m", "30", $"http://127.0.0.1:{port}/clientip");
        Assert.StartsWith("127.0.0.1:", ip.Out);
    }

    [Fact]
    public void ManyConcurrentConnections_AllAnswered()
    {
        RequireCurl();
        using var pf = new Running(_dir, "port-forward", "-f", Manifest(), "pod/echo-1", ":8080");
        var port = pf.WaitForPort();
        var results = Enumerable.Range(0, 16).AsParallel().WithDegreeOfParallelism(16)
            .Select(i => RealCurl("-sS", "-m", "60", $"http://127.0.0.1:{port}/echo?msg=req{i}")).ToList();
        Assert.All(results, r => Assert.True(r.Code == 0, r.Err));
        Assert.Equal(Enumerable.Range(0, 16).Select(i => "req" + i).Order(), results.Select(r => r.Out).Order());
        Assert.Equal(16, Regex.Matches(pf.OutText, "Handling connection for").Count);
    }

    [Fact]
    public void RefusedInsideThePod_ClosesTheRealConnection_WithKubectlsErrorLine()
    {
        RequireCurl();
        using var pf = new Running(_dir, "port-forward", "-f", Manifest(), "pod/web", ":9999");
        var port = pf.WaitForPort();
        var before = DateTime.UtcNow;
        var r = RealCurl("-sS", "-m", "30", $"http://127.0.0.1:{port}/");
        var after = DateTime.UtcNow;
        Assert.True(r.Code is 52 or 56, r.Code + " " + r.Err);
        var err = pf.ErrText;
        // klog's header carries the UTC month and day of the failure: either side of midnight is fine
        var day = err.Length >= 5 ? err.Substring(1, 4) : "";
        Assert.Contains(day, new[] { before.ToString("MMdd", CultureInfo.InvariantCulture), after.ToString("MMdd", CultureInfo.InvariantCulture) });
        Assert.Matches(@"^E\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ portforward\.go:424\] ""Unhandled Error"" err=""an error occurred forwarding \d+ -> 9999: error forwarding port 9999 to pod [0-9a-f]+, uid : failed to execute portforward in network namespace \\""/var/run/netns/cni-[0-9a-f-]+\\"": failed to connect to localhost:9999 inside namespace \\""[0-9a-f]+\\"", IPv4: dial tcp4 127\.0\.0\.1:9999: connect: connection refused ", err.Split('\n')[0]);
        // the forwarder keeps running for the next connection
        var again = RealCurl("-sS", "-m", "30", $"http://127.0.0.1:{port}/");
        Assert.True(again.Code is 52 or 56);
    }

    [Fact]
    public void BadTargets_AreKubectlErrors()
    {
        using (var pf = new Running(_dir, "port-forward", "-f", Manifest(), "pod/nope", "80"))
        {
            SpinWait.SpinUntil(() => pf.Code is not null, TimeSpan.FromSeconds(60));
            Assert.Equal("Error from server (NotFound): pods \"nope\" not found", (pf.Error as KubectlException)?.Message);
        }
        using (var pf = new Running(_dir, "port-forward", "-f", Manifest(), "svc/echo", "8080"))
        {
            SpinWait.SpinUntil(() => pf.Code is not null, TimeSpan.FromSeconds(60));
            Assert.Equal("error: Service echo does not have a service port 8080", (pf.Error as KubectlException)?.Message);
        }
        Assert.Equal(new PortMapping(0, 80, ":80"), PortForwardResolver.Parse(":80"));
        Assert.Equal(new PortMapping(8080, 80, "8080:80"), PortForwardResolver.Parse("8080:80"));
        Assert.Throws<KubectlException>(() => PortForwardResolver.Parse("x:80"));
    }
}

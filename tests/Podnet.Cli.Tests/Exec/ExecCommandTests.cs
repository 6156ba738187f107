using System.CommandLine;
using Podnet.Cli.Commands;
using Podnet.Cli.Commands.Exec;
using Xunit;

namespace Podnet.Cli.Tests.Exec;

public sealed class ExecCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podnet-exec").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private (int Code, string Out, string Err) Run(Func<CliContext, Command> make, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var ctx = new CliContext(o, e, TextReader.Null, () => new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero), _dir);
        var root = new RootCommand { make(ctx) };
        root.Options.Add(CommonOptions.Cluster());
        int code;
        try
        {
            code = root.Parse(args).Invoke(new InvocationConfiguration { Output = o, Error = e });
        }
        catch (KubectlException ex)
        {
            e.WriteLine(ex.Message);
            code = 1;
        }
        return (code, o.ToString(), e.ToString());
    }

    private string Manifest()
    {
        var path = Path.Combine(_dir, "pods.yaml");
        File.WriteAllText(path, """
            apiVersion: v1
            kind: Pod
            metadata: {name: web, labels: {app: web}}
            spec:
              nodeName: podnet-worker
              containers:
              - {name: web, image: nginx:1.27, ports: [{containerPort: 80}]}
              - {name: cache, image: redis:7, ports: [{containerPort: 6379}]}
            """);
        return path;
    }

    [Fact]
    public void Exec_RunsCurlInThePod_AgainstItsSidecarOverLocalhost()
    {
        var (code, output, err) = Run(ExecCommand.Create, "exec", "web", "-c", "web", "-f", Manifest(), "--seed", "1", "--", "redis-cli", "-h", "localhost", "PING");
        Assert.Equal(0, code);
        Assert.Equal("PONG\n", output);
        Assert.Equal("", err);
    }

    [Fact]
    public void Exec_UnknownPod_IsKubectlsNotFound()
    {
        var (code, _, err) = Run(ExecCommand.Create, "exec", "nope", "-f", Manifest(), "--", "hostname");
        Assert.Equal(1, code);
        Assert.Contains("Error from server (NotFound): pods \"nope\" not found", err);
    }

    [Fact]
    public void NodeExec_ShowsTheNodesRoutes()
    {
        var (code, output, _) = Run(NodeExecCommand.Create, "node", "exec", "podnet-worker", "-f", Manifest(), "--", "ip", "route");
        Assert.Equal(0, code);
        Assert.Contains("default via 172.18.0.1 dev eth0", output);
        Assert.Contains("dev cni0 proto kernel scope link", output);
    }

    [Fact]
    public void Outside_ReachesExampleCom()
    {
        var (code, output, _) = Run(OutsideCommand.Create, "outside", "-f", Manifest(), "--", "curl", "-s", "http://example.com/");
        Assert.Equal(0, code);
        Assert.Contains("Example Domain", output);
    }
}

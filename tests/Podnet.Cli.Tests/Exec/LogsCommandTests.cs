using Xunit;

namespace Podnet.Cli.Tests.Exec;

/// <summary><c>podnet logs</c> shows a container's start-up output and what it logged while earlier commands ran.</summary>
public sealed class LogsCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    private void Apply()
    {
        Directory.CreateDirectory(_cli.Home);
        var path = Path.Combine(_cli.Home, "pods.yaml");
        File.WriteAllText(path, """
            apiVersion: v1
            kind: Pod
            metadata: {name: web, labels: {app: web}}
            spec:
              nodeName: logs-worker
              containers:
              - {name: web, image: nginx:1.27, ports: [{containerPort: 80}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: client}
            spec:
              nodeName: logs-worker2
              containers:
              - {name: shell, image: busybox, command: [sleep, "3600"]}
            """);
        Assert.Equal(0, _cli.Run("cluster", "create", "logs").Code);
        Assert.Equal(0, _cli.Run("apply", "-f", path).Code);
    }

    [Fact]
    public void Logs_of_nginx_show_its_start_up_then_the_access_log_of_each_request_served_by_earlier_commands()
    {
        Apply();
        var before = _cli.Run("logs", "web");
        Assert.Equal(0, before.Code);
        Assert.DoesNotContain("GET /", before.Out, StringComparison.Ordinal);

        string Ip(string pod) => _cli.Run("get", "pod", pod, "-o", "wide").Out.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[5];
        for (int i = 0; i < 2; i++)
        {
            var curl = _cli.Run("exec", "client", "--", "curl", "-s", "http://" + Ip("web") + "/");
            Assert.Equal(0, curl.Code);
        }
        var clientIp = Ip("client");
        var after = _cli.Run("logs", "web");
        Assert.Equal(0, after.Code);
        Assert.StartsWith(before.Out, after.Out, StringComparison.Ordinal); // start-up lines kept once, not repeated
        var access = after.Out.Split('\n').Where(l => l.Contains("\"GET / HTTP/1.1\" 200", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, access.Count);
        Assert.All(access, l => Assert.StartsWith(clientIp + " - - [", l, StringComparison.Ordinal));
    }

    [Fact]
    public void Logs_of_a_deleted_pod_are_gone_with_it()
    {
        Apply();
        Assert.Equal(0, _cli.Run("logs", "web").Code);
        Assert.Equal(0, _cli.Run("delete", "pod", "web").Code);
        var r = _cli.Run("logs", "web");
        Assert.Equal(1, r.Code);
        Assert.Contains("pods \"web\" not found", r.Err, StringComparison.Ordinal);
    }
}

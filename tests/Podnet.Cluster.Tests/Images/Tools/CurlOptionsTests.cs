using Podnet.Cluster.Tests.Runtime;
using Xunit;

namespace Podnet.Cluster.Tests.Images.Tools;

/// <summary>curl's <c>-o</c>, <c>-f</c> and <c>-w</c> against an nginx pod, with curl's exit codes and messages.</summary>
public sealed class CurlOptionsTests
{
    private static readonly Lazy<Podnet.Cluster.Runtime.ClusterRuntime> Cluster = new(() => RuntimeFixture.Realize(
        RuntimeFixture.Pod("web", "podnet-worker", "nginx", 80) + RuntimeFixture.Pod("client", "podnet-worker", "busybox", 1)));

    private static Podnet.Cluster.Runtime.ExecResult Curl(params string[] args)
    {
        var rt = Cluster.Value;
        var ip = RuntimeFixture.PodIp(rt, "web");
        var argv = new List<string> { "curl" };
        argv.AddRange(args.Select(a => a.Replace("WEB", ip, StringComparison.Ordinal)));
        return rt.ExecInPod("default", "client", null, argv, false, out _)!;
    }

    [Fact]
    public void Output_to_dev_null_discards_the_body_and_write_out_still_prints()
    {
        var r = Curl("-s", "-o", "/dev/null", "-w", "%{http_code}\\n", "http://WEB/");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("200\n", r.Stdout);
    }

    [Fact]
    public void Output_to_a_file_fails_with_23_as_the_image_has_no_writable_file_system()
    {
        var r = Curl("-sS", "-o", "/tmp/page.html", "http://WEB/");
        Assert.Equal(23, r.ExitCode);
        Assert.Equal("curl: (23) Failure writing output to destination\n", r.Stderr);
    }

    [Fact]
    public void Fail_turns_an_http_error_into_exit_22_without_the_body()
    {
        var r = Curl("-sSf", "http://WEB/missing");
        Assert.Equal(22, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal("curl: (22) The requested URL returned error: 404\n", r.Stderr);
        var quiet = Curl("-sf", "http://WEB/missing");
        Assert.Equal((22, ""), (quiet.ExitCode, quiet.Stderr));
    }
}

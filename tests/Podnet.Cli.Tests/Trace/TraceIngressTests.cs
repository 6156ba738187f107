using Xunit;

namespace Podnet.Cli.Tests.Trace;

/// <summary><c>podnet trace SOURCE ingress/HOST/PATH</c>: one HTTP request through the ingress controller, its L7 decision and the pod that answered.</summary>
public sealed class TraceIngressTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void An_ingress_destination_shows_the_rule_that_matched_and_the_backend_pod()
    {
        Assert.Equal(0, _cli.Run("cluster", "create", "edge", "--ingress").Code);
        var example = Path.GetFullPath(Path.Combine(CliHarness.Examples, "..", "ingress", "myapp.yaml"));
        Assert.Equal(0, _cli.Run("apply", "-f", example).Code);
        var r = _cli.Run("trace", "outside", "ingress/myapp.example.com/app2/hostname", "--seed", "4");
        Assert.True(r.Code == 0, r.Err + r.Out);
        Assert.Contains("ingress-nginx L7: server myapp.example.com location ~* \"^/app2(/|$)(.*)\"", r.Out, StringComparison.Ordinal);
        Assert.Matches(@"HTTP 200 OK for http://myapp\.example\.com/app2/hostname, answered by pod default/app2-\S+ on \S+ through the ingress controller", r.Out);
    }

    [Fact]
    public void An_ingress_destination_without_a_controller_is_a_clear_error()
    {
        Assert.Equal(0, _cli.Run("cluster", "create", "plain").Code);
        var r = _cli.Run("trace", "outside", "ingress/myapp.example.com/");
        Assert.Equal(1, r.Code);
        Assert.StartsWith("error: no ingress controller runs in this cluster", r.Err, StringComparison.Ordinal);
    }
}

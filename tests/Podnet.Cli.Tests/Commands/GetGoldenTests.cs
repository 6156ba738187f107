using Xunit;

namespace Podnet.Cli.Tests.Commands;

/// <summary>
/// kubectl-shaped output of <c>get</c> and <c>describe</c> on the tour's manifests, in a throwaway
/// in-memory cluster (<c>-f</c>) built at a fixed clock.
/// </summary>
public sealed class GetGoldenTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var cli = new CliHarness();
        return cli.Run([.. args, "-f", CliHarness.Examples]);
    }

    [Theory]
    [InlineData("get-nodes-wide.txt", "get", "nodes", "-o", "wide")]
    [InlineData("get-pods-all-wide.txt", "get", "pods", "-A", "-o", "wide")]
    [InlineData("get-pods-shop-labels.txt", "get", "pods", "-n", "shop", "--show-labels")]
    [InlineData("get-svc-all-wide.txt", "get", "svc", "-A", "-o", "wide")]
    [InlineData("get-svc-ep-shop.txt", "get", "svc,ep", "-n", "shop")]
    [InlineData("get-endpointslices-shop.txt", "get", "endpointslices", "-n", "shop")]
    [InlineData("get-workloads-all.txt", "get", "deploy,rs,sts,ds", "-A")]
    [InlineData("get-ns.txt", "get", "ns")]
    [InlineData("get-netpol-shop.txt", "get", "netpol", "-n", "shop", "-R")]
    [InlineData("get-pods-selector-noheaders.txt", "get", "po", "-n", "shop", "-l", "app in (backend,db)", "--no-headers")]
    [InlineData("get-name.txt", "get", "deploy,svc", "-n", "shop", "-o", "name")]
    [InlineData("describe-svc-backend.txt", "describe", "svc", "backend", "-n", "shop")]
    [InlineData("describe-svc-frontend.txt", "describe", "service/frontend", "-n", "shop")]
    [InlineData("describe-pod-web.txt", "describe", "pod", "web", "-n", "shop")]
    [InlineData("describe-node-worker.txt", "describe", "node", "podnet-worker")]
    [InlineData("describe-netpol.txt", "describe", "networkpolicy", "-n", "shop", "-R")]
    [InlineData("describe-endpointslice-db.txt", "describe", "endpointslices", "db", "-n", "shop")]
    public void Output_MatchesGolden(string golden, params string[] args)
    {
        var (code, stdout, stderr) = Run(args);
        Assert.Equal(0, code);
        Golden.Assert(golden, stdout);
        Assert.DoesNotContain("error", stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Get_IsDeterministicAcrossRuns()
    {
        Assert.Equal(Run("get", "pods", "-A", "-o", "wide").Out, Run("get", "pods", "-A", "-o", "wide").Out);
    }

    [Fact]
    public void UnknownType_IsAServerError()
    {
        var (code, stdout, stderr) = Run("get", "foo");
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Equal("error: the server doesn't have a resource type \"foo\"\n", stderr);
    }

    [Fact]
    public void MissingObject_IsNotFound()
    {
        var (code, _, stderr) = Run("get", "svc", "nope", "-n", "shop");
        Assert.Equal(1, code);
        Assert.Equal("Error from server (NotFound): services \"nope\" not found\n", stderr);
    }

    [Fact]
    public void EmptyNamespace_SaysNoResourcesOnStderr()
    {
        var (code, stdout, stderr) = Run("get", "pods");
        Assert.Equal(0, code);
        Assert.Equal("", stdout);
        Assert.Equal("No resources found in default namespace.\n", stderr);
        var all = Run("get", "jobs", "-A");
        Assert.Equal("No resources found\n", all.Err);
    }

    [Fact]
    public void Endpoints_WarnsAboutDeprecationOnStderr()
    {
        var (_, _, stderr) = Run("get", "endpoints", "-n", "shop");
        Assert.Equal("Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n", stderr);
    }

    [Fact]
    public void BadSelector_IsReportedLikeKubectl()
    {
        var (code, _, stderr) = Run("get", "pods", "-l", "app in (a", "-n", "shop");
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void OutputYaml_OfOneObject_IsTheObject_AndOfManyIsAList()
    {
        var one = Run("get", "svc", "backend", "-n", "shop", "-o", "yaml").Out;
        Assert.StartsWith("apiVersion: v1\nkind: Service\n", one, StringComparison.Ordinal);
        var many = Run("get", "svc", "-n", "shop", "-o", "yaml").Out;
        Assert.StartsWith("apiVersion: v1\nitems:\n", many, StringComparison.Ordinal);
        Assert.Contains("kind: List\nmetadata:\n  resourceVersion: \"\"\n", many, StringComparison.Ordinal);
        var json = Run("get", "svc", "backend", "-n", "shop", "-o", "json").Out;
        Assert.StartsWith("{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"Service\",", json, StringComparison.Ordinal);
        // kubectl's printers end a document with one newline (json.MarshalIndent + '\n'), no blank line
        Assert.EndsWith("}\n}\n", json, StringComparison.Ordinal);
        var jsonList = Run("get", "svc", "-n", "shop", "-o", "json").Out;
        Assert.StartsWith("{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n        {\n", jsonList, StringComparison.Ordinal);
        Assert.EndsWith("    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n", jsonList, StringComparison.Ordinal);
        Assert.EndsWith("kind: List\nmetadata:\n  resourceVersion: \"\"\n", many, StringComparison.Ordinal);
    }

    [Fact]
    public void BadOutputFormat_IsRejected()
    {
        var (code, _, stderr) = Run("get", "pods", "-o", "xml");
        Assert.Equal(1, code);
        Assert.Contains("unable to match a printer suitable for the output format \"xml\"", stderr, StringComparison.Ordinal);
    }
}

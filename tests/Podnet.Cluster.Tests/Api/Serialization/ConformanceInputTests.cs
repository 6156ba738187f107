using Podnet.Cluster.Api.Serialization;
using Xunit;

namespace Podnet.Cluster.Tests.Api.Serialization;

/// <summary>Every manifest form used by the NetworkPolicy conformance inputs loads.</summary>
public class ConformanceInputTests
{
    private static string Root => Path.Combine(TestData.ApiTestsDir(), "Conformance", "netpol");

    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string>();
        foreach (var d in Directory.GetDirectories(Root).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(d));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Scenario_inputs_load_without_fatal_errors(string scenario)
    {
        var set = ManifestReader.ReadPath(Path.Combine(Root, scenario, "input"), recursive: true);
        Assert.False(set.HasFatalErrors, string.Join("\n", set.Errors.Select(e => e.Message)));
        Assert.NotEmpty(set.Items);
        foreach (var e in set.Errors)
        {
            // Only documents that are not Kubernetes objects Podnet serves may be refused:
            // OpenShift Routes and cyclonus' own JSON files (no kind).
            Assert.True(
                e.UnknownKind == "Route" ||
                e.Message.Contains("kind not set", StringComparison.Ordinal) ||
                e.Message.Contains("cannot unmarshal array", StringComparison.Ordinal),
                e.Message);
        }
    }

    [Fact]
    public void All_inputs_give_the_expected_object_counts()
    {
        var set = ManifestReader.ReadPath(Root, recursive: true);
        var byKind = set.Objects.GroupBy(o => o.Kind).ToDictionary(g => g.Key, g => g.Count());
        var summary = string.Join(", ", byKind.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key}={k.Value}"));
        Assert.Equal(Expected, summary);
        Assert.Equal(5, set.Errors.Count); // 2 Routes + 3 cyclonus JSON files without kind
    }

    // Cross-checked with an independent count (PyYAML over the same files, List items flattened).
    private const string Expected = "ClusterRoleBinding=1, ConfigMap=4, Deployment=31, Namespace=63, NetworkPolicy=51, Pod=174, RoleBinding=1, Service=26, ServiceAccount=3";
}

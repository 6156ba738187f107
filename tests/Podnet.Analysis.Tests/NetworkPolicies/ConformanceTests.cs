using System.Runtime.CompilerServices;
using Podnet.Analysis.NetworkPolicies;
using Podnet.Analysis.Output;
using Podnet.Cluster.Api.Serialization;
using Xunit;

namespace Podnet.Analysis.Tests.NetworkPolicies;

/// <summary>
/// Every netpol-analyzer scenario of the conformance folder, run with <c>--compat netpol-analyzer</c>,
/// must give byte-identical list output in each format upstream has a golden file for.
/// </summary>
public class ConformanceTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var dir in Directory.GetDirectories(Root()).Order(StringComparer.Ordinal))
        {
            var expected = Path.Combine(dir, "expected");
            foreach (var f in Directory.GetFiles(expected, "connlist_output.*").Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetFileName(dir), Path.GetExtension(f)[1..]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ListOutputMatches(string scenario, string format)
    {
        var analysis = Load(scenario);
        Assert.True(ConnlistFormatter.TryParse(format, out var fmt));
        var actual = ConnlistFormatter.Format(analysis.Connections(), fmt, analysis.Workloads);
        var expected = File.ReadAllText(Path.Combine(Root(), scenario, "expected", "connlist_output." + format));
        Assert.Equal(expected, actual);
    }

    public static TheoryData<string> ExplainCases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Root()).Order(StringComparer.Ordinal))
        {
            if (File.Exists(Path.Combine(dir, "expected", "explain_output.txt")))
            {
                data.Add(Path.GetFileName(dir));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ExplainCases))]
    public void ExplainOutputMatches(string scenario)
    {
        var analysis = Load(scenario);
        var actual = ExplainFormatter.Format(analysis.Evaluator, analysis.PeerPairs());
        var expected = File.ReadAllText(Path.Combine(Root(), scenario, "expected", "explain_output.txt"));
        Assert.Equal(expected, actual);
    }

    internal static ReachAnalysis Load(string scenario, AnalysisMode mode = AnalysisMode.NetpolAnalyzer)
    {
        var set = ManifestReader.ReadPath(Path.Combine(Root(), scenario, "input"), recursive: true);
        var analysis = ReachAnalysis.FromManifests(set, mode);
        Assert.Empty(analysis.Errors);
        return analysis;
    }

    internal static string Root([CallerFilePath] string path = "") => Path.Combine(Path.GetDirectoryName(path)!, "Conformance");
}

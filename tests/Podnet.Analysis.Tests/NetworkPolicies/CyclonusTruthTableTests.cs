using System.Text.Json;
using Podnet.Analysis.NetworkPolicies;
using Podnet.Analysis.Output;
using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.NetworkPolicies;
using Xunit;

namespace Podnet.Analysis.Tests.NetworkPolicies;

/// <summary>
/// Cyclonus' simple example (conformance/cyclonus_simple_example): the Ingress, Egress and Combined
/// truth tables of each probe must equal Cyclonus' <c>analyze --mode probe</c> output, in its table layout.
/// </summary>
public class CyclonusTruthTableTests
{
    [Fact]
    public void ProbeTablesMatchCyclonus()
    {
        var dir = Path.Combine(ConformanceTests.Root(), "cyclonus_simple_example");
        using var probe = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "input", "probe.json")));
        var res = probe.RootElement.GetProperty("Resources");
        var namespaces = res.GetProperty("Namespaces").EnumerateObject()
            .Select(n => NamespaceInfo.Create(n.Name, n.Value.EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString()!)))
            .ToList();
        var pods = new List<PodInfo>();
        foreach (var p in res.GetProperty("Pods").EnumerateArray())
        {
            var ns = p.GetProperty("Namespace").GetString()!;
            var name = p.GetProperty("Name").GetString()!;
            Assert.True(Ipv4Range.TryParseAddress(p.GetProperty("IP").GetString()!, out var ip));
            var ports = p.GetProperty("Containers").EnumerateArray().Select(c =>
            {
                Assert.True(PolicyProtocols.TryParse(c.GetProperty("Protocol").GetString(), out var proto));
                return new NamedContainerPort(c.GetProperty("PortName").GetString()!, proto, c.GetProperty("Port").GetInt32());
            }).ToList();
            pods.Add(new PodInfo(ns, name, p.GetProperty("Labels").EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString()!), ip, ports, new WorkloadRef(ns, name, "Pod")));
        }

        var set = ManifestReader.ReadPath(Path.Combine(dir, "input", "policies"), recursive: true);
        Assert.Empty(set.Errors);
        var errors = new List<string>();
        var policies = set.Objects.OfType<Podnet.Cluster.Api.Networking.NetworkPolicy>().Select(np => PolicyConversion.FromApi(np, errors)!).ToList();
        Assert.Empty(errors);
        var analysis = ReachAnalysis.FromModel(new ClusterModel(namespaces, pods, policies), AnalysisMode.Kubernetes);

        var expected = File.ReadAllText(Path.Combine(dir, "expected", "analyze-probe.txt"));
        var names = pods.Select(p => p.FullName).ToList();
        var actual = new System.Text.StringBuilder("probe:\n");
        foreach (var pr in probe.RootElement.GetProperty("Probes").EnumerateArray())
        {
            Assert.True(PolicyProtocols.TryParse(pr.GetProperty("Protocol").GetString(), out var proto));
            var port = pr.GetProperty("Port").GetInt32();
            // Cyclonus marks a probe to a port no container serves "N" (invalid port), and its egress "?" (not run).
            bool Served(int j) => pods[j].NamedPorts.Any(c => c.Port == port && c.Protocol == proto);
            string Mark(int j, bool ok, string unserved = "N") => !Served(j) ? unserved : ok ? TruthTableFormatter.Allowed : TruthTableFormatter.Blocked;
            PairVerdict V(int i, int j) => analysis.Evaluator.Evaluate(Endpoint.ForPod(pods[i]), Endpoint.ForPod(pods[j]));
            actual.Append("Ingress:\n").Append(TruthTableFormatter.Format(names, (i, j) => Mark(j, V(i, j).Ingress.Allowed.Contains(proto, port)))).Append('\n');
            actual.Append("Egress:\n").Append(TruthTableFormatter.Format(names, (i, j) => Mark(j, V(i, j).Egress.Allowed.Contains(proto, port), "?"))).Append('\n');
            actual.Append("Combined:\n").Append(TruthTableFormatter.Format(names, (i, j) => Mark(j, analysis.Matrix.Get(pods[i], pods[j]).Contains(proto, port)))).Append("\n\n\n");
        }

        // The expected file ends with an empty table Cyclonus prints for its (empty) trailing probe; compare the three probes.
        var cut = expected.IndexOf("\n\n\n\nIngress:\n+--+", StringComparison.Ordinal);
        Assert.True(cut > 0);
        Assert.Equal(expected[..cut].TrimEnd(), actual.ToString().TrimEnd());
    }
}

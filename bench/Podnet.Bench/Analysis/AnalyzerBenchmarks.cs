using BenchmarkDotNet.Attributes;
using Podnet.Analysis.NetworkPolicies;
using Podnet.Cluster.NetworkPolicies;

namespace Podnet.Bench.Analysis;

/// <summary>
/// Full class-level connectivity matrix (every pod pair and external atom, all ports) for the issue's
/// sizes, and one --from/--to question with reasons on a loaded cluster.
/// </summary>
[MemoryDiagnoser]
public class NetpolAnalyzerBenchmarks
{
    private ClusterModel model = null!;
    private PairEvaluator evaluator = null!;
    private PodInfo from = null!;
    private PodInfo to = null!;

    /// <summary>(pods, policies).</summary>
    [Params("1000/100", "10000/1000")]
    public string Size { get; set; } = "1000/100";

    /// <summary>Builds the cluster (not timed).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var parts = Size.Split('/');
        model = SyntheticCluster.Generate(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        evaluator = new PairEvaluator(model, AnalysisMode.Kubernetes);
        from = model.Pods[model.Pods.Count / 3];
        to = model.Pods[(model.Pods.Count * 2) / 3];
    }

    /// <summary>Grouping + selector evaluation + the whole matrix.</summary>
    [Benchmark]
    public int FullMatrix()
    {
        var analyzer = new ConnectivityAnalyzer(model, AnalysisMode.Kubernetes);
        var matrix = analyzer.ComputeMatrix();
        return matrix.CellId(0, 0) + analyzer.ClassCount;
    }

    /// <summary>One pod-to-pod question with every reason (policies selecting each side, rules).</summary>
    [Benchmark]
    public ConnectionSet SingleQuery() => evaluator.Evaluate(Endpoint.ForPod(from), Endpoint.ForPod(to)).Allowed;
}

/// <summary>
/// The 100,000-pod / 10,000-policy cluster, kept apart because one run takes seconds: run it with
/// <c>--strategy Monitoring --warmupCount 1 --iterationCount 3</c>.
/// </summary>
[MemoryDiagnoser]
public class NetpolAnalyzerLargeBenchmarks
{
    private readonly NetpolAnalyzerBenchmarks inner = new() { Size = "100000/10000" };

    /// <summary>Builds the cluster (not timed).</summary>
    [GlobalSetup]
    public void Setup() => inner.Setup();

    /// <summary>Grouping + selector evaluation + the whole matrix.</summary>
    [Benchmark]
    public int FullMatrix() => inner.FullMatrix();

    /// <summary>One pod-to-pod question with every reason.</summary>
    [Benchmark]
    public ConnectionSet SingleQuery() => inner.SingleQuery();
}

using BenchmarkDotNet.Attributes;
using Podnet.Cluster.Controllers;

namespace Podnet.Bench.Cli;

/// <summary>
/// The control plane converging a large cluster on the in-memory snapshot: 5000 nodes, 10,000
/// Deployments × 15 replicas = 150,000 pods, 10,000 Services, 1000 NetworkPolicies (target ≤ 10 s,
/// ≤ 4 GiB). Run: <c>dotnet run -c Release --project bench/Podnet.Bench -- --filter '*ConvergeBenchmark*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class ConvergeBenchmark
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Scale divisor: 1 is the full target size, 10 a tenth of it.</summary>
    [Params(10, 1)]
    public int Divisor { get; set; }

    private LargeCluster cluster = null!;

    /// <summary>Builds the description of the cluster.</summary>
    [GlobalSetup]
    public void Setup() =>
        cluster = new LargeCluster(5000 / Divisor, 100, 10000 / Divisor, 15, 10000 / Divisor, 1000 / Divisor);

    /// <summary>Bootstrap objects + user objects (Service admission included), then one convergence.</summary>
    [Benchmark]
    public int LoadAndConverge()
    {
        var set = cluster.Snapshot(Now);
        ControlPlane.Converge(set, cluster.Config, Now);
        return set.CountOf("Pod");
    }
}

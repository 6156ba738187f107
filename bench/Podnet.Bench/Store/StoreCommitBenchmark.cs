using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Podnet.Bench.Cli;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Store;
using Podnet.Cluster.Api.Validation;
using Podnet.Cluster.Controllers;

namespace Podnet.Bench.Store;

/// <summary>
/// The store half of <c>podnet apply</c> on a large cluster: every object of a converged cluster (the
/// user's objects plus the pods, ReplicaSets, EndpointSlices, Endpoints and Events the controllers made)
/// written into a new SQLite store in one transaction, as <c>ClusterSession.Commit</c> does through
/// <see cref="ObjectStoreBase.WriteView"/>. The CPU time of the process over the iterations is printed
/// at the end (the machine is shared, so wall time alone misleads).
/// Run: <c>dotnet run -c Release --project bench/Podnet.Bench -- --filter '*StoreCommitBenchmark*' --job short --inProcess</c>.
/// </summary>
[MemoryDiagnoser]
public class StoreCommitBenchmark
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Scale: 10 is a tenth of issue 2's cluster converged (≈ 113,000 objects); 1 is ten copies of that tenth
    /// under renamed namespaces and nodes (≈ 1.1 million objects, the full size's count and shapes: the
    /// full-size convergence itself takes longer than a benchmark should).
    /// </summary>
    [Params(10, 1)]
    public int Divisor { get; set; }

    private List<KubeObject> objects = null!;
    private ValidationContext validation = null!;
    private string dir = null!;
    private int iteration;
    private TimeSpan cpu;
    private int runs;

    /// <summary>Builds and converges the cluster once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var cluster = new LargeCluster(500, 100, 1000, 15, 1000, 100);
        var set = cluster.Snapshot(Now);
        ControlPlane.Converge(set, cluster.Config, Now);
        var tenth = set.All.ToList();
        objects = [.. tenth];
        for (var copy = 1; copy < 10 / Divisor; copy++)
        {
            var suffix = "-c" + copy.ToString(System.Globalization.CultureInfo.InvariantCulture);
            objects.AddRange(tenth.Select(o => o.Namespace.Length > 0
                ? o with { Metadata = o.Metadata with { Namespace = o.Namespace + suffix } }
                : o with { Metadata = o.Metadata with { Name = o.Name + suffix } }));
        }
        var config = cluster.Config;
        validation = new ValidationContext { ServiceCidr = config.ServiceCidr, NodePortMin = config.NodePortMin, NodePortMax = config.NodePortMax };
        dir = Path.Combine(Path.GetTempPath(), "podnet-store-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
    }

    /// <summary>Writes every object into a new store file (one transaction).</summary>
    [Benchmark]
    public long CommitIntoNewStore()
    {
        var path = Path.Combine(dir, $"cluster{iteration++}.db");
        var before = Process.GetCurrentProcess().TotalProcessorTime;
        long revision;
        using (var store = new SqliteObjectStore(path, () => Now) { ValidationContext = validation })
        {
            store.WriteView(objects, []);
            revision = store.Revision;
        }
        cpu += Process.GetCurrentProcess().TotalProcessorTime - before;
        runs++;
        foreach (var f in Directory.GetFiles(dir, $"cluster{iteration - 1}.db*"))
        {
            File.Delete(f);
        }
        return revision;
    }

    /// <summary>Prints the CPU time per commit and removes the files.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        Console.Error.WriteLine($"// StoreCommitBenchmark: {objects.Count} objects, CPU time per commit {cpu.TotalSeconds / Math.Max(1, runs):F2} s over {runs} runs");
        Directory.Delete(dir, recursive: true);
    }
}

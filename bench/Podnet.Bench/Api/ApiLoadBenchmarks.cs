using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Podnet.Cluster.Api.Defaulting;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.Api.Store;
using Podnet.Cluster.Api.Validation;

namespace Podnet.Bench.Api;

/// <summary>
/// Issue 2's load targets for the object model: parse + default + validate a 5000-node / 10,000-Deployment
/// (150,000 replicas) / 10,000-Service cluster, parse 150,000 explicit Pods, apply the cluster into the
/// SQLite store, and list 1000 pods from a store. One cold iteration each (these are big, single-shot jobs).
/// Peak memory is printed by the GlobalCleanup (<c>Process.PeakWorkingSet64</c>).
/// </summary>
[Config(typeof(SingleShotInProcess))]
[MemoryDiagnoser]
public class ApiLoadBenchmarks
{
    /// <summary>One cold iteration, in process (no per-benchmark rebuild: the generated inputs are large).</summary>
    public sealed class SingleShotInProcess : ManualConfig
    {
        /// <summary>Creates the config.</summary>
        public SingleShotInProcess()
        {
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithStrategy(RunStrategy.ColdStart)
                .WithLaunchCount(1)
                .WithWarmupCount(0)
                .WithIterationCount(1));
        }
    }

    private ClusterGenerator.Shape _shape = ClusterGenerator.Large;
    private int _podCount;
    private string _clusterYaml = "";
    private string _podsYaml = "";
    private string _dir = "";
    private SqliteObjectStore? _thousandPods;

    /// <summary>Generates the inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        // PODNET_BENCH_SCALE=N divides every count by N (1 = issue 2's full size).
        var scale = int.TryParse(Environment.GetEnvironmentVariable("PODNET_BENCH_SCALE"), out var s) && s > 0 ? s : 1;
        var l = ClusterGenerator.Large;
        _shape = new ClusterGenerator.Shape(l.Nodes / scale, Math.Max(1, l.Namespaces / scale), l.Deployments / scale, l.ReplicasPerDeployment, l.NetworkPolicies / scale);
        _podCount = 150_000 / scale;
        _clusterYaml = ClusterGenerator.ClusterYaml(_shape);
        _podsYaml = ClusterGenerator.PodsYaml(_podCount, _shape.Nodes, _shape.Namespaces);
        Console.WriteLine($"// Scale 1/{scale}: {_shape}, {_podCount} explicit pods, cluster YAML {_clusterYaml.Length / 1024} KiB, pods YAML {_podsYaml.Length / 1024} KiB");
        _dir = Path.Combine(Path.GetTempPath(), "podnet-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        _thousandPods = new SqliteObjectStore(Path.Combine(_dir, "thousand.db"));
        var pods = ManifestReader.ReadText("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n---\n" +
            ClusterGenerator.PodsYaml(1000).Replace("namespace: ns-", "namespace: default\n  annotations:\n    ns: ns-", StringComparison.Ordinal), "pods.yaml");
        _thousandPods.Apply(pods.Items.Select(i => (i.Object, (string?)i.Source)));
    }

    private TimeSpan _cpuBefore;

    /// <summary>Notes the process CPU time before the measured operation.</summary>
    [IterationSetup]
    public void BeforeIteration() => _cpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;

    /// <summary>Prints the CPU time the operation used (comparable across machine load, unlike wall time).</summary>
    [IterationCleanup]
    public void AfterIteration() =>
        Console.WriteLine($"// CpuTime: {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - _cpuBefore).TotalSeconds:F2} s (load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");

    /// <summary>Removes the temporary databases and prints the peak working set.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _thousandPods?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        Console.WriteLine($"// PeakWorkingSet64: {System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MiB");
    }

    /// <summary>Parse, default and validate the large cluster.</summary>
    [Benchmark]
    public int LoadCluster()
    {
        var set = ManifestReader.ReadText(_clusterYaml, "cluster.yaml");
        var errors = 0;
        foreach (var o in set.Objects)
        {
            errors += ObjectValidator.Validate(ObjectDefaulter.Default(o)).Count;
        }

        if (errors > 0 || set.Errors.Count > 0)
        {
            throw new InvalidOperationException("generated cluster is invalid");
        }

        return set.Items.Count;
    }

    /// <summary>
    /// The same as <see cref="LoadCluster"/> with every document on the YamlDotNet path (the reader before the
    /// block-YAML fast path), for comparison. Run it in its own process (<c>--filter</c>) for a cold figure.
    /// </summary>
    [Benchmark]
    public int LoadClusterYamlDotNetPath()
    {
        var set = new ManifestSet();
        ManifestReader.ReadInto(set, _clusterYaml, "cluster.yaml", fastPath: false);
        var errors = 0;
        foreach (var o in set.Objects)
        {
            errors += ObjectValidator.Validate(ObjectDefaulter.Default(o)).Count;
        }

        if (errors > 0 || set.Errors.Count > 0)
        {
            throw new InvalidOperationException("generated cluster is invalid");
        }

        return set.Items.Count;
    }

    /// <summary>Parse, default and validate 150,000 explicit pods.</summary>
    [Benchmark]
    public int LoadPods()
    {
        var set = ManifestReader.ReadText(_podsYaml, "pods.yaml");
        var errors = 0;
        foreach (var o in set.Objects)
        {
            errors += ObjectValidator.Validate(ObjectDefaulter.Default(o)).Count;
        }

        if (errors > 0 || set.Items.Count != _podCount)
        {
            throw new InvalidOperationException("generated pods are invalid");
        }

        return set.Items.Count;
    }

    /// <summary>Parse and apply the large cluster into a fresh SQLite store (one transaction).</summary>
    [Benchmark]
    public int ApplyClusterToStore()
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".db");
        using var store = new SqliteObjectStore(path);
        var set = ManifestReader.ReadText(_clusterYaml, "cluster.yaml");
        var ns = set.Items.Where(i => i.Object.Kind == "Namespace").Select(i => (i.Object, (string?)i.Source));
        var rest = set.Items.Where(i => i.Object.Kind != "Namespace").Select(i => (i.Object, (string?)i.Source));
        var results = store.Apply(ns.Concat(rest));
        if (results.Any(r => !r.Succeeded))
        {
            throw new InvalidOperationException(results.First(r => !r.Succeeded).Error);
        }

        return results.Count;
    }

    /// <summary>List 1000 pods (all namespaces) from an existing store, opening it first as a CLI process would.</summary>
    [Benchmark]
    public int ListThousandPods()
    {
        using var store = new SqliteObjectStore(Path.Combine(_dir, "thousand.db"));
        return store.List(KindRegistry.Resolve("pods")!).Count;
    }
}

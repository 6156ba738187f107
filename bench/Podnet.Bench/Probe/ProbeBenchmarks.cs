using BenchmarkDotNet.Attributes;
using Podnet.Analysis.Probe;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.Controllers;

namespace Podnet.Bench.Probe;

/// <summary>
/// <c>podnet probe</c>'s engine on the tour's application with its two NetworkPolicies (8 pods in
/// namespace shop, 64 connections, 3 nodes realized): build the runtime, probe, predict.
/// Run: <c>dotnet run -c Release --project bench/Podnet.Bench -- --filter '*ProbeBenchmarks*' --job short --inProcess</c>.
/// </summary>
[MemoryDiagnoser]
public class ProbeBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private readonly ClusterConfig config = new();
    private IReadOnlyList<KubeObject> objects = [];

    /// <summary>Reads <c>examples/tour</c> (recursively) and converges it once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var dir = new DirectoryInfo(Directory.GetCurrentDirectory());
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "examples", "tour")))
        {
            dir = dir.Parent;
        }

        var examples = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("examples/tour not found"), "examples", "tour");
        var set = new ObjectSet(ClusterBootstrap.Objects(config, Now));
        foreach (var item in ManifestReader.ReadPath(examples, recursive: true).Items)
        {
            var o = item.Object with { Metadata = item.Object.Metadata with { Namespace = string.IsNullOrEmpty(item.Object.Namespace) && item.Object.Kind != "Namespace" ? "default" : item.Object.Namespace, CreationTimestamp = Now } };
            set.Put(o is Podnet.Cluster.Api.Core.Service svc ? ServiceAllocator.Admit(svc, set, config, out _) ?? svc : o);
        }

        ControlPlane.Converge(set, config, Now);
        objects = set.All.ToList();
    }

    /// <summary>TCP/8080 between the shop pods: measured and predicted.</summary>
    [Benchmark]
    public int ProbeTourShop() =>
        ConnectivityProbe.Run(objects, config, new ProbeOptions { Port = 8080, Namespace = "shop", Seed = 1, Epoch = Now }).Mismatches.Count;
}

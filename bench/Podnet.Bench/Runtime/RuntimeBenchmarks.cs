using System.Text;
using BenchmarkDotNet.Attributes;
using Podnet.Bench.Cli;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Controllers;
using Podnet.Cluster.Images.Http;
using Podnet.Cluster.Runtime;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Wire;

namespace Podnet.Bench.Runtime;

/// <summary>
/// The realized data plane on a 100-node, 3000-pod cluster (200 Deployments × 15 nginx pods, 200
/// Services): one <c>podnet exec</c>-style curl between pods on two nodes from the converged snapshot
/// (runtime creation, lazy build of only the two nodes, the curl), and 1,000 pod-to-pod HTTP requests
/// inside one run. Run: <c>dotnet run -c Release --project bench/Podnet.Bench -- --filter '*RuntimeBenchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class RuntimeBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private IReadOnlyList<KubeObject> _objects = null!;
    private ClusterConfig _config = null!;
    private Pod _client = null!;
    private Pod _server = null!;
    private ClusterRuntime _warm = null!;

    /// <summary>Generates and converges the cluster once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var cluster = new LargeCluster(100, 10, 200, 15, 200, 0);
        _config = cluster.Config;
        var set = cluster.Snapshot(Now);
        ControlPlane.Converge(set, _config, Now);
        _objects = set.All.ToList();
        var pods = _objects.OfType<Pod>().Where(p => p.Status?.PodIP is not null && p.Spec.HostNetwork != true && p.Namespace.StartsWith("ns", StringComparison.Ordinal)).ToList();
        _client = pods[0];
        _server = pods.First(p => p.Spec.NodeName != _client.Spec.NodeName);
        _warm = new ClusterRuntime(_objects, _config, new RuntimeOptions { Seed = 1, Epoch = Now });
        _warm.EnsurePod(_client.Namespace, _client.Name, out _);
        _warm.EnsurePod(_server.Namespace, _server.Name, out _);
        _warm.Settle();
    }

    /// <summary>Runtime from the snapshot, two nodes built, one curl (the work of one <c>podnet exec</c> after the store is read).</summary>
    [Benchmark]
    public int ExecCurlBetweenTwoPods()
    {
        var rt = new ClusterRuntime(_objects, _config, new RuntimeOptions { Seed = 1, Epoch = Now });
        var r = rt.ExecInPod(_client.Namespace, _client.Name, null, ["curl", "-s", "http://" + _server.Status!.PodIP + "/"], false, out var err)
            ?? throw new InvalidOperationException(err);
        if (r.ExitCode != 0 || rt.BuiltNodes.Count != 2) throw new InvalidOperationException("curl failed: " + r.Stderr);
        return r.Stdout.Length;
    }

    /// <summary>1,000 HTTP/1.1 requests (each its own TCP connection) from one pod to a pod on another node, in one run.</summary>
    [Benchmark]
    public int ThousandPodToPodRequests()
    {
        var client = _warm.EnsurePod(_client.Namespace, _client.Name, out _)!.Namespace;
        var ip = Ipv4Address.Parse(_server.Status!.PodIP!);
        int ok = 0;
        var req = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        var run = _warm.World.Loop.Run(async () =>
        {
            for (int i = 0; i < 1000; i++)
            {
                var (s, e) = await client.Tcp.ConnectAsync(ip, 80);
                if (e != Errno.None) throw new InvalidOperationException(e.ToString());
                s.Send(req);
                var m = await HttpWire.ReadMessageAsync(s, null, bodyUntilClose: false);
                if (m is not null) ok++;
                s.Close();
            }
        }, TimeSpan.FromHours(1), TimeSpan.FromMinutes(2));
        if (!run.Completed || ok != 1000) throw new InvalidOperationException($"{run.Outcome} {ok}");
        return ok;
    }
}

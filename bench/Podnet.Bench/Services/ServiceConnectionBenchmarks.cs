using System.Diagnostics;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Controllers;
using Podnet.Cluster.Images.Http;
using Podnet.Cluster.Runtime;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Wire;

namespace Podnet.Bench.Services;

/// <summary>
/// Per-connection cost through a ClusterIP as the number of Services grows (issue 6): a cluster
/// with <see cref="Services"/> Services (each selecting one agnhost pod, so each has one
/// endpoint), realized in one kube-proxy <see cref="Mode"/>; a client pod on the same node opens
/// <see cref="Connections"/> connections to the ClusterIP of the Service in the middle of the
/// sorted list (connect, one HTTP request and response, close). iptables walks KUBE-SERVICES
/// rule by rule, nftables looks the address up in the <c>service-ips</c> verdict map, IPVS finds
/// the virtual service in its table. CPU time per connection is printed at the end
/// (<c>Process.TotalProcessorTime</c>; the machine is shared, so wall time alone misleads).
/// Run: <c>dotnet run -c Release --project bench/Podnet.Bench -- --filter '*ServiceConnectionBenchmarks*' --job short --inProcess</c>.
/// </summary>
[MemoryDiagnoser]
public class ServiceConnectionBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private ClusterRuntime _rt = null!;
    private Podnet.Kernel.Stack.NetNamespace _client = null!;
    private uint _vip;
    private TimeSpan _cpu;
    private long _done;

    /// <summary>kube-proxy mode.</summary>
    [Params("iptables", "nftables", "ipvs")]
    public string Mode { get; set; } = "iptables";

    /// <summary>Number of Services in the cluster.</summary>
    [Params(100, 1000, 10000)]
    public int Services { get; set; } = 100;

    /// <summary>Connections per benchmark invocation.</summary>
    public const int Connections = 200;

    /// <summary>Builds, converges and realizes the cluster (only the one node the pods run on).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var config = new ClusterConfig { ProxyMode = Mode };
        var set = new ObjectSet(ClusterBootstrap.Objects(config, Now));
        var node = config.NodeNames()[1];
        set.Put(Pod("web", node, "registry.k8s.io/e2e-test-images/agnhost:2.52", ["netexec", "--http-port=8080"], new Dictionary<string, string> { ["app"] = "web" }));
        set.Put(Pod("client", node, "busybox", ["sleep", "3600"], new Dictionary<string, string>()));
        var batch = new ServiceAllocator.Batch(set, config);
        for (int i = 0; i < Services; i++)
        {
            var svc = new Service
            {
                Metadata = new ObjectMeta { Name = "svc-" + i.ToString("D5", CultureInfo.InvariantCulture), Namespace = "default", CreationTimestamp = Now },
                Spec = new ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "web" }, Ports = [new ServicePort { Port = 80, TargetPort = IntOrString.FromInt(8080), Protocol = "TCP" }] },
            };
            set.Put(batch.Admit(svc, out var error) ?? throw new InvalidOperationException(error));
        }
        ControlPlane.Converge(set, config, Now);
        _rt = new ClusterRuntime(set.All, config, new RuntimeOptions { Seed = 1, Epoch = Now, EnforceNetworkPolicies = false });
        _client = _rt.EnsurePod("default", "client", out var reason)?.Namespace ?? throw new InvalidOperationException(reason);
        _rt.Settle();
        if (_rt.Problems.Count > 0) throw new InvalidOperationException(string.Join("\n", _rt.Problems));
        var target = set.Get<Service>("Service", "default", "svc-" + (Services / 2).ToString("D5", CultureInfo.InvariantCulture))!;
        _vip = Ipv4Address.Parse(target.Spec.ClusterIP!);
    }

    private static Pod Pod(string name, string node, string image, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> labels) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default", Labels = labels, CreationTimestamp = Now },
        Spec = new PodSpec { NodeName = node, Containers = [new Container { Name = "main", Image = image, Args = args, Ports = [new ContainerPort { ContainerPortNumber = 8080 }] }] },
    };

    /// <summary>Prints CPU time per connection over every invocation.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        if (_done > 0)
            Console.WriteLine($"// CPU per connection ({Mode}, {Services} Services): {(_cpu.TotalMilliseconds * 1000 / _done).ToString("F1", CultureInfo.InvariantCulture)} us over {_done} connections");
    }

    /// <summary><see cref="Connections"/> connections through the ClusterIP.</summary>
    [Benchmark]
    public int ConnectionsThroughClusterIp()
    {
        int ok = 0;
        var req = Encoding.ASCII.GetBytes("GET /hostname HTTP/1.1\r\nHost: svc\r\nConnection: close\r\n\r\n");
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var run = _rt.World.Loop.Run(async () =>
        {
            for (int i = 0; i < Connections; i++)
            {
                var (s, e) = await _client.Tcp.ConnectAsync(_vip, 80);
                if (e != Errno.None) throw new InvalidOperationException(e.ToString());
                s.Send(req);
                var m = await HttpWire.ReadMessageAsync(s, null, bodyUntilClose: false);
                if (m is not null) ok++;
                s.Close();
            }
        }, TimeSpan.FromHours(1), TimeSpan.FromMinutes(2));
        _cpu += Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        _done += ok;
        if (!run.Completed || ok != Connections) throw new InvalidOperationException($"{run.Outcome} {ok}");
        return ok;
    }
}

using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Networking;
using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.Controllers;
using Podnet.Cluster.Images.Http;
using Podnet.Cluster.Ingresses;
using Podnet.Cluster.Runtime;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Wire;

namespace Podnet.Bench.Ingresses;

/// <summary>
/// The ingress controller: building the routing table from 1,000 Ingresses (5 paths each, 500
/// hosts, a wildcard per 10 hosts; what a configuration reload costs), 10,000 routing decisions on
/// it, and 1,000 HTTP requests from the outside client through the node port, the controller pod
/// and on to an agnhost pod on another node (each request two TCP connections), in one run.
/// Run: <c>dotnet run -c Release --project bench/Podnet.Bench -- --filter '*IngressBenchmarks*' --job short --inProcess</c>.
/// </summary>
[MemoryDiagnoser]
public class IngressBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private List<KubeObject> _ingresses = null!;
    private IngressRouteTable _table = null!;
    private ClusterRuntime _runtime = null!;
    private string _nodeIp = "";
    private int _nodePort;

    /// <summary>Generates the Ingresses and a realized cluster with the controller.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _ingresses = [new IngressClass { Metadata = new ObjectMeta { Name = "nginx", Annotations = new Dictionary<string, string> { [IngressClass.IsDefaultClassAnnotation] = "true" } }, Spec = new IngressClassSpec { Controller = "k8s.io/ingress-nginx" } }];
        for (int i = 0; i < 1000; i++)
        {
            var host = i % 20 == 0 ? $"*.w{i / 20}.example.com" : $"h{i % 500}.example.com";
            var paths = Enumerable.Range(0, 5).Select(p => new HttpIngressPath
            {
                Path = $"/s{i}/p{p}",
                PathType = p % 2 == 0 ? "Prefix" : "Exact",
                Backend = new IngressBackend { Service = new IngressServiceBackend { Name = $"svc{i}", Port = new ServiceBackendPort { Number = 80 } } },
            }).ToList();
            _ingresses.Add(new Ingress
            {
                Metadata = new ObjectMeta { Name = "ing" + i.ToString(CultureInfo.InvariantCulture), Namespace = "default", CreationTimestamp = Now.AddSeconds(-i) },
                Spec = new IngressSpec { IngressClassName = "nginx", Rules = [new IngressRule { Host = host, Http = new HttpIngressRuleValue { Paths = paths } }] },
            });
        }
        _table = IngressRouteTable.Build(_ingresses);

        var config = new ClusterConfig();
        var set = new ObjectSet(ClusterBootstrap.Objects(config, Now));
        var yaml = File.ReadAllText(Path.Combine(RepoRoot(), "examples", "ingress", "myapp.yaml"));
        foreach (var item in ManifestReader.ReadText(yaml, "myapp.yaml").Items)
        {
            var o = item.Object with { Metadata = item.Object.Metadata with { Namespace = "default", CreationTimestamp = Now } };
            set.Put(o is Service s ? ServiceAllocator.Admit(s, set, config, out var e) ?? throw new InvalidOperationException(e) : o);
        }
        ControlPlane.Converge(set, config, Now);
        if (IngressNginxInstall.Install(set, config, Now) is { } err) throw new InvalidOperationException(err);
        var controller = set.OfKind<Pod>("Pod").Single(p => p.Namespace == IngressNginxInstall.Namespace);
        _nodeIp = ClusterBootstrap.NodeInternalIp(set.Get<Node>("Node", "", controller.Spec.NodeName!)!)!;
        _nodePort = set.Get<Service>("Service", IngressNginxInstall.Namespace, IngressNginxInstall.ControllerName)!.Spec.Ports[0].NodePort!.Value;
        _runtime = new ClusterRuntime(set.All, config, new RuntimeOptions { Seed = 1, Epoch = Now });
        _runtime.EnsureFor([_nodeIp]);
    }

    private TimeSpan _cpuBefore;

    /// <summary>Notes the process CPU time before the measured operation.</summary>
    [IterationSetup]
    public void BeforeIteration() => _cpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;

    /// <summary>Prints the CPU time the operation used (comparable across machine load, unlike wall time).</summary>
    [IterationCleanup]
    public void AfterIteration() =>
        Console.WriteLine($"// CpuTime: {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - _cpuBefore).TotalMilliseconds:F0} ms (load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");

    private static string RepoRoot([System.Runtime.CompilerServices.CallerFilePath] string file = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "..", "..", ".."));

    /// <summary>The routing table from 1,000 Ingresses (a controller reload).</summary>
    [Benchmark]
    public int BuildTableFromThousandIngresses() => IngressRouteTable.Build(_ingresses).Servers.Count;

    /// <summary>10,000 decisions (host lookup, nginx location search) on the 1,000-Ingress table.</summary>
    [Benchmark]
    public int TenThousandDecisions()
    {
        int proxied = 0;
        for (int i = 0; i < 10_000; i++)
        {
            var n = i % 1000;
            var host = n % 20 == 0 ? $"x.w{n / 20}.example.com" : $"h{n % 500}.example.com";
            var d = _table.Decide(new IngressRequest("http", host, $"/s{n}/p{i % 5}/more", "198.51.100.100"));
            if (d.Backend is not null) proxied++;
        }
        return proxied;
    }

    /// <summary>1,000 requests from the outside client through node port → controller → backend pod.</summary>
    [Benchmark]
    public int ThousandRequestsThroughTheController()
    {
        var client = _runtime.Outside.Client.Namespace;
        var ip = Ipv4Address.Parse(_nodeIp);
        int ok = 0;
        var req = Encoding.ASCII.GetBytes("GET /app1/hostname HTTP/1.1\r\nHost: myapp.example.com\r\nConnection: close\r\n\r\n");
        var run = _runtime.World.Loop.Run(async () =>
        {
            for (int i = 0; i < 1000; i++)
            {
                var (s, e) = await client.Tcp.ConnectAsync(ip, (ushort)_nodePort);
                if (e != Errno.None) throw new InvalidOperationException(e.ToString());
                s.Send(req);
                var m = await HttpWire.ReadMessageAsync(s, null, bodyUntilClose: false);
                if (m is not null && m.Value.Head.StartsWith("HTTP/1.1 200", StringComparison.Ordinal)) ok++;
                s.Close();
            }
        }, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5));
        if (!run.Completed || ok != 1000) throw new InvalidOperationException($"{run.Outcome} {ok}");
        return ok;
    }
}

using System.Net;
using Podnet.Cluster.Dns.CoreDns;

namespace Podnet.Bench.Dns;

/// <summary>A synthetic cluster for the DNS benchmarks: 100 namespaces × 100 ClusterIP Services (10,000), each with a
/// named port and an EndpointSlice of two ready pods, plus kube-dns and its two CoreDNS pods.</summary>
public static class DnsBenchCluster
{
    /// <summary>Services in the cluster.</summary>
    public const int ServiceCount = 10_000;

    /// <summary>The ClusterIP of service i (10.96.0.0/16 from .1 up, after kube-dns's .10).</summary>
    public static IPAddress ClusterIP(int i) => new([10, 96, (byte)((i + 100) / 256), (byte)((i + 100) % 256)]);

    /// <summary>The namespace and name of service i.</summary>
    public static (string Ns, string Name) Service(int i) => ($"ns-{i / 100}", $"svc-{i % 100}");

    /// <summary>The view CoreDNS would hold for this cluster.</summary>
    public static DnsClusterView View()
    {
        var services = new List<DnsService>
        {
            new("kube-system", "kube-dns", DnsServiceKind.ClusterIP, [IPAddress.Parse("10.96.0.10")], [new DnsPort("dns", "UDP", 53), new DnsPort("dns-tcp", "TCP", 53)]),
        };
        var slices = new List<DnsEndpointSlice>
        {
            new("kube-system", "kube-dns-x", "kube-dns", [new DnsPort("dns", "UDP", 53)],
                [new DnsEndpoint([IPAddress.Parse("10.244.0.2")]), new DnsEndpoint([IPAddress.Parse("10.244.0.3")])]),
        };
        for (var i = 0; i < ServiceCount; i++)
        {
            var (ns, name) = Service(i);
            services.Add(new DnsService(ns, name, DnsServiceKind.ClusterIP, [ClusterIP(i)], [new DnsPort("http", "TCP", 80)]));
            var a = new IPAddress([10, 244, (byte)(1 + 2 * i / 250 % 250), (byte)(2 * i % 250 + 1)]);
            var b = new IPAddress([10, 244, (byte)(1 + (2 * i + 1) / 250 % 250), (byte)((2 * i + 1) % 250 + 1)]);
            slices.Add(new DnsEndpointSlice(ns, name + "-abcde", name, [new DnsPort("http", "TCP", 8080)], [new DnsEndpoint([a]), new DnsEndpoint([b])]));
        }
        var namespaces = Enumerable.Range(0, ServiceCount / 100).Select(n => $"ns-{n}").Append("kube-system").Append("default");
        return new DnsClusterView(namespaces, services, slices, [], 1_763_700_000);
    }

    /// <summary>CoreDNS with kubeadm's Corefile over <paramref name="view"/>.</summary>
    public static CoreDnsServer CoreDns(DnsClusterView view) =>
        new(Corefile.KubeadmDefault(), () => view, new StopwatchClock(), null, [IPAddress.Parse("10.244.0.2"), IPAddress.Parse("10.244.0.3")]);

    /// <summary>dnsperf query lines: 40% service A, 20% named-port SRV, 20% PTR of ClusterIPs, 20% NXDOMAIN, in a
    /// seeded random order.</summary>
    public static List<string> Queries(int count, int seed = 42)
    {
        var rng = new Random(seed);
        var lines = new List<string>(count);
        for (var k = 0; k < count; k++)
        {
            var i = rng.Next(ServiceCount);
            var (ns, name) = Service(i);
            var roll = rng.Next(10);
            lines.Add(roll switch
            {
                < 4 => $"{name}.{ns}.svc.cluster.local A",
                < 6 => $"_http._tcp.{name}.{ns}.svc.cluster.local SRV",
                < 8 => $"{KubernetesPlugin.ReverseName(ClusterIP(i))} PTR",
                _ => $"missing-{i}.{ns}.svc.cluster.local A",
            });
        }
        return lines;
    }

    private sealed class StopwatchClock : Podnet.Kernel.Simulation.IClock
    {
        private readonly System.Diagnostics.Stopwatch _w = System.Diagnostics.Stopwatch.StartNew();

        public TimeSpan Now => _w.Elapsed;
    }
}

using System.Net;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Discovery;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Dns;
using Podnet.Cluster.Dns.CoreDns;
using Podnet.Cluster.Dns.Resolver;
using Podnet.Cluster.Dns.Wire;
using Podnet.Kernel.Simulation;

namespace Podnet.Cluster.Tests.Dns;

/// <summary>A manually advanced simulation clock.</summary>
internal sealed class ManualClock : IClock
{
    public TimeSpan Now { get; set; }
}

/// <summary>An upstream resolver outside the cluster: knows a few public names, NXDOMAIN for the rest; counts calls.</summary>
internal sealed class FakeUpstream : IDnsForwarder
{
    public int Calls;
    public readonly Dictionary<string, IPAddress> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["example.com."] = IPAddress.Parse("93.184.215.14"),
        ["ext.interwebs.test."] = IPAddress.Parse("198.51.100.7"),
    };

    public DnsMessage? Forward(DnsMessage query, IReadOnlyList<string> upstreams)
    {
        Interlocked.Increment(ref Calls);
        var q = query.Questions[0];
        if (!Names.TryGetValue(DnsName.Fqdn(q.Name), out var ip))
        {
            var nx = DnsMessage.ResponseTo(query, DnsRcode.NXDomain);
            nx.Header = nx.Header with { RecursionAvailable = true };
            nx.Authority.Add(DnsResourceRecord.In(".", DnsRecordType.SOA, 86400, new SoaRecordData("a.root-servers.net.", "nstld.verisign-grs.com.", 2026112100, 1800, 900, 604800, 86400)));
            return nx;
        }
        var r = DnsMessage.ResponseTo(query);
        r.Header = r.Header with { RecursionAvailable = true };
        if (q.Type == DnsRecordType.A) r.Answers.Add(DnsResourceRecord.In(q.Name, DnsRecordType.A, 300, new ARecordData(ip)));
        return r;
    }
}

/// <summary>Kubernetes objects for DNS tests (namespaces default, kube-system, shop; Services web, db (headless),
/// ext (ExternalName), kube-dns) and helpers that answer through CoreDNS with kubeadm's Corefile.</summary>
internal static class DnsTestCluster
{
    private static ObjectMeta Meta(string ns, string name, Dictionary<string, string>? labels = null) =>
        new() { Namespace = ns, Name = name, Labels = labels ?? [], CreationTimestamp = DateTimeOffset.FromUnixTimeSeconds(1_763_700_000) };

    public static DnsClusterView View()
    {
        var namespaces = new[] { "default", "kube-system", "shop" }.Select(n => new Namespace { Metadata = new ObjectMeta { Name = n } });
        var services = new[]
        {
            new Service { Metadata = Meta("shop", "web"), Spec = new ServiceSpec { ClusterIP = "10.96.0.50", ClusterIPs = ["10.96.0.50"], Ports = [new ServicePort { Name = "http", Protocol = "TCP", Port = 80 }] } },
            new Service { Metadata = Meta("shop", "db"), Spec = new ServiceSpec { ClusterIP = "None", ClusterIPs = ["None"], Ports = [new ServicePort { Name = "pg", Protocol = "TCP", Port = 5432 }] } },
            new Service { Metadata = Meta("shop", "ext"), Spec = new ServiceSpec { Type = "ExternalName", ExternalName = "example.com" } },
            new Service { Metadata = Meta("kube-system", "kube-dns"), Spec = new ServiceSpec { ClusterIP = "10.96.0.10", ClusterIPs = ["10.96.0.10"], Ports = [new ServicePort { Name = "dns", Protocol = "UDP", Port = 53 }, new ServicePort { Name = "dns-tcp", Protocol = "TCP", Port = 53 }] } },
        };
        EndpointSlice Slice(string ns, string name, string svc, EndpointPort[] ports, params Endpoint[] eps) => new()
        {
            Metadata = Meta(ns, name, new Dictionary<string, string> { [EndpointSlice.ServiceNameLabel] = svc }),
            AddressType = "IPv4", Ports = ports, Endpoints = eps,
        };
        Endpoint Ep(string ip, bool ready = true, string? hostname = null, string? pod = null) => new()
        {
            Addresses = [ip], Conditions = new EndpointConditions { Ready = ready }, Hostname = hostname,
            TargetRef = pod is null ? null : new ObjectReference { Kind = "Pod", Name = pod, Namespace = "shop" },
        };
        var slices = new[]
        {
            Slice("shop", "web-abc12", "web", [new EndpointPort { Name = "http", Protocol = "TCP", Port = 8080 }], Ep("10.244.1.5", pod: "web-7d4b9c-x2x"), Ep("10.244.2.6", pod: "web-7d4b9c-y7z")),
            Slice("shop", "db-k2j4", "db", [new EndpointPort { Name = "pg", Protocol = "TCP", Port = 5432 }], Ep("10.244.1.7", hostname: "db-0", pod: "db-0"), Ep("10.244.2.8", hostname: "db-1", pod: "db-1"), Ep("10.244.2.9", ready: false, hostname: "db-2", pod: "db-2")),
            Slice("kube-system", "kube-dns-q8w2e", "kube-dns", [new EndpointPort { Name = "dns", Protocol = "UDP", Port = 53 }], Ep("10.244.0.2"), Ep("10.244.0.3")),
        };
        return DnsClusterViewBuilder.Build(namespaces, services, slices);
    }

    public static CoreDnsServer CoreDns(ManualClock? clock = null, FakeUpstream? upstream = null, DnsClusterView? view = null, string? corefile = null)
    {
        var v = view ?? View();
        return new CoreDnsServer(corefile ?? Corefile.KubeadmDefault(), () => v, clock ?? new ManualClock(), upstream ?? new FakeUpstream(),
            [IPAddress.Parse("10.244.0.2")]);
    }

    /// <summary>A transport that hands every query to a handler (in-process; no network).</summary>
    public sealed class HandlerTransport(IDnsHandler handler) : IResolverTransport
    {
        public int Count;

        public DnsMessage? Exchange(IPAddress server, DnsMessage query)
        {
            Count++;
            return handler.Answer(query);
        }
    }
}

using System.Net;
using BenchmarkDotNet.Attributes;
using Podnet.Cluster.Dns;
using Podnet.Cluster.Dns.CoreDns;
using Podnet.Cluster.Dns.Resolver;
using Podnet.Cluster.Dns.Wire;

namespace Podnet.Bench.Dns;

/// <summary>100,000 pod lookups of a service name through the glibc resolver model (ClusterFirst resolv.conf, ndots:5,
/// search list), each candidate's A and AAAA answered in-process by CoreDNS (kubeadm Corefile, kubernetes plugin) over
/// a 10,000-Service cluster. Target: ≤ 1 s per 100,000 lookups.</summary>
[MemoryDiagnoser]
public class ResolverLookupBenchmark
{
    private StubResolver _sameNamespace = null!;
    private StubResolver _crossNamespace = null!;

    private sealed class InProcess(IDnsHandler h) : IResolverTransport
    {
        public DnsMessage? Exchange(IPAddress server, DnsMessage query) => h.Answer(query);
    }

    [GlobalSetup]
    public void Setup()
    {
        var coredns = DnsBenchCluster.CoreDns(DnsBenchCluster.View());
        var t = new InProcess(coredns);
        _sameNamespace = new StubResolver(ResolvConf.ClusterFirst(IPAddress.Parse("10.96.0.10"), "ns-7"), ResolverFlavor.Glibc, t);
        _crossNamespace = _sameNamespace;
    }

    /// <summary><c>getaddrinfo("svc-N")</c> from a pod in the service's namespace: 1 candidate, A + AAAA.</summary>
    [Benchmark(OperationsPerInvoke = 100_000)]
    public int SameNamespace100k()
    {
        var found = 0;
        for (var i = 0; i < 100_000; i++)
            if (_sameNamespace.Resolve("svc-" + (i % 100)).Outcome == ResolverOutcome.Found) found++;
        return found;
    }

    /// <summary><c>getaddrinfo("svc-N.ns-M")</c>: 2 candidates (the first NXDOMAIN), 4 queries.</summary>
    [Benchmark(OperationsPerInvoke = 100_000)]
    public int OtherNamespace100k()
    {
        var found = 0;
        for (var i = 0; i < 100_000; i++)
            if (_crossNamespace.Resolve($"svc-{i % 100}.ns-{i % 97}").Outcome == ResolverOutcome.Found) found++;
        return found;
    }
}

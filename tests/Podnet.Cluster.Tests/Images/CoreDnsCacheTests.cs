using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Tests.Runtime;
using Xunit;

namespace Podnet.Cluster.Tests.Images;

/// <summary>CoreDNS's <c>cache 30</c> (kubeadm's Corefile) also keeps the answers its <c>forward</c> plugin got upstream, for at most 30 s.</summary>
public sealed class CoreDnsCacheTests
{
    private const string Cluster = """
        apiVersion: v1
        kind: Pod
        metadata: {name: client}
        spec:
          nodeName: podnet-worker
          containers: [{name: main, image: nicolaka/netshoot, command: [sleep, infinity]}]
        """;

    [Fact]
    public void SecondLookupOfAnOutsideNameIsAnsweredFromTheCache()
    {
        var rt = RuntimeFixture.Realize(Cluster);
        // ask one CoreDNS pod directly: through the kube-dns Service each query may reach the other replica (own cache)
        var coredns = rt.Objects.OfType<Pod>().Where(p => p.Metadata.Labels.GetValueOrDefault("k8s-app") == "kube-dns" && !string.IsNullOrEmpty(p.Status?.PodIP))
            .OrderBy(p => p.Name, StringComparer.Ordinal).First().Status!.PodIP!;
        var resolver = rt.Outside.Hosts.Values.Single(h => h.Address == Podnet.Cluster.Outside.OutsideWorld.ResolverAddress).Namespace;

        long before = resolver.Counters.InDelivers;
        var first = rt.ExecInPod("default", "client", null, ["dig", "@" + coredns, "+short", "example.com"], false, out _)!;
        Assert.Equal(0, first.ExitCode);
        Assert.Equal("203.0.113.10\n", first.Stdout);
        long afterFirst = resolver.Counters.InDelivers;
        Assert.True(afterFirst > before, "the first lookup is forwarded to the upstream resolver");

        var second = rt.ExecInPod("default", "client", null, ["dig", "@" + coredns, "+short", "example.com"], false, out _)!;
        Assert.Equal(first.Stdout, second.Stdout);
        Assert.Equal(afterFirst, resolver.Counters.InDelivers); // no upstream packet: answered from CoreDNS's cache

        // `cache 30` keeps the answer (upstream TTL 300) for 30 s; after that the name is forwarded again
        rt.World.Loop.RunFor(TimeSpan.FromSeconds(31), TimeSpan.FromSeconds(20));
        var third = rt.ExecInPod("default", "client", null, ["dig", "@" + coredns, "+short", "example.com"], false, out _)!;
        Assert.Equal(first.Stdout, third.Stdout);
        Assert.True(resolver.Counters.InDelivers > afterFirst, "after the cache TTL the lookup is forwarded again");
    }
}

using System.Net;
using System.Text.Json;
using Podnet.Cluster.Dns.CoreDns;
using Podnet.Cluster.Dns.Resolver;
using Podnet.Cluster.Dns.Wire;
using Podnet.Cluster.Tests.Dns.CoreDns;
using Xunit;

namespace Podnet.Cluster.Tests.Dns.Resolver;

public class StubResolverTests
{
    private static readonly JsonElement Vectors = ConformanceFixture.Load("kubelet_resolvconf_vectors.json");

    private static (StubResolver Resolver, DnsTestCluster.HandlerTransport Transport) Make(ResolverFlavor flavor, ResolvConf? conf = null)
    {
        var fx = Vectors.GetProperty("search_expansion_fixture");
        conf ??= ResolvConf.Parse(fx.GetProperty("resolv_conf").GetString()!);
        var cluster = fx.GetProperty("cluster");
        var view = new DnsClusterView(
            cluster.GetProperty("namespaces").EnumerateArray().Select(n => n.GetString()!),
            cluster.GetProperty("services").EnumerateArray().Select(s => new DnsService(s.GetProperty("namespace").GetString()!,
                s.GetProperty("name").GetString()!, DnsServiceKind.ClusterIP,
                s.GetProperty("clusterIPs").EnumerateArray().Select(i => IPAddress.Parse(i.GetString()!)).ToList(),
                [new DnsPort("http", "TCP", 80)])),
            []);
        var server = DnsTestCluster.CoreDns(view: view);
        var t = new DnsTestCluster.HandlerTransport(server);
        return (new StubResolver(conf, flavor, t), t);
    }

    public static TheoryData<string, string> SearchCases()
    {
        var d = new TheoryData<string, string>();
        foreach (var c in Vectors.GetProperty("search_expansion_cases").EnumerateArray())
            foreach (var f in c.GetProperty("resolver").GetString()!.Split('|'))
                d.Add(c.GetProperty("id").GetString()!, f);
        return d;
    }

    [Theory]
    [MemberData(nameof(SearchCases))]
    public void Search_expansion_matches_the_vectors(string id, string flavorName)
    {
        var c = Vectors.GetProperty("search_expansion_cases").EnumerateArray().Single(x => x.GetProperty("id").GetString() == id);
        var flavor = Enum.Parse<ResolverFlavor>(flavorName, ignoreCase: true);
        var (resolver, transport) = Make(flavor);
        var name = c.GetProperty("name").GetString()!;
        var result = resolver.Resolve(name);
        var expected = c.GetProperty("candidates").EnumerateArray().Select(x => x.GetProperty("qname").GetString()!).ToList();
        // The vectors list the candidates up to the one that decides; the resolver must send exactly those
        // (SE06: a.b.c.d.e.example is not known upstream, so glibc/Go go on to the search list after it).
        Assert.Equal(expected, result.Candidates.Select(x => x.QName).Take(expected.Count));
        if (id != "SE06") Assert.Equal(expected.Count, result.Candidates.Count);
        if (c.TryGetProperty("wire_queries", out var wq)) Assert.Equal(wq.GetInt32(), transport.Count);
        if (c.TryGetProperty("result", out var res) && IPAddress.TryParse(res.GetString(), out var ip))
        {
            Assert.Equal(ResolverOutcome.Found, result.Outcome);
            Assert.Contains(ip, result.Addresses);
        }
        if (id == "SE08")
        {
            Assert.Equal(ResolverOutcome.NoData, result.Outcome);
            Assert.Empty(result.Addresses);
        }
    }

    [Fact]
    public void Glibc_continues_past_nodata_where_musl_stops()
    {
        var (glibc, _) = Make(ResolverFlavor.Glibc);
        var g = glibc.Resolve("shop");
        Assert.Equal(["shop.shop.svc.cluster.local.", "shop.svc.cluster.local.", "shop.cluster.local.", "shop."], g.Candidates.Select(c => c.QName));
        Assert.Equal(ResolverOutcome.NoData, g.Outcome);
        var (musl, _) = Make(ResolverFlavor.Musl);
        Assert.Equal(2, musl.Resolve("shop").Candidates.Count);
    }

    [Fact]
    public void Ndots_amplification_for_an_external_name_is_visible()
    {
        var (r, t) = Make(ResolverFlavor.Glibc);
        var result = r.Resolve("example.com");
        Assert.Equal(ResolverOutcome.Found, result.Outcome);
        Assert.Equal(IPAddress.Parse("93.184.215.14"), result.Addresses.Single());
        Assert.Equal(8, result.WireQueries.Count());
        Assert.Equal(8, t.Count);
        Assert.Equal([DnsRecordType.A, DnsRecordType.AAAA], result.Candidates[0].Exchanges.Select(e => e.Question.Type));
    }

    [Fact]
    public void Resolv_conf_parsing_follows_glibc()
    {
        var c = ResolvConf.Parse("""
            # kubelet
            nameserver 10.96.0.10
            nameserver 10.96.0.11
            nameserver 10.96.0.12
            nameserver 10.96.0.13
            domain example.org
            search shop.svc.cluster.local svc.cluster.local cluster.local.
            options ndots:5 timeout:40 attempts:3 single-request-reopen
            ; trailing comment
            """);
        Assert.Equal(3, c.Nameservers.Count);
        Assert.Single(c.Warnings);
        Assert.Equal(["shop.svc.cluster.local", "svc.cluster.local", "cluster.local"], c.Search);
        Assert.Equal(5, c.Ndots);
        Assert.Equal(30, c.TimeoutSeconds);
        Assert.Equal(3, c.Attempts);
        Assert.True(c.SingleRequestReopen);
        Assert.Equal(["example.org"], ResolvConf.Parse("search a b\ndomain example.org\n").Search);
        Assert.Equal(15, ResolvConf.Parse("options ndots:99").Ndots);
        var kubelet = ResolvConf.ClusterFirst(IPAddress.Parse("10.96.0.10"), "default");
        Assert.Equal("search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n", kubelet.ToText());
    }

    [Fact]
    public void Trailing_dot_and_many_dots()
    {
        var conf = ResolvConf.ClusterFirst(IPAddress.Parse("10.96.0.10"), "shop");
        Assert.Equal(["web.shop.svc.cluster.local."], StubResolver.CandidateNames("web.shop.svc.cluster.local.", conf, ResolverFlavor.Glibc));
        Assert.Equal("a.b.c.d.e.f.", StubResolver.CandidateNames("a.b.c.d.e.f", conf, ResolverFlavor.Glibc)[0]);
        Assert.Equal(4, StubResolver.CandidateNames("a.b.c.d.e.f", conf, ResolverFlavor.Glibc).Count);
        Assert.Single(StubResolver.CandidateNames("a.b.c.d.e.f", conf, ResolverFlavor.Musl));
        Assert.Equal("web.shop.svc.cluster.local.", StubResolver.CandidateNames("web", conf, ResolverFlavor.Go)[0]);
    }

    [Fact]
    public void Timeouts_try_every_server_for_every_attempt_and_stop_the_walk()
    {
        var conf = ResolvConf.Parse("nameserver 10.96.0.10\nnameserver 10.96.0.11\nsearch shop.svc.cluster.local\noptions ndots:5 attempts:2");
        var r = new StubResolver(conf, ResolverFlavor.Glibc, new SilentTransport());
        var result = r.Resolve("web", AddressRequest.V4);
        Assert.Equal(ResolverOutcome.Timeout, result.Outcome);
        Assert.Single(result.Candidates);
        Assert.Equal(["10.96.0.10", "10.96.0.11", "10.96.0.10", "10.96.0.11"], result.WireQueries.Select(e => e.Server.ToString()));
    }

    private sealed class SilentTransport : IResolverTransport
    {
        public DnsMessage? Exchange(IPAddress server, DnsMessage query) => null;
    }
}

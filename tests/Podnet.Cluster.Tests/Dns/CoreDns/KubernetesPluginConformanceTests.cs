using System.Net;
using System.Text.Json;
using Podnet.Cluster.Dns.CoreDns;
using Podnet.Cluster.Dns.Wire;
using Xunit;

namespace Podnet.Cluster.Tests.Dns.CoreDns;

/// <summary>Every case of CoreDNS's upstream kubernetes-plugin tests (conformance/kubernetes_plugin_vectors.json),
/// answered by <see cref="KubernetesPlugin"/> over the same fixture, with the configuration built by parsing the case's
/// Corefile. Sections are compared as multisets (a CNAME must precede its target), SOAs in full.</summary>
public class KubernetesPluginConformanceTests
{
    private static readonly JsonElement Vectors = ConformanceFixture.Load("kubernetes_plugin_vectors.json");

    public static TheoryData<string> CaseIds()
    {
        var d = new TheoryData<string>();
        foreach (var c in Vectors.GetProperty("cases").EnumerateArray()) d.Add(c.GetProperty("id").GetString()!);
        return d;
    }

    internal static string Rr(JsonElement r) =>
        $"{r.GetProperty("name").GetString()} {r.GetProperty("ttl").GetUInt32()} {r.GetProperty("class").GetString()} {r.GetProperty("type").GetString()} {r.GetProperty("data").GetString()}";

    internal static string Rr(DnsResourceRecord r) => $"{r.Name} {r.Ttl} {DnsText.ClassName(r.Class)} {DnsText.TypeName(r.Type)} {r.Data.ToPresentation()}";

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Case_matches_upstream(string id)
    {
        var c = Vectors.GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("id").GetString() == id);
        var config = Vectors.GetProperty("configs").GetProperty(c.GetProperty("config").GetString()!);
        bool? synced = config.TryGetProperty("state_override", out var so) && so.TryGetProperty("informers_synced", out var s) ? s.GetBoolean() : null;
        var view = ConformanceFixture.View(Vectors.GetProperty("fixture"), synced);
        var corefile = Corefile.Parse(".:53 { " + config.GetProperty("corefile").GetString() + " }");
        var options = corefile.ServerBlocks[0].KubernetesOptions()!;
        if (config.TryGetProperty("coredns_own_ips", out var own))
            options = options with { OwnAddresses = own.EnumerateArray().Select(i => IPAddress.Parse(i.GetString()!)).ToList() };
        Assert.Equal(config.GetProperty("ttl").GetUInt32(), options.Ttl);
        var plugin = new KubernetesPlugin(options);
        var q = c.GetProperty("query");
        Assert.True(DnsText.TryParseType(q.GetProperty("type").GetString()!, out var type));
        var query = DnsMessage.Query(1, q.GetProperty("name").GetString()!, type);
        var reply = plugin.Answer(query, view);
        Assert.NotNull(reply);
        // Through the wire and back, as a client would see it.
        var m = DnsMessageReader.Parse(DnsMessageWriter.Write(reply!)).Message!;
        var e = c.GetProperty("expect");
        Assert.Equal(e.GetProperty("rcode").GetString(), DnsText.RcodeName(m.ExtendedRcode));
        Assert.Equal(e.GetProperty("aa").GetBoolean(), m.Header.Authoritative);
        Assert.Equal(e.GetProperty("tc").GetBoolean(), m.Header.Truncated);
        foreach (var (section, actual) in new[] { ("answer", m.Answers), ("authority", m.Authority), ("additional", m.Additional) })
        {
            var want = e.GetProperty(section).EnumerateArray().Select(Rr).Order(StringComparer.Ordinal).ToList();
            var got = actual.Select(Rr).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(want, got);
        }
        // CNAME before its target.
        for (var i = 0; i < m.Answers.Count; i++)
        {
            if (m.Answers[i].Data is NameRecordData t && m.Answers[i].Type == DnsRecordType.CNAME)
            {
                var targetAt = m.Answers.FindIndex(a => DnsName.NameEquals(a.Name, t.Target));
                Assert.True(targetAt < 0 || targetAt > i);
            }
        }
    }
}

using System.Runtime.CompilerServices;
using System.Text.Json;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Kubelet;
using Xunit;

namespace Podnet.Cluster.Tests.Kubelet;

public sealed class ResolvConfVectorTests
{
    private static string Dir([CallerFilePath] string path = "") => Path.Combine(Path.GetDirectoryName(path)!, "Conformance");

    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir(), "kubelet_resolvconf_vectors.json")));
        foreach (var c in doc.RootElement.GetProperty("kubelet_cases").EnumerateArray())
            if (c.TryGetProperty("dnsPolicy", out _)) d.Add(c.GetProperty("id").GetString()!);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void KubeletResolvConf_MatchesUpstream(string id)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir(), "kubelet_resolvconf_vectors.json")));
        var fixture = doc.RootElement.GetProperty("kubelet_cases_fixture");
        var c = doc.RootElement.GetProperty("kubelet_cases").EnumerateArray().Single(x => x.GetProperty("id").GetString() == id);
        var nodeConf = fixture.GetProperty("node_resolv_conf").GetString()!;
        var clusterDns = fixture.GetProperty("kubelet_clusterDNS").EnumerateArray().Select(x => x.GetString()!).ToList();
        if (c.TryGetProperty("fixture_override", out var o))
        {
            nodeConf = o.GetProperty("node_resolv_conf").ValueKind == JsonValueKind.Null ? "" : o.GetProperty("node_resolv_conf").GetString()!;
            clusterDns = o.GetProperty("kubelet_clusterDNS").EnumerateArray().Select(x => x.GetString()!).ToList();
        }
        PodDnsConfig? dnsConfig = null;
        if (c.GetProperty("dnsConfig") is { ValueKind: JsonValueKind.Object } dc)
        {
            dnsConfig = new PodDnsConfig
            {
                Nameservers = dc.GetProperty("nameservers").EnumerateArray().Select(x => x.GetString()!).ToList(),
                Searches = dc.GetProperty("searches").EnumerateArray().Select(x => x.GetString()!).ToList(),
                Options = dc.GetProperty("options").EnumerateArray().Select(x => new PodDnsConfigOption
                {
                    Name = x.GetProperty("name").GetString()!,
                    Value = x.TryGetProperty("value", out var v) ? v.GetString() : null,
                }).ToList(),
            };
        }
        var pod = new Pod
        {
            Metadata = new ObjectMeta { Name = "p", Namespace = fixture.GetProperty("pod_namespace").GetString()! },
            Spec = new PodSpec { DnsPolicy = c.GetProperty("dnsPolicy").GetString(), HostNetwork = c.GetProperty("hostNetwork").GetBoolean(), DnsConfig = dnsConfig },
        };
        var got = new PodDnsConfigurer(clusterDns, fixture.GetProperty("kubelet_clusterDomain").GetString()!, nodeConf).For(pod);
        var expect = c.GetProperty("expect");
        Assert.Equal(expect.GetProperty("nameservers").EnumerateArray().Select(x => x.GetString()!), got.Nameservers);
        Assert.Equal(expect.GetProperty("searches").EnumerateArray().Select(x => x.GetString()!), got.Searches);
        if (expect.TryGetProperty("options", out var opts))
            Assert.Equal(opts.EnumerateArray().Select(x => x.GetString()!).Order(), got.Options.Order());
    }
}

using System.Text.Json.Nodes;
using Podnet.Cluster.KubeProxy.Iptables;
using Podnet.Cluster.KubeProxy.Nftables;
using Podnet.Cluster.Tests.KubeProxy.Iptables;
using Podnet.Cluster.Tests.KubeProxy.Nftables;
using Xunit;

namespace Podnet.Cluster.Tests.KubeProxy;

/// <summary>
/// The upstream packet-flow vectors, checked the way upstream checks them: by tracing a new
/// connection through the generated rules with (re-implementations of) upstream's test tracers.
/// (Running them through the emulated kernel is the node integration's job.)
/// </summary>
public sealed class FlowConformanceTests
{
    public static TheoryData<string, string, string> Flows()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var file in (string[])["flow-01-clusterip-general.json", "flow-05-no-endpoints-reject.json"])
        {
            var v = ConformanceVectors.Load(file);
            foreach (var mode in v["appliesTo"]!.AsArray().Select(m => (string)m!))
                foreach (var f in v["expectedFlows"]!.AsArray())
                {
                    if (f!["appliesTo"] is JsonArray only && !only.Any(m => (string)m! == mode)) continue;
                    if (f["output"] is JsonObject byMode && byMode[mode] is null) continue;
                    data.Add(file, mode, (string)f["name"]!);
                }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Flows))]
    public void FlowMatchesUpstream(string file, string mode, string name)
    {
        var v = ConformanceVectors.Load(file);
        var config = ConformanceVectors.Config(v, v["config"]![mode]!.AsObject());
        var state = ConformanceVectors.State(config, v["services"]!.AsArray(), v["endpointSlices"]!.AsArray());
        var nodeIPs = v["node"]!["localIPsForTracer"]!.AsArray().Select(x => (string)x!).ToList();
        var flow = v["expectedFlows"]!.AsArray().First(f => (string)f!["name"]! == name)!;
        string protocol = ((string?)flow["protocol"] ?? "TCP").ToLowerInvariant();
        string expected = flow["output"] is JsonObject byMode ? (string)byMode[mode]! : (string)flow["output"]!;
        string src = (string)flow["sourceIP"]!, dst = (string)flow["destIP"]!, port = ((int)flow["destPort"]!).ToString(System.Globalization.CultureInfo.InvariantCulture);

        (string Output, bool Masq) result;
        if (mode == "iptables")
        {
            var text = new IptablesProxier(config).SyncRules(state).RestoreText;
            result = new IptablesTracer(text, nodeIPs).Trace(src, protocol, dst, port);
        }
        else
        {
            var table = new FakeNftTable();
            table.Apply(new NftablesProxier(config).SyncRules(state).Transaction);
            result = new NftablesTracer(table, nodeIPs).Trace(src, protocol, dst, port);
        }
        Assert.Equal(expected, result.Output);
        Assert.Equal((bool)flow["masq"]!, result.Masq);
    }
}

using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Podnet.Cluster.Dns.CoreDns;

namespace Podnet.Cluster.Tests.Dns.CoreDns;

/// <summary>Loads the shared CoreDNS fixture format (services, endpointSlices, pods, namespaces, state) into a
/// <see cref="DnsClusterView"/>.</summary>
internal static class ConformanceFixture
{
    public static string Dir([CallerFilePath] string path = "") => Path.Combine(Path.GetDirectoryName(path)!, "Conformance");

    public static JsonElement Load(string file) => JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir(), file))).RootElement;

    public static DnsClusterView View(JsonElement fixture, bool? syncedOverride = null)
    {
        var namespaces = fixture.GetProperty("namespaces").EnumerateArray().Select(n => n.GetString()!).ToList();
        var services = new List<DnsService>();
        foreach (var s in fixture.GetProperty("services").EnumerateArray())
        {
            var type = s.GetProperty("type").GetString();
            var ips = s.TryGetProperty("clusterIPs", out var c) ? c.EnumerateArray().Select(i => i.GetString()!).ToList() : [];
            var kind = type == "ExternalName" ? DnsServiceKind.ExternalName : ips.Contains("None") ? DnsServiceKind.Headless : DnsServiceKind.ClusterIP;
            services.Add(new DnsService(s.GetProperty("namespace").GetString()!, s.GetProperty("name").GetString()!, kind,
                kind == DnsServiceKind.ClusterIP ? ips.Select(IPAddress.Parse).ToList() : [],
                Ports(s), s.TryGetProperty("externalName", out var en) ? en.GetString() : null));
        }
        var slices = new List<DnsEndpointSlice>();
        foreach (var sl in fixture.GetProperty("endpointSlices").EnumerateArray())
        {
            var eps = sl.GetProperty("endpoints").EnumerateArray().Select(e => new DnsEndpoint(
                e.GetProperty("addresses").EnumerateArray().Select(a => IPAddress.Parse(a.GetString()!)).ToList(),
                e.TryGetProperty("hostname", out var h) ? h.GetString() : null,
                e.TryGetProperty("ready", out var r) && r.ValueKind != JsonValueKind.Null ? r.GetBoolean() : null,
                e.TryGetProperty("targetRef", out var t) && t.TryGetProperty("name", out var tn) ? tn.GetString() : null)).ToList();
            slices.Add(new DnsEndpointSlice(sl.GetProperty("namespace").GetString()!, sl.GetProperty("name").GetString()!,
                sl.GetProperty("serviceName").GetString()!, Ports(sl), eps));
        }
        var pods = fixture.TryGetProperty("pods", out var ps)
            ? ps.EnumerateArray().Select(p => new DnsPod(p.GetProperty("namespace").GetString()!, p.GetProperty("name").GetString()!,
                IPAddress.Parse(p.GetProperty("podIP").GetString()!))).ToList()
            : [];
        uint modified = 0;
        var synced = true;
        if (fixture.TryGetProperty("state", out var st))
        {
            if (st.TryGetProperty("last_modified_unix", out var lm)) modified = lm.GetUInt32();
            if (st.TryGetProperty("informers_synced", out var sy)) synced = sy.GetBoolean();
        }
        return new DnsClusterView(namespaces, services, slices, pods, modified, syncedOverride ?? synced);
    }

    private static List<DnsPort> Ports(JsonElement e) =>
        e.TryGetProperty("ports", out var ps)
            ? ps.EnumerateArray().Select(p => new DnsPort(p.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "",
                p.TryGetProperty("protocol", out var pr) ? pr.GetString() ?? "TCP" : "TCP", p.GetProperty("port").GetInt32())).ToList()
            : [];
}

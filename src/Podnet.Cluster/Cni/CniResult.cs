using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podnet.Cluster.Cni;

/// <summary>One entry of a CNI result's <c>interfaces</c> list (<c>sandbox</c> set for the pod side).</summary>
public sealed record CniInterface(string Name, string Mac, string? Sandbox = null, int? Mtu = null);

/// <summary>One entry of a CNI result's <c>ips</c> list; <paramref name="Interface"/> indexes <c>interfaces</c>.</summary>
public sealed record CniIpConfig(string Address, string? Gateway, int Interface);

/// <summary>
/// The result an ADD returns on stdout, per the CNI specification (<c>cniVersion</c>, <c>interfaces</c>,
/// <c>ips</c>, <c>routes</c>, <c>dns</c>); the runtime caches it for DEL and CHECK.
/// </summary>
public sealed record CniResult(string CniVersion, IReadOnlyList<CniInterface> Interfaces, IReadOnlyList<CniIpConfig> Ips, IReadOnlyList<string> Routes)
{
    /// <summary>The result JSON as the plugin prints it.</summary>
    public string ToJson()
    {
        var ifs = new JsonArray();
        foreach (var i in Interfaces)
        {
            var o = new JsonObject { ["name"] = i.Name, ["mac"] = i.Mac };
            if (i.Mtu is { } m) o["mtu"] = m;
            if (i.Sandbox is { } s) o["sandbox"] = s;
            ifs.Add(o);
        }
        var ips = new JsonArray();
        foreach (var ip in Ips)
        {
            var o = new JsonObject { ["interface"] = ip.Interface, ["address"] = ip.Address };
            if (ip.Gateway is { } g) o["gateway"] = g;
            ips.Add(o);
        }
        var routes = new JsonArray();
        foreach (var r in Routes) routes.Add(new JsonObject { ["dst"] = r });
        var root = new JsonObject
        {
            ["cniVersion"] = CniVersion,
            ["interfaces"] = ifs,
            ["ips"] = ips,
            ["routes"] = routes,
            ["dns"] = new JsonObject(),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}

/// <summary>The CNI error object (<c>code</c>, <c>msg</c>) a failed call prints, with the specification's codes.</summary>
public sealed record CniError(int Code, string Msg)
{
    /// <summary>Code 7: invalid network config.</summary>
    public const int InvalidNetworkConfig = 7;

    /// <summary>Code 11: try again later (e.g. the IP is already allocated).</summary>
    public const int TryAgainLater = 11;

    /// <summary>Code 999 band: plugin-specific errors (the reference plugins use 999 for generic failures).</summary>
    public const int Generic = 999;

    /// <summary>The error JSON.</summary>
    public string ToJson() => new JsonObject { ["cniVersion"] = "1.0.0", ["code"] = Code, ["msg"] = Msg }.ToJsonString();
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podnet.Cluster.Cni;

/// <summary>
/// A CNI network configuration in the shape of the reference <c>bridge</c> plugin's JSON
/// (<c>/etc/cni/net.d/10-flannel.conflist</c> delegates to it): bridge name, <c>isGateway</c>,
/// <c>ipMasq</c>, <c>hairpinMode</c>, <c>mtu</c> and a <c>host-local</c> IPAM section over the node's pod CIDR.
/// </summary>
public sealed record CniNetworkConfig
{
    /// <summary><c>cniVersion</c>.</summary>
    public string CniVersion { get; init; } = "1.0.0";

    /// <summary><c>name</c> (flannel's network is <c>cbr0</c>).</summary>
    public string Name { get; init; } = "cbr0";

    /// <summary><c>type</c>: the plugin binary, always <c>bridge</c> here.</summary>
    public string Type { get; init; } = "bridge";

    /// <summary><c>bridge</c>: the bridge device on the node.</summary>
    public string Bridge { get; init; } = "cni0";

    /// <summary><c>isGateway</c>: give the bridge the subnet's gateway address and route pods through it.</summary>
    public bool IsGateway { get; init; } = true;

    /// <summary><c>ipMasq</c>: the plugin's own per-container masquerade rules (flannel leaves this off and masquerades itself).</summary>
    public bool IpMasq { get; init; }

    /// <summary><c>hairpinMode</c>: let a pod reach itself through a Service (the bridge port reflects frames).</summary>
    public bool HairpinMode { get; init; } = true;

    /// <summary><c>mtu</c> of the veth pair and bridge (1450 under VXLAN).</summary>
    public int Mtu { get; init; } = 1500;

    /// <summary><c>ipam.ranges[0][0].subnet</c>: the node's pod CIDR.</summary>
    public string Subnet { get; init; } = "10.244.0.0/24";

    /// <summary><c>ipam.routes</c>: routes given to the pod (default route through the gateway).</summary>
    public IReadOnlyList<string> Routes { get; init; } = ["0.0.0.0/0"];

    /// <summary>The configuration as JSON, as it would sit in <c>/etc/cni/net.d</c>.</summary>
    public string ToJson()
    {
        var routes = new JsonArray();
        foreach (var r in Routes) routes.Add(new JsonObject { ["dst"] = r });
        var o = new JsonObject
        {
            ["cniVersion"] = CniVersion,
            ["name"] = Name,
            ["type"] = Type,
            ["bridge"] = Bridge,
            ["isGateway"] = IsGateway,
            ["ipMasq"] = IpMasq,
            ["hairpinMode"] = HairpinMode,
            ["mtu"] = Mtu,
            ["ipam"] = new JsonObject
            {
                ["type"] = "host-local",
                ["ranges"] = new JsonArray(new JsonArray(new JsonObject { ["subnet"] = Subnet })),
                ["routes"] = routes,
            },
        };
        return o.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Parses a bridge configuration; the error is in the plugin's words when a field is wrong.</summary>
    public static CniNetworkConfig? Parse(string json, out string? error)
    {
        error = null;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            error = "failed to load netconf: " + e.Message;
            return null;
        }
        if (root is not JsonObject o)
        {
            error = "failed to load netconf: not a JSON object";
            return null;
        }
        if ((string?)o["type"] != "bridge")
        {
            error = $"failed to find plugin \"{(string?)o["type"]}\" in path [/opt/cni/bin]";
            return null;
        }
        var ipam = o["ipam"] as JsonObject;
        if ((string?)ipam?["type"] != "host-local")
        {
            error = $"failed to find plugin \"{(string?)ipam?["type"]}\" in path [/opt/cni/bin]";
            return null;
        }
        var subnet = (string?)ipam?["ranges"]?[0]?[0]?["subnet"] ?? (string?)ipam?["subnet"];
        if (subnet is null || !Kernel.Wire.Ipv4Prefix.TryParse(subnet, out _))
        {
            error = "invalid range set 0: IPAM config missing 'subnet' key";
            return null;
        }
        var routes = new List<string>();
        if (ipam?["routes"] is JsonArray ra)
        {
            foreach (var r in ra) if ((string?)r?["dst"] is { } d) routes.Add(d);
        }
        return new CniNetworkConfig
        {
            CniVersion = (string?)o["cniVersion"] ?? "1.0.0",
            Name = (string?)o["name"] ?? "",
            Bridge = (string?)o["bridge"] ?? "cni0",
            IsGateway = (bool?)o["isGateway"] ?? false,
            IpMasq = (bool?)o["ipMasq"] ?? false,
            HairpinMode = (bool?)o["hairpinMode"] ?? false,
            Mtu = (int?)o["mtu"] ?? 1500,
            Subnet = subnet,
            Routes = routes,
        };
    }
}

using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Text.Json;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Discovery;
using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.KubeProxy;

namespace Podnet.Cluster.Tests.KubeProxy;

/// <summary>
/// Loads the upstream kube-proxy vectors in <c>Conformance/</c> and turns their Services and
/// EndpointSlices (Kubernetes API JSON, Go zero values, no API defaulting) into the proxier's model.
/// </summary>
internal static class ConformanceVectors
{
    private static string Dir([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Conformance");

    public static JsonObject Load(string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(Dir(), file)))!.AsObject();

    public static ProxierConfig Config(JsonObject vector, JsonObject? config = null)
    {
        config ??= vector["config"]!.AsObject();
        var node = vector["node"]?.AsObject();
        var family = (string?)config["ipFamily"] == "IPv6" ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        var addresses = new List<IPAddress>();
        if (node?["interfaces"] is JsonArray ifaces)
            foreach (var iface in ifaces)
                foreach (var a in iface!["addresses"]!.AsArray())
                    addresses.Add(IPAddress.Parse(((string)a!).Split('/')[0]));
        IPAddress? primary = node?["primaryIP"] is JsonNode p ? IPAddress.Parse((string)p!) : null;
        var detector = LocalTrafficDetector.NoOp;
        if (config["localDetector"] is JsonObject ld && (string?)ld["mode"] == "ClusterCIDR")
            detector = LocalTrafficDetector.ForCidr((string)ld["clusterCIDR"]!);
        var nfacct = config["nfAcctCounters"] as JsonObject;
        return new ProxierConfig
        {
            NodeName = (string?)node?["name"] ?? "test-node",
            IPFamily = family,
            NodeIP = primary,
            NodeAddresses = addresses,
            MasqueradeAll = (bool?)config["masqueradeAll"] ?? false,
            MasqueradeMarkOverride = (string?)config["masqueradeMark"],
            LocalDetector = detector,
            NodePortAddresses = config["nodePortAddresses"] is JsonArray npa ? npa.Select(x => (string)x!).ToList() : null,
            LocalhostNodePorts = (bool?)config["localhostNodePorts"] ?? true,
            NfacctCtStateInvalidDropped = (bool?)nfacct?["ct_state_invalid_dropped_pkts"] ?? false,
            NfacctLocalhostNodePortsAccepted = (bool?)nfacct?["localhost_nps_accepted_pkts"] ?? false,
            ConntrackTcpBeLiberal = (bool?)config["conntrackTCPLiberal"] ?? false,
            IptablesHasRandomFully = (bool?)config["iptablesHasRandomFully"] ?? false,
            LargeClusterEndpointsThreshold = (int?)config["largeClusterEndpointsThreshold"] ?? 1000,
            ServiceCIDRs = config["serviceCIDRs"] is JsonNode sc ? ((string)sc!).Split(',') : [],
            IpvsScheduler = (string?)config["scheduler"] ?? "rr",
        };
    }

    /// <summary>The vector's Services and EndpointSlices, read as API objects and converted as kube-proxy does.</summary>
    public static ProxyState State(ProxierConfig config, JsonArray services, JsonArray slices)
    {
        var svcs = services.Select(n => n.Deserialize<Service>(KubeJson.Options)!).ToList();
        var eps = slices.Select(n => n.Deserialize<EndpointSlice>(KubeJson.Options)!).ToList();
        return ProxyStateBuilder.Build(config, svcs, eps);
    }
}

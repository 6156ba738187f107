using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
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

    public static ProxyState State(ProxierConfig config, JsonArray services, JsonArray slices)
    {
        var ports = new List<ServicePortInfo>();
        foreach (var svcNode in services)
        {
            var svc = svcNode!.AsObject();
            string ns = (string)svc["metadata"]!["namespace"]!, name = (string)svc["metadata"]!["name"]!;
            var spec = svc["spec"]!.AsObject();
            string? type = (string?)spec["type"];
            string? clusterIPText = (string?)spec["clusterIP"];
            if (ServiceInputs.ShouldSkip(type, clusterIPText)) continue;
            var cip = ServiceInputs.ClusterIPOfFamily(clusterIPText, Strings(spec["clusterIPs"]), config.IPFamily);
            if (cip is null) continue;
            var ingress = new List<(string?, string?)>();
            if (svc["status"]?["loadBalancer"]?["ingress"] is JsonArray ing)
                foreach (var i in ing) ingress.Add(((string?)i!["ip"], (string?)i["ipMode"]));
            foreach (var p in spec["ports"]!.AsArray())
            {
                ports.Add(ServiceInputs.BuildServicePort(config, ns, name, type, cip,
                    (string?)p!["name"], (int)p["port"]!, (string?)p["protocol"], (int?)p["nodePort"] ?? 0,
                    Strings(spec["externalIPs"]), ingress, Strings(spec["loadBalancerSourceRanges"]),
                    (string?)spec["sessionAffinity"], (int?)spec["sessionAffinityConfig"]?["clientIP"]?["timeoutSeconds"],
                    (string?)spec["externalTrafficPolicy"], (string?)spec["internalTrafficPolicy"], (int?)spec["healthCheckNodePort"] ?? 0));
            }
        }
        var endpoints = new List<KeyValuePair<ServicePortName, IEnumerable<EndpointInfo>>>();
        foreach (var sliceNode in slices)
        {
            var slice = sliceNode!.AsObject();
            string want = config.IPFamily == AddressFamily.InterNetwork ? "IPv4" : "IPv6";
            if ((string?)slice["addressType"] != want) continue;
            string ns = (string)slice["metadata"]!["namespace"]!;
            string svcName = (string)slice["metadata"]!["labels"]![ServiceInputs.ServiceNameLabel]!;
            foreach (var sp in slice["ports"]!.AsArray())
            {
                if (sp!["port"] is null) continue;
                L4ProtocolNames.TryParse((string?)sp["protocol"], out var proto);
                var spn = new ServicePortName(ns, svcName, (string?)sp["name"] ?? "", proto);
                var list = new List<EndpointInfo>();
                foreach (var e in slice["endpoints"]!.AsArray())
                {
                    var addrs = e!["addresses"]!.AsArray();
                    if (addrs.Count == 0) continue;
                    if (!IpParsing.TryParseSloppy((string?)addrs[0], out var ip)) continue;
                    var cond = e["conditions"];
                    var (ready, serving, terminating) = ServiceInputs.Conditions((bool?)cond?["ready"], (bool?)cond?["serving"], (bool?)cond?["terminating"]);
                    list.Add(new EndpointInfo(ip, (int)sp["port"]!, ready, serving, terminating, (string?)e["nodeName"] == config.NodeName));
                }
                endpoints.Add(new(spn, list));
            }
        }
        return ProxyState.Create(ports, endpoints);
    }

    private static List<string?> Strings(JsonNode? node) =>
        node is JsonArray a ? a.Select(x => (string?)x).ToList() : [];
}

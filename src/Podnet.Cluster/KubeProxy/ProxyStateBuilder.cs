using System.Net;
using System.Net.Sockets;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Discovery;

namespace Podnet.Cluster.KubeProxy;

/// <summary>
/// What upstream's <c>ServiceChangeTracker</c> and <c>EndpointsChangeTracker</c> (endpointslicecache)
/// do with the API objects: Services become service ports of the proxier's family (headless and
/// ExternalName skipped), the EndpointSlices of each Service (label <c>kubernetes.io/service-name</c>)
/// are merged per service port (matched by port name and protocol), with ready/serving/terminating
/// and locality (<c>nodeName</c>) carried over. Topology hints are not applied.
/// </summary>
public static class ProxyStateBuilder
{
    /// <summary>Builds the state one proxier sees from all Services and EndpointSlices.</summary>
    public static ProxyState Build(ProxierConfig config, IEnumerable<Service> services, IEnumerable<EndpointSlice> slices)
    {
        var ports = new List<ServicePortInfo>();
        foreach (var svc in services) ports.AddRange(ServicePorts(config, svc));
        return ProxyState.Create(ports, Endpoints(config, slices));
    }

    /// <summary>The service ports of one Service for this proxier (none for headless/ExternalName/other-family Services).</summary>
    public static IEnumerable<ServicePortInfo> ServicePorts(ProxierConfig config, Service service)
    {
        var spec = service.Spec;
        if (ServiceInputs.ShouldSkip(spec.Type, spec.ClusterIP)) yield break;
        var clusterIP = ServiceInputs.ClusterIPOfFamily(spec.ClusterIP, spec.ClusterIPs.Select(s => (string?)s).ToList(), config.IPFamily);
        if (clusterIP is null) yield break;
        var ingress = (service.Status?.LoadBalancer?.Ingress ?? []).Select(i => (i.Ip, i.IpMode)).ToList();
        foreach (var port in spec.Ports)
        {
            yield return ServiceInputs.BuildServicePort(config, service.Namespace, service.Name, spec.Type, clusterIP,
                port.Name, port.Port, port.Protocol, port.NodePort ?? 0,
                spec.ExternalIPs, ingress, spec.LoadBalancerSourceRanges,
                spec.SessionAffinity, spec.SessionAffinityConfig?.ClientIP?.TimeoutSeconds,
                spec.ExternalTrafficPolicy, spec.InternalTrafficPolicy, spec.HealthCheckNodePort ?? 0);
        }
    }

    /// <summary>Endpoints per service port, merged over all EndpointSlices of the proxier's address family.</summary>
    public static IEnumerable<KeyValuePair<ServicePortName, IEnumerable<EndpointInfo>>> Endpoints(ProxierConfig config, IEnumerable<EndpointSlice> slices)
    {
        string want = config.IPFamily == AddressFamily.InterNetwork ? "IPv4" : "IPv6";
        foreach (var slice in slices)
        {
            if (slice.AddressType != want) continue;
            if (!slice.Metadata.Labels.TryGetValue(EndpointSlice.ServiceNameLabel, out var svcName) || svcName.Length == 0) continue;
            foreach (var port in slice.Ports)
            {
                if (port.Port is not int portNumber) continue;
                L4ProtocolNames.TryParse(port.Protocol, out var proto);
                var name = new ServicePortName(slice.Namespace, svcName, port.Name ?? "", proto);
                var list = new List<EndpointInfo>(slice.Endpoints.Count);
                foreach (var ep in slice.Endpoints)
                {
                    if (ep.Addresses.Count == 0) continue;
                    if (!IpParsing.TryParseSloppy(ep.Addresses[0], out var ip) || ip.AddressFamily != config.IPFamily) continue;
                    var (ready, serving, terminating) = ServiceInputs.Conditions(ep.Conditions.Ready, ep.Conditions.Serving, ep.Conditions.Terminating);
                    list.Add(new EndpointInfo(ip, portNumber, ready, serving, terminating, ep.NodeName == config.NodeName));
                }
                yield return new(name, list);
            }
        }
    }

    /// <summary>
    /// A proxier configuration for <paramref name="node"/>: its name and labels, its InternalIP of
    /// the family as node IP, the node's addresses plus loopback as local addresses, and the
    /// cluster-CIDR local detector when <paramref name="clusterCidr"/> is given.
    /// </summary>
    public static ProxierConfig ConfigForNode(Node node, string? clusterCidr, IReadOnlyList<string>? serviceCidrs = null,
        AddressFamily family = AddressFamily.InterNetwork)
    {
        var addresses = new List<IPAddress> { family == AddressFamily.InterNetwork ? IPAddress.Loopback : IPAddress.IPv6Loopback };
        IPAddress? nodeIP = null;
        foreach (var a in node.Status?.Addresses ?? [])
        {
            if (a.Type is not ("InternalIP" or "ExternalIP")) continue;
            if (!IpParsing.TryParseSloppy(a.Address, out var ip) || ip.AddressFamily != family) continue;
            if (!addresses.Contains(ip)) addresses.Add(ip);
            if (nodeIP is null && a.Type == "InternalIP") nodeIP = ip;
        }
        LocalTrafficDetector detector = LocalTrafficDetector.NoOp;
        if (!string.IsNullOrEmpty(clusterCidr) && IpParsing.TryParseCidrSloppy(clusterCidr, out var net) && net.BaseAddress.AddressFamily == family)
            detector = LocalTrafficDetector.ForCidr(clusterCidr);
        return new ProxierConfig
        {
            NodeName = node.Name,
            IPFamily = family,
            NodeIP = nodeIP,
            NodeAddresses = addresses,
            NodeLabels = node.Metadata.Labels,
            LocalDetector = detector,
            ServiceCIDRs = serviceCidrs ?? [],
        };
    }
}

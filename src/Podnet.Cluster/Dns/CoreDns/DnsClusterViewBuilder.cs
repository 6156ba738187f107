using System.Net;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Discovery;

namespace Podnet.Cluster.Dns.CoreDns;

/// <summary>Builds the <see cref="DnsClusterView"/> CoreDNS's informers would hold from Kubernetes objects, the way
/// CoreDNS's <c>object.ToService</c>, <c>object.EndpointSliceToEndpoints</c> and <c>object.ToPod</c> project them:
/// ExternalName / headless (<c>clusterIP: None</c>) / ClusterIP services with <c>spec.clusterIPs</c>; EndpointSlices
/// grouped by the <c>kubernetes.io/service-name</c> label, FQDN slices skipped; pods by <c>status.podIP</c>, pods with
/// a deletionTimestamp marked terminating.</summary>
public static class DnsClusterViewBuilder
{
    /// <summary>The view of these objects. <paramref name="modified"/> is the SOA serial; when null it is the latest
    /// creationTimestamp among them (Unix seconds), which changes whenever a DNS-visible object is added.</summary>
    public static DnsClusterView Build(
        IEnumerable<Namespace> namespaces,
        IEnumerable<Service> services,
        IEnumerable<EndpointSlice> slices,
        IEnumerable<Pod>? pods = null,
        uint? modified = null,
        bool synced = true)
    {
        var nsList = namespaces.ToList();
        var svcList = services.ToList();
        var sliceList = slices.ToList();
        var podList = (pods ?? []).ToList();
        var latest = nsList.Cast<Api.Meta.KubeObject>().Concat(svcList).Concat(sliceList).Concat(podList)
            .Select(o => o.Metadata.CreationTimestamp?.ToUnixTimeSeconds() ?? 0).DefaultIfEmpty(0).Max();
        return new DnsClusterView(
            nsList.Select(n => n.Name),
            svcList.Select(ToDns),
            sliceList.Where(s => s.AddressType is "IPv4" or "IPv6").Select(ToDns).Where(s => s.ServiceName.Length > 0),
            podList.Select(ToDns),
            modified ?? (uint)Math.Clamp(latest, 0, uint.MaxValue),
            synced);
    }

    /// <summary>CoreDNS's projection of a Service.</summary>
    public static DnsService ToDns(Service s)
    {
        var ports = s.Spec.Ports.Select(p => new DnsPort(p.Name ?? "", p.Protocol ?? "TCP", p.Port)).ToList();
        if (s.Spec.Type == "ExternalName")
            return new DnsService(s.Namespace, s.Name, DnsServiceKind.ExternalName, [], ports, s.Spec.ExternalName);
        var ips = s.Spec.ClusterIPs.Count > 0 ? s.Spec.ClusterIPs : s.Spec.ClusterIP is { } one ? [one] : [];
        if (ips.Contains("None")) return new DnsService(s.Namespace, s.Name, DnsServiceKind.Headless, [], ports);
        var parsed = ips.Select(i => IPAddress.TryParse(i, out var a) ? a : null).OfType<IPAddress>().ToList();
        return new DnsService(s.Namespace, s.Name, DnsServiceKind.ClusterIP, parsed, ports);
    }

    /// <summary>CoreDNS's projection of an EndpointSlice.</summary>
    public static DnsEndpointSlice ToDns(EndpointSlice s)
    {
        var service = s.Metadata.Labels.TryGetValue(EndpointSlice.ServiceNameLabel, out var n) ? n : "";
        var ports = s.Ports.Select(p => new DnsPort(p.Name ?? "", p.Protocol ?? "TCP", p.Port ?? -1)).ToList();
        var eps = s.Endpoints.Select(e => new DnsEndpoint(
            e.Addresses.Select(a => IPAddress.TryParse(a, out var ip) ? ip : null).OfType<IPAddress>().ToList(),
            e.Hostname, e.Conditions.Ready, e.TargetRef?.Name)).ToList();
        return new DnsEndpointSlice(s.Namespace, s.Name, service, ports, eps);
    }

    /// <summary>CoreDNS's projection of a Pod.</summary>
    public static DnsPod ToDns(Pod p) =>
        new(p.Namespace, p.Name, p.Status?.PodIP is { } ip && IPAddress.TryParse(ip, out var a) ? a : null, p.Metadata.DeletionTimestamp is not null);
}

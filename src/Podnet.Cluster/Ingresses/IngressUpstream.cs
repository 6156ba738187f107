using System.Globalization;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Discovery;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Ingresses;

/// <summary>One upstream server of a backend: a pod endpoint (address, port, pod) or an ExternalName host.</summary>
public sealed record IngressEndpoint(string Address, int Port, string? PodNamespace, string? PodName, string? NodeName)
{
    /// <summary><c>address:port</c> as nginx's <c>$upstream_addr</c> prints it.</summary>
    public override string ToString() => Address + ":" + Port.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// A backend's upstream as ingress-nginx builds it (<c>getEndpointsFromSlices</c>): the ready
/// endpoints of the Service port the Ingress names (by number or name), taken straight from the
/// EndpointSlices (pod IPs and target ports, never the ClusterIP), or, for an ExternalName Service,
/// the external host and the backend port. <see cref="Problem"/> says why it is empty (503).
/// </summary>
public sealed record IngressUpstream(string Name, IReadOnlyList<IngressEndpoint> Endpoints, string? ExternalName, string? Problem)
{
    /// <summary>Resolves <paramref name="backend"/> against the cluster's objects.</summary>
    public static IngressUpstream Resolve(IngressBackendRef backend, IEnumerable<KubeObject> objects)
    {
        var list = objects as IReadOnlyCollection<KubeObject> ?? objects.ToList();
        var svc = list.OfType<Service>().FirstOrDefault(s => s.Namespace == backend.Namespace && s.Name == backend.Service);
        if (svc is null) return new IngressUpstream(backend.UpstreamName, [], null, $"Error obtaining Service endpoints: no object matching key \"{backend.Namespace}/{backend.Service}\" in local store");
        var want = backend.Port;
        if (svc.Spec.Type == "ExternalName")
        {
            var port = want?.Number is > 0 ? want.Number.Value : svc.Spec.Ports.FirstOrDefault(p => p.Name == want?.Name)?.Port ?? 80;
            return new IngressUpstream(backend.UpstreamName, [new IngressEndpoint(svc.Spec.ExternalName ?? "", port, null, null, null)], svc.Spec.ExternalName, string.IsNullOrEmpty(svc.Spec.ExternalName) ? "ExternalName Service has no externalName" : null);
        }
        var sp = svc.Spec.Ports.FirstOrDefault(p => want?.Number is > 0 ? p.Port == want.Number : p.Name == want?.Name);
        if (sp is null) return new IngressUpstream(backend.UpstreamName, [], null, $"Service \"{backend.Namespace}/{backend.Service}\" does not have a port {backend.PortText}");
        var endpoints = new List<IngressEndpoint>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var slice in list.OfType<EndpointSlice>()
                     .Where(e => e.Namespace == svc.Namespace && e.Metadata.Labels.TryGetValue("kubernetes.io/service-name", out var n) && n == svc.Name && e.AddressType == "IPv4")
                     .OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var port = slice.Ports.FirstOrDefault(p => (p.Name ?? "") == (sp.Name ?? "") && (p.Protocol ?? "TCP") == "TCP");
            if (port?.Port is not { } targetPort) continue;
            foreach (var ep in slice.Endpoints)
            {
                if (ep.Conditions.Ready == false) continue;
                foreach (var a in ep.Addresses)
                {
                    var e = new IngressEndpoint(a, targetPort, ep.TargetRef?.Kind == "Pod" ? ep.TargetRef.Namespace ?? svc.Namespace : null, ep.TargetRef?.Kind == "Pod" ? ep.TargetRef.Name : null, ep.NodeName);
                    if (seen.Add(e.ToString())) endpoints.Add(e);
                }
            }
        }
        return new IngressUpstream(backend.UpstreamName, endpoints, null, endpoints.Count == 0 ? $"Service \"{backend.Namespace}/{backend.Service}\" does not have any active Endpoint." : null);
    }
}

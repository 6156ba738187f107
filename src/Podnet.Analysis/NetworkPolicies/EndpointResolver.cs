using Podnet.Cluster.Api.Core;
using Podnet.Cluster.NetworkPolicies;

namespace Podnet.Analysis.NetworkPolicies;

/// <summary>
/// Resolves the endpoints of a <c>podnet reach --from/--to</c> question: <c>pod/NS/NAME</c> (or
/// <c>pod/NAME</c>, <c>NS/NAME</c> with the default namespace), <c>svc/NS/NAME</c> (the Service's backend
/// pods, with the service port translated to each pod's targetPort, as kube-proxy's DNAT does before
/// the policy is judged), or an IPv4 address (an external endpoint, or the pod that has it).
/// </summary>
public static class EndpointResolver
{
    /// <summary>One resolved target: the endpoint and the destination port to judge (after Service translation).</summary>
    public sealed record Target(Endpoint Endpoint, int? Port, PolicyProtocol Protocol, string? Via);

    /// <summary>Resolves a source (services are not sources). Returns null with an error message when not found.</summary>
    public static Endpoint? ResolveSource(ClusterModel model, string text, string defaultNamespace, out string? error)
    {
        error = null;
        if (text.StartsWith("svc/", StringComparison.Ordinal) || text.StartsWith("service/", StringComparison.Ordinal))
        {
            error = "error: a Service cannot be a source; use pod/NS/NAME";
            return null;
        }

        return ResolvePodOrIp(model, text, defaultNamespace, out error);
    }

    /// <summary>Resolves a destination: one target per backend pod for a Service.</summary>
    public static IReadOnlyList<Target>? ResolveDestination(ClusterModel model, string text, string defaultNamespace, int? port, PolicyProtocol protocol, out string? error)
    {
        error = null;
        foreach (var prefix in new[] { "svc/", "service/", "services/" })
        {
            if (!text.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var (ns, name) = Split(text[prefix.Length..], defaultNamespace);
            var svc = model.Services.FirstOrDefault(s => s.Name == name && (string.IsNullOrEmpty(s.Namespace) ? "default" : s.Namespace) == ns);
            if (svc == null)
            {
                error = $"Error from server (NotFound): services \"{name}\" not found";
                return null;
            }

            var ports = svc.Spec.Ports.Where(p => (port == null || p.Port == port) && PolicyProtocols.TryParse(p.Protocol, out var pr) && pr == protocol).ToList();
            if (port != null && ports.Count == 0)
            {
                error = $"error: service {ns}/{name} has no {PolicyProtocols.Name(protocol)} port {port}";
                return null;
            }

            var backends = svc.Spec.Selector.Count == 0 ? [] : model.Pods.Where(p => p.Namespace == ns && svc.Spec.Selector.All(kv => p.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value)).ToList();
            var result = new List<Target>();
            foreach (var pod in backends)
            {
                if (ports.Count == 0)
                {
                    result.Add(new Target(Endpoint.ForPod(pod), null, protocol, $"svc/{ns}/{name}"));
                    continue;
                }

                foreach (var sp in ports)
                {
                    int? target = sp.TargetPort is not { } tp ? sp.Port
                        : tp.IsInt ? tp.IntValue
                        : pod.NamedPorts.FirstOrDefault(n => n.Name == tp.StringValue && n.Protocol == protocol)?.Port;
                    result.Add(new Target(Endpoint.ForPod(pod), target, protocol, $"svc/{ns}/{name}:{sp.Port}"));
                }
            }

            return result;
        }

        var ep = ResolvePodOrIp(model, text, defaultNamespace, out error);
        return ep == null ? null : [new Target(ep, port, protocol, null)];
    }

    private static Endpoint? ResolvePodOrIp(ClusterModel model, string text, string defaultNamespace, out string? error)
    {
        error = null;
        if (Ipv4Range.TryParseAddress(text, out var ip))
        {
            var pod = model.Pods.FirstOrDefault(p => p.Ip == ip && !p.HostNetwork);
            return pod != null ? Endpoint.ForPod(pod) : Endpoint.ForRange(new Ipv4Range(ip, ip));
        }

        var rest = text;
        foreach (var prefix in new[] { "pod/", "pods/", "po/" })
        {
            if (rest.StartsWith(prefix, StringComparison.Ordinal))
            {
                rest = rest[prefix.Length..];
            }
        }

        var (ns, name) = Split(rest, defaultNamespace);
        var match = model.Pods.FirstOrDefault(p => p.Namespace == ns && p.Name == name)
            ?? model.Pods.FirstOrDefault(p => p.Namespace == ns && p.Workload.Name == name);
        if (match == null)
        {
            error = $"Error from server (NotFound): pods \"{name}\" not found";
        }

        return match == null ? null : Endpoint.ForPod(match);
    }

    private static (string Namespace, string Name) Split(string text, string defaultNamespace)
    {
        var i = text.IndexOf('/', StringComparison.Ordinal);
        return i < 0 ? (defaultNamespace, text) : (text[..i], text[(i + 1)..]);
    }
}

using System.Globalization;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cli.Commands.PortForward;

/// <summary>
/// Resolves <c>kubectl port-forward</c>'s arguments (<c>pod/NAME</c>, <c>NAME</c>, <c>svc/NAME</c>,
/// <c>service/NAME</c>; <c>[LOCAL:]REMOTE</c>) against the cluster's objects, with kubectl's errors.
/// A Service picks the first pod of its selector in kubectl's order (running and ready first, then the
/// oldest, then by name) and translates each service port to the pod's targetPort (a named targetPort
/// is looked up in the pod's container ports).
/// </summary>
public static class PortForwardResolver
{
    /// <summary>Resolves; throws <see cref="KubectlException"/> with kubectl's message on bad input.</summary>
    public static PortForwardTarget Resolve(IReadOnlyList<KubeObject> objects, string ns, string target, IReadOnlyList<string> portSpecs)
    {
        if (portSpecs.Count == 0) throw new KubectlException("error: at least 1 PORT is required for port-forward");
        var specs = portSpecs.Select(Parse).ToList();
        var slash = target.IndexOf('/', StringComparison.Ordinal);
        var kind = slash < 0 ? "pod" : target[..slash].ToLowerInvariant();
        var name = slash < 0 ? target : target[(slash + 1)..];
        switch (kind)
        {
            case "pod" or "pods" or "po":
            {
                var pod = objects.OfType<Pod>().FirstOrDefault(p => p.Namespace == ns && p.Name == name)
                    ?? throw new KubectlException($"Error from server (NotFound): pods \"{name}\" not found");
                EnsureRunning(pod);
                return new PortForwardTarget(pod, specs);
            }
            case "svc" or "service" or "services":
            {
                var svc = objects.OfType<Service>().FirstOrDefault(s => s.Namespace == ns && s.Name == name)
                    ?? throw new KubectlException($"Error from server (NotFound): services \"{name}\" not found");
                if (svc.Spec.Selector.Count == 0) throw new KubectlException($"error: cannot attach to *v1.Service: invalid service '{name}': Service is defined without a selector");
                var pod = objects.OfType<Pod>()
                    .Where(p => p.Namespace == ns && svc.Spec.Selector.All(kv => p.Metadata.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value))
                    .OrderByDescending(p => p.Status?.Phase == "Running")
                    .ThenByDescending(IsReady)
                    .ThenBy(p => p.Metadata.CreationTimestamp ?? DateTimeOffset.MaxValue)
                    .ThenBy(p => p.Name, StringComparer.Ordinal)
                    .FirstOrDefault()
                    ?? throw new KubectlException("error: timed out waiting for the condition");
                EnsureRunning(pod);
                var mapped = specs.Select(m =>
                {
                    var sp = svc.Spec.Ports.FirstOrDefault(p => p.Port == m.Remote && (p.Protocol ?? "TCP") == "TCP")
                        ?? throw new KubectlException($"error: Service {name} does not have a service port {m.Remote.ToString(CultureInfo.InvariantCulture)}");
                    int target = sp.TargetPort is { } tp
                        ? tp.IsInt ? tp.IntValue : NamedPort(pod, tp.StringValue) ?? throw new KubectlException($"error: Pod '{pod.Name}' does not have a named port '{tp.StringValue}'")
                        : sp.Port;
                    return m with { Remote = target, Local = m.Spec.Contains(':', StringComparison.Ordinal) ? m.Local : m.Remote };
                }).ToList();
                return new PortForwardTarget(pod, mapped);
            }
            default:
                throw new KubectlException($"error: the server doesn't have a resource type \"{kind}\"");
        }
    }

    private static void EnsureRunning(Pod pod)
    {
        var phase = pod.Status?.Phase ?? "Pending";
        if (phase != "Running") throw new KubectlException($"error: unable to forward port because pod is not running. Current status={phase}");
    }

    private static bool IsReady(Pod p) => p.Status?.Conditions.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    private static int? NamedPort(Pod pod, string name) =>
        pod.Spec.Containers.SelectMany(c => c.Ports).FirstOrDefault(p => p.Name == name)?.ContainerPortNumber;

    /// <summary>Parses <c>REMOTE</c>, <c>LOCAL:REMOTE</c> or <c>:REMOTE</c> (a random local port).</summary>
    public static PortMapping Parse(string spec)
    {
        var parts = spec.Split(':');
        static int Port(string text, string spec, bool allowZero)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p > 65535 || (p == 0 && !allowZero))
                throw new KubectlException($"error: Error parsing local port '{text}': strconv.ParseUint: parsing \"{text}\": invalid syntax".Replace("Error parsing local port", allowZero ? "Error parsing local port" : "Error parsing remote port", StringComparison.Ordinal));
            return p;
        }
        return parts.Length switch
        {
            1 => new PortMapping(Port(parts[0], spec, false), Port(parts[0], spec, false), spec),
            2 => new PortMapping(parts[0].Length == 0 ? 0 : Port(parts[0], spec, true), Port(parts[1], spec, false), spec),
            _ => throw new KubectlException($"error: invalid port format '{spec}'"),
        };
    }
}

using System.Globalization;
using Podnet.Cluster.Api.Core;

namespace Podnet.Cluster.Kubelet;

/// <summary>
/// The Docker-links-style Service variables the kubelet injects (<c>getServiceEnvVarMap</c> and
/// <c>envvars.FromServices</c>): for each Service with a ClusterIP in the pod's namespace (only
/// when <c>enableServiceLinks</c> is not false) and always for <c>kubernetes</c> in <c>default</c>.
/// </summary>
public static class ServiceEnvironment
{
    /// <summary>The variables for <paramref name="pod"/>, in the order the kubelet builds them.</summary>
    public static IReadOnlyList<(string Name, string Value)> For(Pod pod, IEnumerable<Service> services)
    {
        var chosen = new Dictionary<string, Service>(StringComparer.Ordinal);
        var links = pod.Spec.EnableServiceLinks != false;
        foreach (var s in services)
        {
            if (string.IsNullOrEmpty(s.Spec.ClusterIP) || s.Spec.ClusterIP == "None") continue;
            if (s.Namespace == pod.Namespace && links) chosen[s.Name] = s;
            else if (s.Namespace == "default" && s.Name == "kubernetes" && !chosen.ContainsKey("kubernetes")) chosen[s.Name] = s;
        }
        var vars = new List<(string, string)>();
        foreach (var s in chosen.Values.OrderBy(s => s.Name, StringComparer.Ordinal)) vars.AddRange(ForService(s));
        return vars;
    }

    /// <summary>The variables of one Service.</summary>
    public static IEnumerable<(string, string)> ForService(Service s)
    {
        var name = s.Name.ToUpperInvariant().Replace('-', '_');
        var ip = s.Spec.ClusterIP!;
        if (s.Spec.Ports.Count == 0) yield break;
        var first = s.Spec.Ports[0];
        yield return (name + "_SERVICE_HOST", ip);
        yield return (name + "_SERVICE_PORT", first.Port.ToString(CultureInfo.InvariantCulture));
        foreach (var p in s.Spec.Ports)
            if (!string.IsNullOrEmpty(p.Name)) yield return (name + "_SERVICE_PORT_" + p.Name.ToUpperInvariant().Replace('-', '_'), p.Port.ToString(CultureInfo.InvariantCulture));
        var proto0 = (first.Protocol ?? "TCP").ToLowerInvariant();
        yield return (name + "_PORT", $"{proto0}://{ip}:{first.Port.ToString(CultureInfo.InvariantCulture)}");
        foreach (var p in s.Spec.Ports)
        {
            var proto = p.Protocol ?? "TCP";
            var port = p.Port.ToString(CultureInfo.InvariantCulture);
            var prefix = $"{name}_PORT_{port}_{proto.ToUpperInvariant()}";
            yield return (prefix, $"{proto.ToLowerInvariant()}://{ip}:{port}");
            yield return (prefix + "_PROTO", proto.ToLowerInvariant());
            yield return (prefix + "_PORT", port);
            yield return (prefix + "_ADDR", ip);
        }
    }
}

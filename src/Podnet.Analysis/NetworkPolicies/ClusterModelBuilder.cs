using System.Text.Json.Nodes;
using Podnet.Cluster.Api.Apps;
using Podnet.Cluster.Api.Batch;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Networking;
using Podnet.Cluster.NetworkPolicies;
using ApiNetworkPolicy = Podnet.Cluster.Api.Networking.NetworkPolicy;

namespace Podnet.Analysis.NetworkPolicies;

/// <summary>
/// Builds the analyzer's <see cref="ClusterModel"/> from Kubernetes objects (read from manifests or the
/// store): Namespaces, Pods, workload controllers (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job,
/// ReplicationController, CronJob: one representative pod from the template, as netpol-analyzer does),
/// NetworkPolicies (defaulted and validated), and Ingress / OpenShift Route objects through their
/// Services (the ingress controller's targets). Everything else is ignored.
/// </summary>
public static class ClusterModelBuilder
{
    /// <summary>Builds the model; invalid policies are reported in <paramref name="errors"/> and left out.</summary>
    public static ClusterModel Build(IEnumerable<KubeObject> objects, ICollection<string> errors) => Build(objects, [], errors);

    /// <summary>
    /// Builds the model, with OpenShift Route objects given as raw JSON (<paramref name="routes"/>: the
    /// API reader does not know the Route kind; see <see cref="RecoverRoutes"/>).
    /// </summary>
    public static ClusterModel Build(IEnumerable<KubeObject> objects, IEnumerable<JsonObject> routes, ICollection<string> errors)
    {
        var namespaces = new List<NamespaceInfo>();
        var pods = new List<PodInfo>();
        var policies = new List<PolicyInfo>();
        var services = new List<Service>();
        var ingressObjects = new List<KubeObject>();
        foreach (var o in objects)
        {
            switch (o)
            {
                case Namespace n:
                    namespaces.Add(NamespaceInfo.Create(n.Name, n.Metadata.Labels));
                    break;
                case Pod p:
                    pods.Add(PolicyConversion.FromApi(p));
                    break;
                case ApiNetworkPolicy np:
                    if (PolicyConversion.FromApi(np, errors) is { } pi)
                    {
                        policies.Add(pi);
                    }

                    break;
                case Deployment d:
                    pods.Add(Representative(d, d.Spec.Template));
                    break;
                case ReplicaSet rs:
                    pods.Add(Representative(rs, rs.Spec.Template));
                    break;
                case StatefulSet ss:
                    pods.Add(Representative(ss, ss.Spec.Template));
                    break;
                case DaemonSet ds:
                    pods.Add(Representative(ds, ds.Spec.Template));
                    break;
                case Job j:
                    pods.Add(Representative(j, j.Spec.Template));
                    break;
                case Service s:
                    services.Add(s);
                    break;
                case Ingress:
                    ingressObjects.Add(o);
                    break;
                default:
                    if (o.Kind is "ReplicationController" or "CronJob" && TemplateOf(o) is { } t)
                    {
                        pods.Add(Representative(o, t));
                    }
                    else if (o.Kind == "Route" && o.ApiVersion.StartsWith("route.openshift.io/", StringComparison.Ordinal))
                    {
                        ingressObjects.Add(o);
                    }

                    break;
            }
        }

        foreach (var r in routes)
        {
            var meta = r["metadata"] as JsonObject;
            ingressObjects.Add(new GenericObject
            {
                ApiVersion = r["apiVersion"]?.ToString() ?? "",
                Kind = "Route",
                Metadata = new ObjectMeta { Name = meta?["name"]?.ToString() ?? "", Namespace = meta?["namespace"]?.ToString() ?? "" },
                Unmodeled = r["spec"] is JsonNode spec ? new Dictionary<string, System.Text.Json.JsonElement> { ["spec"] = System.Text.Json.JsonDocument.Parse(spec.ToJsonString()).RootElement.Clone() } : null,
            });
        }

        var targets = IngressTargets(ingressObjects, services, pods);
        return new ClusterModel(namespaces, pods, policies, targets, services);
    }

    /// <summary>
    /// The OpenShift Route objects (<c>route.openshift.io</c>) of the sources the reader reported as of an
    /// unknown kind, parsed again as raw JSON; other unknown kinds are ignored, as netpol-analyzer does.
    /// </summary>
    public static List<JsonObject> RecoverRoutes(Podnet.Cluster.Api.Serialization.ManifestSet set)
    {
        var routes = new List<JsonObject>();
        foreach (var source in set.Errors.Where(e => e.UnknownKind == "Route" && (e.UnknownApiVersion ?? "").StartsWith("route.openshift.io/", StringComparison.Ordinal))
                     .Select(e => e.Source).Distinct(StringComparer.Ordinal))
        {
            if (!File.Exists(source))
            {
                continue;
            }

            foreach (var (chunk, _) in Podnet.Cluster.Api.Serialization.ManifestReader.SplitYamlDocuments(File.ReadAllText(source)))
            {
                List<JsonNode?> docs;
                try
                {
                    docs = Podnet.Cluster.Api.Serialization.YamlToJson.ParseDocuments(chunk);
                }
                catch (Podnet.Cluster.Api.Serialization.YamlSyntaxException)
                {
                    continue;
                }

                foreach (var d in docs.OfType<JsonObject>())
                {
                    var items = d["items"] is JsonArray arr ? arr.OfType<JsonObject>() : [d];
                    routes.AddRange(items.Where(i => i["kind"]?.ToString() == "Route" && (i["apiVersion"]?.ToString() ?? "").StartsWith("route.openshift.io/", StringComparison.Ordinal)));
                }
            }
        }

        return routes;
    }

    private static PodInfo Representative(KubeObject owner, PodTemplateSpec template)
    {
        var ns = string.IsNullOrEmpty(owner.Namespace) ? "default" : owner.Namespace;
        return new PodInfo(ns, owner.Name, template.Metadata.Labels, null, PolicyConversion.NamedPorts(template.Spec),
            new WorkloadRef(ns, owner.Name, owner.Kind), template.Spec.HostNetwork == true, template.Spec.NodeName);
    }

    private static PodTemplateSpec? TemplateOf(KubeObject o)
    {
        // ReplicationController: spec.template; CronJob: spec.jobTemplate.spec.template (kept as unmodelled JSON).
        if (o.Unmodeled == null || !o.Unmodeled.TryGetValue("spec", out var specElement))
        {
            return null;
        }

        var spec = JsonNode.Parse(specElement.GetRawText());
        var t = o.Kind == "CronJob" ? spec?["jobTemplate"]?["spec"]?["template"] : spec?["template"];
        return t == null ? null : System.Text.Json.JsonSerializer.Deserialize<PodTemplateSpec>(t.ToJsonString(), Podnet.Cluster.Api.Serialization.KubeJson.Options);
    }

    private static List<IngressControllerTarget> IngressTargets(List<KubeObject> objects, List<Service> services, List<PodInfo> pods)
    {
        var result = new List<IngressControllerTarget>();
        foreach (var o in objects)
        {
            var ns = string.IsNullOrEmpty(o.Namespace) ? "default" : o.Namespace;
            var backends = new List<(string Service, string? PortName, int? PortNumber)>();
            if (o is Ingress ing)
            {
                void Add(IngressBackend? b)
                {
                    if (b?.Service is { } s)
                    {
                        backends.Add((s.Name, s.Port?.Name, s.Port?.Number));
                    }
                }

                Add(ing.Spec.DefaultBackend);
                foreach (var r in ing.Spec.Rules)
                {
                    foreach (var p in r.Http?.Paths ?? [])
                    {
                        Add(p.Backend);
                    }
                }
            }
            else if (o.Unmodeled != null && o.Unmodeled.TryGetValue("spec", out var specElement) && JsonNode.Parse(specElement.GetRawText()) is JsonObject spec)
            {
                var to = spec["to"]?["name"]?.GetValue<string>();
                var tp = spec["port"]?["targetPort"];
                string? name = null;
                int? number = null;
                if (tp is JsonValue v && v.TryGetValue<int>(out var n))
                {
                    number = n;
                }
                else if (tp is JsonValue s && s.TryGetValue<string>(out var str))
                {
                    name = str;
                }

                if (to != null)
                {
                    backends.Add((to, name, number));
                }
            }

            foreach (var (svcName, portName, portNumber) in backends)
            {
                var svc = services.FirstOrDefault(s => s.Name == svcName && (string.IsNullOrEmpty(s.Namespace) ? "default" : s.Namespace) == ns);
                if (svc == null || svc.Spec.Selector.Count == 0)
                {
                    continue;
                }

                // A Route's targetPort names the service port (or its target); an Ingress names the service port.
                var ports = svc.Spec.Ports.Where(p =>
                    (portName == null && portNumber == null)
                    || (portName != null && (p.Name == portName || (p.TargetPort is { IsInt: false } t && t.StringValue == portName)))
                    || (portNumber != null && (p.Port == portNumber || (p.TargetPort is { IsInt: true } ti && ti.IntValue == portNumber)))).ToList();
                foreach (var pod in pods.Where(p => p.Namespace == ns && svc.Spec.Selector.All(kv => p.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value)))
                {
                    var conn = ConnectionSet.Empty;
                    foreach (var sp in ports)
                    {
                        PolicyProtocols.TryParse(sp.Protocol, out var proto);
                        var target = sp.TargetPort;
                        int? number = target is null ? sp.Port : target.Value.IsInt ? target.Value.IntValue : pod.NamedPorts.FirstOrDefault(np => np.Name == target.Value.StringValue && np.Protocol == proto)?.Port;
                        if (number is { } num)
                        {
                            conn = conn.Union(ConnectionSet.Of(proto, num));
                        }
                    }

                    if (!conn.IsEmpty)
                    {
                        result.Add(new IngressControllerTarget(pod.Workload, conn, o.Kind, ns, o.Name, svcName));
                    }
                }
            }
        }

        return result;
    }
}

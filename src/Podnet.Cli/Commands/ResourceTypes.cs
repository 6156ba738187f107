namespace Podnet.Cli.Commands;

/// <summary>
/// The resources Podnet serves, as kubectl's discovery and RESTMapper resolve them: plural, singular,
/// short names, <c>kind</c>, and <c>plural.group</c> forms all name the same resource
/// (<c>svc</c>, <c>service</c>, <c>services</c>, <c>Service</c>).
/// </summary>
public static class ResourceTypes
{
    /// <summary>Core v1 Pod.</summary>
    public static readonly ResourceType Pods = new("Pod", "", "v1", "pods", true, "po");
    /// <summary>Core v1 Service.</summary>
    public static readonly ResourceType Services = new("Service", "", "v1", "services", true, "svc");
    /// <summary>Core v1 Endpoints.</summary>
    public static readonly ResourceType Endpoints = new("Endpoints", "", "v1", "endpoints", true, "ep");
    /// <summary>discovery.k8s.io/v1 EndpointSlice.</summary>
    public static readonly ResourceType EndpointSlices = new("EndpointSlice", "discovery.k8s.io", "v1", "endpointslices", true);
    /// <summary>Core v1 Node.</summary>
    public static readonly ResourceType Nodes = new("Node", "", "v1", "nodes", false, "no");
    /// <summary>Core v1 Namespace.</summary>
    public static readonly ResourceType Namespaces = new("Namespace", "", "v1", "namespaces", false, "ns");
    /// <summary>apps/v1 Deployment.</summary>
    public static readonly ResourceType Deployments = new("Deployment", "apps", "v1", "deployments", true, "deploy");
    /// <summary>apps/v1 ReplicaSet.</summary>
    public static readonly ResourceType ReplicaSets = new("ReplicaSet", "apps", "v1", "replicasets", true, "rs");
    /// <summary>apps/v1 StatefulSet.</summary>
    public static readonly ResourceType StatefulSets = new("StatefulSet", "apps", "v1", "statefulsets", true, "sts");
    /// <summary>apps/v1 DaemonSet.</summary>
    public static readonly ResourceType DaemonSets = new("DaemonSet", "apps", "v1", "daemonsets", true, "ds");
    /// <summary>batch/v1 Job.</summary>
    public static readonly ResourceType Jobs = new("Job", "batch", "v1", "jobs", true);
    /// <summary>networking.k8s.io/v1 Ingress.</summary>
    public static readonly ResourceType Ingresses = new("Ingress", "networking.k8s.io", "v1", "ingresses", true, "ing");
    /// <summary>networking.k8s.io/v1 IngressClass.</summary>
    public static readonly ResourceType IngressClasses = new("IngressClass", "networking.k8s.io", "v1", "ingressclasses", false);
    /// <summary>networking.k8s.io/v1 NetworkPolicy.</summary>
    public static readonly ResourceType NetworkPolicies = new("NetworkPolicy", "networking.k8s.io", "v1", "networkpolicies", true, "netpol");
    /// <summary>Core v1 ConfigMap.</summary>
    public static readonly ResourceType ConfigMaps = new("ConfigMap", "", "v1", "configmaps", true, "cm");
    /// <summary>Core v1 Secret.</summary>
    public static readonly ResourceType Secrets = new("Secret", "", "v1", "secrets", true);
    /// <summary>Core v1 Event (read-only here: events come from the controllers).</summary>
    public static readonly ResourceType Events = new("Event", "", "v1", "events", true, "ev");

    /// <summary>Every resource, in the order kubectl's <c>get all</c>-like listings use.</summary>
    public static IReadOnlyList<ResourceType> All { get; } =
    [
        Pods, Services, Endpoints, EndpointSlices, Nodes, Namespaces, Deployments, ReplicaSets, StatefulSets,
        DaemonSets, Jobs, Ingresses, IngressClasses, NetworkPolicies, ConfigMaps, Secrets, Events,
    ];

    private static readonly Dictionary<string, ResourceType> ByName = BuildIndex();

    private static Dictionary<string, ResourceType> BuildIndex()
    {
        var index = new Dictionary<string, ResourceType>(StringComparer.OrdinalIgnoreCase);
        foreach (var r in All)
        {
            index[r.Plural] = r;
            index[r.Singular] = r;
            index[r.Kind] = r;
            if (r.Group.Length > 0)
            {
                index[r.Plural + "." + r.Group] = r;
                index[r.Singular + "." + r.Group] = r;
                index[r.Plural + "." + r.Version + "." + r.Group] = r;
            }
            foreach (var s in r.ShortNames)
            {
                index[s] = r;
            }
        }
        return index;
    }

    /// <summary>Resolves a name kubectl accepts for a resource type; null when the server has none.</summary>
    public static ResourceType? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>Resolves by kind (as in a manifest's <c>kind:</c>).</summary>
    public static ResourceType? ForKind(string kind) => All.FirstOrDefault(r => r.Kind == kind);

    /// <summary>Resolves a name or fails as kubectl does: <c>error: the server doesn't have a resource type "foo"</c>.</summary>
    public static ResourceType Resolve(string name) =>
        Find(name) ?? throw new KubectlException($"error: the server doesn't have a resource type \"{name}\"");
}

using Podnet.Cluster.Api.Apps;
using Podnet.Cluster.Api.Batch;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Discovery;
using Podnet.Cluster.Api.Networking;

namespace Podnet.Cluster.Api.Meta;

/// <summary>
/// The table of kinds Podnet serves (Kubernetes' RESTMapper / discovery): kind ↔ apiVersion ↔ plural ↔
/// short names ↔ scope. Lookups by any name a kubectl user types are case-insensitive
/// (<c>po</c>, <c>pods</c>, <c>pod</c>, <c>Pod</c>, <c>deployments.apps</c>).
/// </summary>
public static class KindRegistry
{
    private static readonly List<ResourceType> All =
    [
        new("Pod", "", "v1", "pods", ["po"], true, typeof(Pod)),
        new("Service", "", "v1", "services", ["svc"], true, typeof(Service)),
        new("Endpoints", "", "v1", "endpoints", ["ep"], true, typeof(Endpoints)),
        new("Node", "", "v1", "nodes", ["no"], false, typeof(Node)),
        new("Namespace", "", "v1", "namespaces", ["ns"], false, typeof(Namespace)),
        new("ConfigMap", "", "v1", "configmaps", ["cm"], true, typeof(ConfigMap)),
        new("Secret", "", "v1", "secrets", [], true, typeof(Secret)),
        new("Event", "", "v1", "events", ["ev"], true, typeof(Event)),
        new("ServiceAccount", "", "v1", "serviceaccounts", ["sa"], true, typeof(GenericObject)),
        new("PersistentVolumeClaim", "", "v1", "persistentvolumeclaims", ["pvc"], true, typeof(GenericObject)),
        new("EndpointSlice", "discovery.k8s.io", "v1", "endpointslices", [], true, typeof(EndpointSlice)),
        new("Deployment", "apps", "v1", "deployments", ["deploy"], true, typeof(Deployment)),
        new("ReplicaSet", "apps", "v1", "replicasets", ["rs"], true, typeof(ReplicaSet)),
        new("StatefulSet", "apps", "v1", "statefulsets", ["sts"], true, typeof(StatefulSet)),
        new("DaemonSet", "apps", "v1", "daemonsets", ["ds"], true, typeof(DaemonSet)),
        new("Job", "batch", "v1", "jobs", [], true, typeof(Job)),
        new("Ingress", "networking.k8s.io", "v1", "ingresses", ["ing"], true, typeof(Ingress)),
        new("IngressClass", "networking.k8s.io", "v1", "ingressclasses", [], false, typeof(IngressClass)),
        new("NetworkPolicy", "networking.k8s.io", "v1", "networkpolicies", ["netpol"], true, typeof(NetworkPolicy)),
        new("Role", "rbac.authorization.k8s.io", "v1", "roles", [], true, typeof(GenericObject)),
        new("RoleBinding", "rbac.authorization.k8s.io", "v1", "rolebindings", [], true, typeof(GenericObject)),
        new("ClusterRole", "rbac.authorization.k8s.io", "v1", "clusterroles", [], false, typeof(GenericObject)),
        new("ClusterRoleBinding", "rbac.authorization.k8s.io", "v1", "clusterrolebindings", [], false, typeof(GenericObject)),
    ];

    private static readonly Dictionary<string, ResourceType> ByName = BuildNames();
    private static readonly Dictionary<(string ApiVersion, string Kind), ResourceType> ByKind =
        All.ToDictionary(r => (r.ApiVersion, r.Kind));
    private static readonly Dictionary<Type, ResourceType> ByType =
        All.Where(r => r.ClrType != typeof(GenericObject)).ToDictionary(r => r.ClrType);

    /// <summary>Every registered resource type, in registration order.</summary>
    public static IReadOnlyList<ResourceType> Types => All;

    /// <summary>Looks up by apiVersion and kind as they appear in a manifest (exact, case-sensitive like the API server).</summary>
    public static ResourceType? FindByKind(string apiVersion, string kind) =>
        ByKind.TryGetValue((apiVersion, kind), out var r) ? r : null;

    /// <summary>Looks up the resource type modelled by a C# type (e.g. <c>typeof(Pod)</c>).</summary>
    public static ResourceType ForType(Type type) =>
        ByType.TryGetValue(type, out var r) ? r : throw new ArgumentException($"{type.Name} is not a registered kind", nameof(type));

    /// <summary>Looks up the resource type of an object (by its apiVersion and kind).</summary>
    public static ResourceType? For(KubeObject obj) => FindByKind(obj.ApiVersion, obj.Kind);

    /// <summary>
    /// Resolves a name a kubectl user types (<c>svc</c>, <c>services</c>, <c>service</c>, <c>Service</c>,
    /// <c>deployments.apps</c>, <c>deploy.apps</c>); null when unknown (kubectl: <c>the server doesn't have a resource type "x"</c>).
    /// </summary>
    public static ResourceType? Resolve(string name) =>
        ByName.TryGetValue(name.ToLowerInvariant(), out var r) ? r : null;

    private static Dictionary<string, ResourceType> BuildNames()
    {
        var d = new Dictionary<string, ResourceType>(StringComparer.Ordinal);
        foreach (var r in All)
        {
            var names = new List<string> { r.Plural, r.Singular };
            names.AddRange(r.ShortNames);
            foreach (var n in names)
            {
                d.TryAdd(n, r);
                if (r.Group.Length > 0)
                {
                    d.TryAdd(n + "." + r.Group, r);
                }
                else
                {
                    d.TryAdd(n + ".v1", r);
                }
            }
        }

        return d;
    }
}

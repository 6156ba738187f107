using Podnet.Cluster.NetworkPolicies;

namespace Podnet.Analysis.NetworkPolicies;

/// <summary>
/// The snapshot the connectivity analyzer reasons about: namespaces (with labels, including the
/// automatic <c>kubernetes.io/metadata.name</c>), pods (labels, IP, named container ports, owning
/// workload) and NetworkPolicies with their defaulting already applied. Built from Kubernetes objects
/// from Kubernetes objects (manifests or the store), or directly by tests and benchmarks.
/// </summary>
public sealed class ClusterModel
{
    /// <summary>Creates a model; namespaces referenced by pods or policies but not listed are added with only their name label.</summary>
    public ClusterModel(IEnumerable<NamespaceInfo> namespaces, IEnumerable<PodInfo> pods, IEnumerable<PolicyInfo> policies, IEnumerable<IngressControllerTarget>? ingressTargets = null, IEnumerable<Podnet.Cluster.Api.Core.Service>? services = null)
    {
        Services = services?.ToList() ?? [];
        var ns = new Dictionary<string, NamespaceInfo>(StringComparer.Ordinal);
        foreach (var n in namespaces)
        {
            ns[n.Name] = n;
        }

        Pods = pods.ToList();
        Policies = policies.ToList();
        IngressTargets = ingressTargets?.ToList() ?? [];
        foreach (var name in Pods.Select(p => p.Namespace).Concat(Policies.Select(p => p.Namespace)))
        {
            if (!ns.ContainsKey(name))
            {
                ns[name] = NamespaceInfo.Create(name, null);
            }
        }

        Namespaces = ns;
    }

    /// <summary>Namespaces by name.</summary>
    public IReadOnlyDictionary<string, NamespaceInfo> Namespaces { get; }

    /// <summary>All pods.</summary>
    public IReadOnlyList<PodInfo> Pods { get; }

    /// <summary>All NetworkPolicies.</summary>
    public IReadOnlyList<PolicyInfo> Policies { get; }

    /// <summary>Services (for <c>svc/NS/NAME</c> questions: their selector and ports).</summary>
    public IReadOnlyList<Podnet.Cluster.Api.Core.Service> Services { get; }

    /// <summary>Workloads an ingress controller forwards to (from Ingress / OpenShift Route objects), with the ports it may use.</summary>
    public IReadOnlyList<IngressControllerTarget> IngressTargets { get; }
}

/// <summary>An Ingress / Route backend: the ingress controller may connect to the pods of <see cref="Workload"/> on <see cref="Ports"/>.</summary>
public sealed record IngressControllerTarget(WorkloadRef Workload, ConnectionSet Ports, string ObjectKind, string ObjectNamespace, string ObjectName, string ServiceName);

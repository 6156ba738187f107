namespace Podnet.Cluster.NetworkPolicies;

/// <summary>A Namespace: its name and labels (with <c>kubernetes.io/metadata.name</c> always present, as the API server sets it).</summary>
public sealed record NamespaceInfo(string Name, IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>The label the API server puts on every namespace.</summary>
    public const string NameLabel = "kubernetes.io/metadata.name";

    /// <summary>Creates a namespace, adding the automatic name label.</summary>
    public static NamespaceInfo Create(string name, IReadOnlyDictionary<string, string>? labels)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        if (labels != null)
        {
            foreach (var (k, v) in labels)
            {
                d[k] = v;
            }
        }

        d[NameLabel] = name;
        return new NamespaceInfo(name, d);
    }
}

/// <summary>A named container port (<c>containers[].ports[]</c> with a name), the target of a named NetworkPolicy port.</summary>
public sealed record NamedContainerPort(string Name, PolicyProtocol Protocol, int Port);

/// <summary>The workload a pod is shown as: its controller owner (<c>ns/name[Kind]</c>), or the pod itself (<c>[Pod]</c>).</summary>
public sealed record WorkloadRef(string Namespace, string Name, string Kind)
{
    /// <summary><c>ns/name[Kind]</c>, netpol-analyzer's peer form.</summary>
    public override string ToString() => $"{Namespace}/{Name}[{Kind}]";
}

/// <summary>
/// A pod as the analyzer sees it. <see cref="Ip"/> is the IPv4 pod IP in host byte order (null when
/// unknown); for a hostNetwork pod it is the node's IP.
/// </summary>
public sealed record PodInfo(
    string Namespace,
    string Name,
    IReadOnlyDictionary<string, string> Labels,
    uint? Ip,
    IReadOnlyList<NamedContainerPort> NamedPorts,
    WorkloadRef Workload,
    bool HostNetwork = false,
    string? NodeName = null)
{
    /// <summary><c>ns/name</c>.</summary>
    public string FullName => Namespace + "/" + Name;
}

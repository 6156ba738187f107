using Podnet.Cluster.NetworkPolicies;
namespace Podnet.Analysis.NetworkPolicies;

/// <summary>
/// An equivalence class of pods that no NetworkPolicy can tell apart: same namespace, labels, named
/// container ports, hostNetwork flag and (in Kubernetes mode) the same ipBlock atom of their IP.
/// The analyzer computes connectivity per class and expands to pods and workloads afterwards.
/// </summary>
public sealed class PodClass
{
    internal PodClass(int id, PodInfo representative)
    {
        Id = id;
        Representative = representative;
    }

    /// <summary>Index of the class.</summary>
    public int Id { get; }

    /// <summary>The first pod of the class; every member behaves the same.</summary>
    public PodInfo Representative { get; }

    /// <summary>All member pods.</summary>
    public List<PodInfo> Members { get; } = [];
}

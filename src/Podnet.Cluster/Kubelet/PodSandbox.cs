using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Cni;
using Podnet.Kernel.Stack;

namespace Podnet.Cluster.Kubelet;

/// <summary>
/// A pod as the kubelet realized it: the sandbox's network namespace (or the node's for hostNetwork),
/// the CNI result, the files written for it and its containers.
/// </summary>
public sealed class PodSandbox(Pod pod, NetNamespace ns, string ip, string containerId)
{
    /// <summary>The pod object.</summary>
    public Pod Pod { get; } = pod;

    /// <summary>The network namespace all its containers share.</summary>
    public NetNamespace Namespace { get; } = ns;

    /// <summary>The pod IP (the node IP for hostNetwork pods).</summary>
    public string Ip { get; } = ip;

    /// <summary>The sandbox (pause container) ID, passed as CNI_CONTAINERID.</summary>
    public string ContainerId { get; } = containerId;

    /// <summary>The CNI ADD result (null for hostNetwork pods).</summary>
    public CniResult? CniResult { get; internal set; }

    /// <summary>The pod's <c>/etc/resolv.conf</c>.</summary>
    public string ResolvConf { get; internal set; } = "";

    /// <summary>The pod's <c>/etc/hosts</c>.</summary>
    public string Hosts { get; internal set; } = "";

    /// <summary>The Service variables injected into every container.</summary>
    public IReadOnlyList<(string Name, string Value)> ServiceEnv { get; internal set; } = [];

    /// <summary>The containers, in spec order.</summary>
    public List<ContainerInstance> Containers { get; } = [];

    /// <summary>The container named <paramref name="name"/>, or null.</summary>
    public ContainerInstance? Container(string name) => Containers.FirstOrDefault(c => c.Spec.Name == name);
}

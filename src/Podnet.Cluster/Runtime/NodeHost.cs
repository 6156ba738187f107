using Podnet.Cluster.Api.Core;
using Podnet.Kernel.Stack;

namespace Podnet.Cluster.Runtime;

/// <summary>A realized node: its Node object, its namespace (eth0 on the node network, netfilter attached) and its kubelet.</summary>
public sealed class NodeHost(Node node, NetNamespace ns, string ip, string podCidr, Kubelet.Kubelet kubelet)
{
    /// <summary>The Node object.</summary>
    public Node Node { get; } = node;

    /// <summary>The node's name.</summary>
    public string Name => Node.Name;

    /// <summary>The node's network namespace.</summary>
    public NetNamespace Namespace { get; } = ns;

    /// <summary>The node's InternalIP.</summary>
    public string Ip { get; } = ip;

    /// <summary>The node's pod CIDR.</summary>
    public string PodCidr { get; } = podCidr;

    /// <summary>The node's kubelet.</summary>
    public Kubelet.Kubelet Kubelet { get; } = kubelet;

    /// <summary>The node's netfilter.</summary>
    public Kernel.Netfilter.Netfilter Netfilter => (Kernel.Netfilter.Netfilter)Namespace.Netfilter!;
}

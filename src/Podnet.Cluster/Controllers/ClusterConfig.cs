namespace Podnet.Cluster.Controllers;

/// <summary>
/// A cluster's creation settings (what kind's cluster config and kubeadm's ClusterConfiguration hold):
/// node count, kube-proxy mode, the pod overlay, and the pod, service and node networks (DESIGN.md §6).
/// </summary>
public sealed record ClusterConfig
{
    /// <summary>Cluster name; nodes are <c>&lt;name&gt;-control-plane</c>, <c>&lt;name&gt;-worker</c>, ...</summary>
    public string Name { get; init; } = "podnet";

    /// <summary>Number of worker nodes besides the control plane.</summary>
    public int Workers { get; init; } = 2;

    /// <summary>kube-proxy mode: <c>iptables</c>, <c>nftables</c> or <c>ipvs</c>.</summary>
    public string ProxyMode { get; init; } = "iptables";

    /// <summary>Cross-node pod traffic: <c>host-gw</c> routes or <c>vxlan</c> (flannel.1, VNI 1, UDP 8472).</summary>
    public string Overlay { get; init; } = "host-gw";

    /// <summary>The cluster's pod CIDR (kube-controller-manager <c>--cluster-cidr</c>); a /24 per node.</summary>
    public string PodCidr { get; init; } = "10.244.0.0/16";

    /// <summary>Prefix length of each node's pod CIDR (<c>--node-cidr-mask-size</c>).</summary>
    public int NodeCidrMaskSize { get; init; } = 24;

    /// <summary>The service CIDR (<c>--service-cluster-ip-range</c>).</summary>
    public string ServiceCidr { get; init; } = "10.96.0.0/16";

    /// <summary>The node network (kind's docker network).</summary>
    public string NodeNetwork { get; init; } = "172.18.0.0/16";

    /// <summary>The cluster DNS domain.</summary>
    public string ClusterDomain { get; init; } = "cluster.local";

    /// <summary>Kubernetes version the nodes report (kubelet version).</summary>
    public string KubernetesVersion { get; init; } = "v1.34.0";

    /// <summary>Maximum pods per node (kubelet <c>--max-pods</c>).</summary>
    public int MaxPodsPerNode { get; init; } = 110;

    /// <summary>Node port range (<c>--service-node-port-range</c>).</summary>
    public int NodePortMin { get; init; } = 30000;

    /// <summary>Upper bound of the node port range, inclusive.</summary>
    public int NodePortMax { get; init; } = 32767;

    /// <summary>
    /// Addresses the emulated cloud provider gives type=LoadBalancer Services (an address pool on the
    /// outside network, as MetalLB's <c>IPAddressPool</c> or a cloud's external IPs): a CIDR or a
    /// <c>first-last</c> range. The default lies in 203.0.113.0/24 (TEST-NET-3, RFC 5737).
    /// </summary>
    public string LoadBalancerPool { get; init; } = "203.0.113.200-203.0.113.249";

    /// <summary>Names of the nodes, control plane first, in kind's naming.</summary>
    public IReadOnlyList<string> NodeNames()
    {
        var names = new List<string> { Name + "-control-plane" };
        for (int i = 1; i <= Workers; i++)
        {
            names.Add(i == 1 ? Name + "-worker" : Name + "-worker" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return names;
    }

    /// <summary>
    /// Checks the settings and returns the first problem in the CLI's wording, or null when valid.
    /// </summary>
    public string? Validate()
    {
        if (Workers < 0)
        {
            return $"invalid argument \"{Workers}\" for \"--workers\": must be 0 or more";
        }
        if (ProxyMode is not ("iptables" or "nftables" or "ipvs"))
        {
            return $"invalid argument \"{ProxyMode}\" for \"--proxy-mode\": must be one of iptables, nftables, ipvs";
        }
        if (Overlay is not ("host-gw" or "vxlan"))
        {
            return $"invalid argument \"{Overlay}\" for \"--overlay\": must be one of host-gw, vxlan";
        }
        if (!Ipv4Cidr.TryParse(PodCidr, out var pod))
        {
            return $"invalid argument \"{PodCidr}\" for \"--pod-cidr\": invalid CIDR address: {PodCidr}";
        }
        if (!Ipv4Cidr.TryParse(ServiceCidr, out var svc))
        {
            return $"invalid argument \"{ServiceCidr}\" for \"--service-cidr\": invalid CIDR address: {ServiceCidr}";
        }
        if (pod.PrefixLength > NodeCidrMaskSize)
        {
            return $"invalid argument \"{PodCidr}\" for \"--pod-cidr\": must be at least as large as a node's /{NodeCidrMaskSize}";
        }
        long nodeCidrs = 1L << (NodeCidrMaskSize - pod.PrefixLength);
        if (Workers + 1 > nodeCidrs)
        {
            return $"invalid argument \"{PodCidr}\" for \"--pod-cidr\": room for {nodeCidrs} node CIDRs, {Workers + 1} nodes asked";
        }
        if (svc.PrefixLength > 28 || svc.PrefixLength < 12)
        {
            return $"invalid argument \"{ServiceCidr}\" for \"--service-cidr\": the prefix length must be between /12 and /28";
        }
        if (Ipv4Cidr.TryParse(NodeNetwork, out var nodes) && Workers + 1 > nodes.Size - 3)
        {
            return $"invalid argument \"{Workers}\" for \"--workers\": the node network {NodeNetwork} has room for {nodes.Size - 3} nodes";
        }
        return null;
    }
}

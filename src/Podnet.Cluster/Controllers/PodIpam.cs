using Podnet.Cluster.Api.Core;

namespace Podnet.Cluster.Controllers;

/// <summary>
/// Pod address allocation from each node's <c>spec.podCIDR</c>, as the bridge CNI plugin's
/// host-local IPAM does it: <c>.1</c> is the <c>cni0</c> gateway, pods get <c>.2</c> up to the last
/// address before broadcast, an address is never handed out while a pod holds it, and the lowest
/// free address is taken (host-local walks on from the last one; lowest-free keeps results
/// independent of history). Exhaustion is reported in the plugin's words.
/// </summary>
public sealed class PodIpam
{
    private readonly Dictionary<string, NodeRange> ranges = new(StringComparer.Ordinal);

    private sealed class NodeRange(Ipv4Cidr cidr)
    {
        public Ipv4Cidr Cidr { get; } = cidr;
        public HashSet<uint> Used { get; } = [];
        public long Next { get; set; } = 2;
    }

    /// <summary>Builds the allocator from the nodes and the addresses that pods already hold.</summary>
    public PodIpam(ObjectSet objects)
    {
        foreach (var o in objects.Unordered("Node"))
        {
            var node = (Node)o;
            var cidrText = node.Spec.PodCIDR ?? node.Spec.PodCIDRs.FirstOrDefault();
            if (cidrText is not null && Ipv4Cidr.TryParse(cidrText, out var cidr))
            {
                ranges[node.Name] = new NodeRange(cidr);
            }
        }
        foreach (var o in objects.Unordered("Pod"))
        {
            var pod = (Pod)o;
            if (pod.Spec.HostNetwork == true || PodTemplates.IsTerminal(pod) || pod.Spec.NodeName is null
                || pod.Status?.PodIP is not { } ip || !ranges.TryGetValue(pod.Spec.NodeName, out var range))
            {
                continue;
            }
            if (Ipv4Cidr.TryParseAddress(ip, out var a) && range.Cidr.Contains(a))
            {
                range.Used.Add(a);
            }
        }
    }

    /// <summary>The pod CIDR of a node, or null when it has none.</summary>
    public Ipv4Cidr? CidrOf(string node) => ranges.TryGetValue(node, out var r) ? r.Cidr : null;

    /// <summary>
    /// Allocates the lowest free address of <paramref name="node"/>'s range; on failure returns null
    /// and sets <paramref name="error"/> to host-local's message.
    /// </summary>
    public string? Allocate(string node, out string error)
    {
        error = "";
        if (!ranges.TryGetValue(node, out var range))
        {
            error = $"failed to find plugin \"bridge\" config: node {node} has no podCIDR";
            return null;
        }
        long last = range.Cidr.Size - 2; // the address before broadcast
        for (long off = range.Next; off <= last; off++)
        {
            var a = range.Cidr.At(off);
            if (range.Used.Add(a))
            {
                range.Next = off + 1;
                return Ipv4Cidr.FormatAddress(a);
            }
        }
        error = $"failed to allocate for range 0: no IP addresses available in range set: {Ipv4Cidr.FormatAddress(range.Cidr.At(1))}-{Ipv4Cidr.FormatAddress(range.Cidr.At(last))}";
        return null;
    }
}

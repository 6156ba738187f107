using Podnet.Kernel.Wire;

namespace Podnet.Cluster.Cni;

/// <summary>
/// The <c>host-local</c> IPAM plugin over one node's pod CIDR: it keeps its allocations as files
/// named by address under <c>/var/lib/cni/networks/NAME/</c> (here a map address → container ID)
/// and honours a requested address (<c>CNI_ARGS IP=...</c>), which is how the address that the
/// control plane's IPAM already put in the pod's status is the one the data plane uses.
/// </summary>
public sealed class HostLocalIpam
{
    private readonly Dictionary<uint, string> _allocated = [];
    private uint _last;

    /// <summary>The allocator for <paramref name="subnet"/>; the gateway (.1) is reserved.</summary>
    public HostLocalIpam(string network, Ipv4Prefix subnet)
    {
        Network = network;
        Subnet = new Ipv4Prefix(subnet.Network, subnet.Length);
        Gateway = Subnet.Network + 1;
        _last = Gateway;
    }

    /// <summary>The network name (the folder under <c>/var/lib/cni/networks</c>).</summary>
    public string Network { get; }

    /// <summary>The range.</summary>
    public Ipv4Prefix Subnet { get; }

    /// <summary>The gateway address (first usable, the bridge's).</summary>
    public uint Gateway { get; }

    /// <summary>The files host-local would keep: address → container ID.</summary>
    public IReadOnlyDictionary<uint, string> Allocations => _allocated;

    /// <summary>Allocates <paramref name="requested"/> (or the next free address after the last one given) to <paramref name="containerId"/>.</summary>
    public uint? Allocate(string containerId, uint? requested, out CniError? error)
    {
        error = null;
        foreach (var (ip, owner) in _allocated)
            if (owner == containerId) return ip;
        if (requested is { } want)
        {
            if (!Subnet.Contains(want) || want == Subnet.Network || want == Subnet.BroadcastAddress)
            {
                error = new CniError(CniError.Generic, $"failed to allocate for range 0: requested IP address {Ipv4Address.Format(want)} is not in the range set {Subnet}");
                return null;
            }
            if (want == Gateway)
            {
                error = new CniError(CniError.Generic, $"failed to allocate for range 0: requested ip {Ipv4Address.Format(want)} is subnet's gateway");
                return null;
            }
            if (_allocated.ContainsKey(want))
            {
                error = new CniError(CniError.TryAgainLater, $"failed to allocate for range 0: requested IP address {Ipv4Address.Format(want)} is not available in range set {Subnet}");
                return null;
            }
            _allocated[want] = containerId;
            _last = want;
            return want;
        }
        uint first = Subnet.Network + 2, last = Subnet.BroadcastAddress - 1;
        for (uint n = 0, ip = _last + 1; n <= last - first + 1; n++, ip++)
        {
            if (ip > last || ip < first) ip = first;
            if (_allocated.ContainsKey(ip)) continue;
            _allocated[ip] = containerId;
            _last = ip;
            return ip;
        }
        error = new CniError(CniError.Generic, $"failed to allocate for range 0: no IP addresses available in range set: {Ipv4Address.Format(first)}-{Ipv4Address.Format(last)}");
        return null;
    }

    /// <summary>DEL: frees whatever <paramref name="containerId"/> holds (idempotent, as the specification requires).</summary>
    public void Release(string containerId)
    {
        foreach (var ip in _allocated.Where(kv => kv.Value == containerId).Select(kv => kv.Key).ToList()) _allocated.Remove(ip);
    }
}

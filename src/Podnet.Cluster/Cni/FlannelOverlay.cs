using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Podnet.Cluster.Api.Core;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Wire;

namespace Podnet.Cluster.Cni;

/// <summary>
/// Cross-node pod routing as flannel's backends program it on one node.
/// <c>host-gw</c>: one route per other node's pod CIDR via that node's IP on <c>eth0</c>.
/// <c>vxlan</c>: the <c>flannel.1</c> device (VNI 1, UDP 8472, <c>nolearning</c>, MTU 1450, the
/// node's pod network address /32), and per other node a route <c>CIDR via CIDR.0 dev flannel.1 onlink</c>,
/// a permanent neighbour <c>CIDR.0 → VTEP MAC</c> and an FDB entry <c>VTEP MAC → node IP</c>.
/// </summary>
public static class FlannelOverlay
{
    /// <summary>flannel's VXLAN device.</summary>
    public const string VxlanDevice = "flannel.1";

    /// <summary>The annotation in which flannel publishes a node's VTEP MAC.</summary>
    public const string BackendDataAnnotation = "flannel.alpha.coreos.com/backend-data";

    /// <summary>VXLAN MTU: 1500 minus the 50 bytes of outer headers.</summary>
    public const int VxlanMtu = 1450;

    /// <summary>The node's VTEP MAC: from flannel's annotation when present, else a locally administered address derived from the node name (stable, as flannel keeps it).</summary>
    public static string VtepMac(Node node)
    {
        if (node.Metadata.Annotations.TryGetValue(BackendDataAnnotation, out var data))
        {
            var i = data.IndexOf("\"VtepMAC\":\"", StringComparison.Ordinal);
            if (i >= 0 && MacAddress.TryParse(data.Substring(i + 11, 17), out var mac)) return mac.ToString();
        }
        var h = SHA256.HashData(Encoding.UTF8.GetBytes("vtep/" + node.Name));
        h[0] = (byte)((h[0] | 0x02) & 0xFE);
        return string.Join(':', h.Take(6).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }

    /// <summary>Programs <paramref name="host"/> (node <paramref name="self"/>) for the other nodes in <paramref name="peers"/>.</summary>
    public static void Program(NetNamespace host, string mode, PeerNode self, IEnumerable<PeerNode> peers)
    {
        if (mode == "vxlan")
        {
            Netlink.Do(host, $"ip link add {VxlanDevice} type vxlan id 1 local {self.NodeIp} dev eth0 dstport 8472 nolearning");
            Netlink.Do(host, $"ip link set {VxlanDevice} address {self.VtepMac}");
            Netlink.Do(host, $"ip link set {VxlanDevice} mtu {VxlanMtu.ToString(CultureInfo.InvariantCulture)}");
            var own = Ipv4Prefix.Parse(self.PodCidr);
            Netlink.Do(host, $"ip addr add {Ipv4Address.Format(own.Network)}/32 dev {VxlanDevice}");
            Netlink.Do(host, $"ip link set {VxlanDevice} up");
        }
        foreach (var p in peers)
        {
            if (p.Name == self.Name) continue;
            AddPeer(host, mode, p);
        }
    }

    /// <summary>The routes (and for VXLAN the neighbour and FDB entries) that reach one other node's pods.</summary>
    public static void AddPeer(NetNamespace host, string mode, PeerNode p)
    {
        var cidr = Ipv4Prefix.Parse(p.PodCidr);
        if (mode == "vxlan")
        {
            var gw = Ipv4Address.Format(cidr.Network);
            Netlink.Do(host, $"ip route add {cidr} via {gw} dev {VxlanDevice} onlink");
            Netlink.Do(host, $"ip neigh replace {gw} lladdr {p.VtepMac} dev {VxlanDevice} nud permanent");
            Netlink.Do(host, $"bridge fdb append {p.VtepMac} dev {VxlanDevice} dst {p.NodeIp}");
        }
        else
        {
            Netlink.Do(host, $"ip route add {cidr} via {p.NodeIp} dev eth0");
        }
    }
}

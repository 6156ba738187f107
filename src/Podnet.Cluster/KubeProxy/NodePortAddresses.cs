using System.Net;
using System.Net.Sockets;

namespace Podnet.Cluster.KubeProxy;

/// <summary>
/// Upstream <c>proxyutil.NodePortAddresses</c>: the <c>--nodeport-addresses</c> CIDRs of one IP
/// family. No CIDR of the family (or a zero CIDR) means "all local addresses" (<see cref="MatchAll"/>);
/// the word <c>primary</c> means the node's primary IP.
/// </summary>
public sealed class NodePortAddresses
{
    private readonly List<IPNetwork> _cidrs = [];

    /// <summary>Filters <paramref name="cidrStrings"/> to <paramref name="family"/> and parses them.</summary>
    public NodePortAddresses(AddressFamily family, IReadOnlyList<string>? cidrStrings, IPAddress? primaryIP)
    {
        var strings = new List<string>();
        foreach (var raw in cidrStrings ?? [])
        {
            var s = raw.Trim();
            if (s == "primary")
            {
                if (primaryIP is not null && primaryIP.AddressFamily == family)
                    strings.Add(primaryIP + (family == AddressFamily.InterNetwork ? "/32" : "/128"));
                continue;
            }
            if (IpParsing.TryParseCidrSloppy(s, out var n) && n.BaseAddress.AddressFamily == family)
                strings.Add(s);
        }
        if (strings.Count == 0)
            strings.Add(family == AddressFamily.InterNetwork ? "0.0.0.0/0" : "::/0");
        var loopStart = IPAddress.Parse("127.0.0.1");
        foreach (var s in strings)
        {
            IpParsing.TryParseCidrSloppy(s, out var cidr);
            if (family == AddressFamily.InterNetwork && (IPAddress.IsLoopback(cidr.BaseAddress) || cidr.Contains(loopStart)))
                ContainsIPv4Loopback = true;
            if (cidr.PrefixLength == 0)
            {
                _cidrs.Clear();
                _cidrs.Add(cidr);
                MatchAll = true;
                break;
            }
            _cidrs.Add(cidr);
        }
    }

    /// <summary>NodePorts are accepted on every local address.</summary>
    public bool MatchAll { get; }

    /// <summary>Some CIDR contains 127.0.0.1 (localhost NodePorts stay possible).</summary>
    public bool ContainsIPv4Loopback { get; }

    /// <summary>The parsed CIDRs.</summary>
    public IReadOnlyList<IPNetwork> Cidrs => _cidrs;

    /// <summary>Upstream <c>GetNodeIPs</c>: the node's addresses inside the CIDRs, in interface order, without duplicates.</summary>
    public IReadOnlyList<IPAddress> GetNodeIPs(IReadOnlyList<IPAddress> nodeAddresses)
    {
        var result = new List<IPAddress>();
        foreach (var ip in nodeAddresses)
        {
            if (result.Contains(ip)) continue;
            foreach (var cidr in _cidrs)
            {
                if (cidr.BaseAddress.AddressFamily == ip.AddressFamily && cidr.Contains(ip))
                {
                    result.Add(ip);
                    break;
                }
            }
        }
        return result;
    }
}

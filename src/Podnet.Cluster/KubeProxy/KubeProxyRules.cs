using System.Net;
using System.Text;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Discovery;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.KubeProxy.Iptables;
using Podnet.Cluster.KubeProxy.Ipvs;
using Podnet.Cluster.KubeProxy.Nftables;

namespace Podnet.Cluster.KubeProxy;

/// <summary>
/// What <c>podnet kube-proxy rules</c> prints: the full sync a freshly started kube-proxy on one
/// node would write for a set of API objects, in the real tool's input syntax (iptables-restore,
/// nft, or for IPVS the ipvsadm listing, ipset restore input, kube-ipvs0 addresses and iptables).
/// </summary>
public static class KubeProxyRules
{
    /// <summary>Parses <c>iptables</c>, <c>nftables</c> or <c>ipvs</c>.</summary>
    public static bool TryParseMode(string? text, out ProxyMode mode)
    {
        switch (text)
        {
            case "iptables": mode = ProxyMode.Iptables; return true;
            case "nftables": mode = ProxyMode.Nftables; return true;
            case "ipvs": mode = ProxyMode.Ipvs; return true;
            default: mode = ProxyMode.Iptables; return false;
        }
    }

    /// <summary>
    /// The configuration for <paramref name="nodeName"/>: from its Node object when present,
    /// otherwise from <paramref name="nodeIP"/>; null with an error message in kubectl's form when neither.
    /// </summary>
    public static ProxierConfig? ConfigFor(IEnumerable<KubeObject> objects, string nodeName, string? nodeIP, string? clusterCidr,
        IReadOnlyList<string>? serviceCidrs, bool masqueradeAll, out string? error)
    {
        error = null;
        var node = objects.OfType<Node>().FirstOrDefault(n => n.Name == nodeName);
        ProxierConfig config;
        if (node is not null)
        {
            config = ProxyStateBuilder.ConfigForNode(node, clusterCidr, serviceCidrs);
            if (config.NodeIP is null && nodeIP is not null && IpParsing.TryParseSloppy(nodeIP, out var ip))
                config = config with { NodeIP = ip, NodeAddresses = [.. config.NodeAddresses, ip] };
        }
        else if (nodeIP is not null)
        {
            if (!IpParsing.TryParseSloppy(nodeIP, out var ip))
            {
                error = $"error: invalid --node-ip \"{nodeIP}\"";
                return null;
            }
            config = new ProxierConfig
            {
                NodeName = nodeName,
                NodeIP = ip,
                NodeAddresses = [IPAddress.Loopback, ip],
                LocalDetector = !string.IsNullOrEmpty(clusterCidr) ? LocalTrafficDetector.ForCidr(clusterCidr) : LocalTrafficDetector.NoOp,
                ServiceCIDRs = serviceCidrs ?? [],
            };
        }
        else
        {
            error = $"Error from server (NotFound): nodes \"{nodeName}\" not found";
            return null;
        }
        return config with { MasqueradeAll = masqueradeAll };
    }

    /// <summary>Renders the full sync of <paramref name="mode"/> for the Services and EndpointSlices among <paramref name="objects"/>.</summary>
    public static string Render(ProxyMode mode, ProxierConfig config, IEnumerable<KubeObject> objects)
    {
        var list = objects as IReadOnlyCollection<KubeObject> ?? objects.ToList();
        var state = ProxyStateBuilder.Build(config, list.OfType<Service>(), list.OfType<EndpointSlice>());
        return Render(mode, config, state);
    }

    /// <summary>Renders the full sync of <paramref name="mode"/> for a proxier state.</summary>
    public static string Render(ProxyMode mode, ProxierConfig config, ProxyState state)
    {
        var sb = new StringBuilder();
        switch (mode)
        {
            case ProxyMode.Iptables:
            {
                var r = new IptablesProxier(config).SyncRules(state);
                foreach (var j in r.JumpRules) sb.Append("# iptables ").Append(j.InsertCommand).Append('\n');
                sb.Append(r.RestoreText);
                break;
            }
            case ProxyMode.Nftables:
                sb.Append(new NftablesProxier(config).SyncRules(state).Transaction);
                break;
            default:
            {
                var r = new IpvsProxier(config).SyncRules(state);
                sb.Append("# ip link add ").Append(IpvsSyncResult.DummyDevice).Append(" type dummy\n");
                foreach (var a in r.DummyAddresses)
                    sb.Append("# ip addr add ").Append(a).Append(config.IsIPv6 ? "/128" : "/32").Append(" dev ").Append(IpvsSyncResult.DummyDevice).Append('\n');
                sb.Append("# ipvsadm -Ln\n");
                foreach (var line in r.IpvsadmListing().TrimEnd('\n').Split('\n')) sb.Append("#   ").Append(line).Append('\n');
                sb.Append("# ipset restore <<EOF\n");
                foreach (var line in r.IpsetRestoreText().TrimEnd('\n').Split('\n')) sb.Append("#   ").Append(line).Append('\n');
                sb.Append("# EOF\n");
                foreach (var j in r.JumpRules) sb.Append("# iptables ").Append(j.InsertCommand).Append('\n');
                sb.Append(r.IptablesRestoreText);
                break;
            }
        }
        return sb.ToString();
    }
}

using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Discovery;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.KubeProxy;
using Podnet.Cluster.KubeProxy.Iptables;
using Podnet.Cluster.KubeProxy.Nftables;
using Podnet.Kernel.Tools;

namespace Podnet.Cluster.Runtime;

/// <summary>
/// kube-proxy on one realized node: the KubeProxy part's full sync for the node, loaded into the
/// node's netfilter the way kube-proxy loads it (<c>iptables -N</c> and <c>-I</c> for the jump
/// rules, then <c>iptables-restore --noflush</c>; or the <c>nft -f -</c> transaction).
/// </summary>
public static class NodeKubeProxy
{
    /// <summary>Syncs <paramref name="node"/>; returns an error text, or null.</summary>
    public static string? Sync(NodeHost node, string mode, IReadOnlyList<KubeObject> objects, string clusterCidr, string serviceCidr)
    {
        var config = KubeProxyRules.ConfigFor(objects, node.Name, node.Ip, clusterCidr, [serviceCidr], false, out var err);
        if (config is null) return err;
        var state = ProxyStateBuilder.Build(config, objects.OfType<Service>(), objects.OfType<EndpointSlice>());
        var nf = node.Netfilter;
        switch (mode)
        {
            case "nftables":
            {
                var tx = new NftablesProxier(config).SyncRules(state).Transaction;
                var r = nf.Nft(["-f", "-"], tx);
                return r.ExitCode == 0 ? null : "nft: " + r.Stderr;
            }
            case "iptables":
            {
                var r = new IptablesProxier(config).SyncRules(state);
                foreach (var j in r.JumpRules)
                {
                    nf.IptablesCommand("-t", j.Table, "-N", j.DestinationChain);
                    var ins = nf.IptablesCommand([.. CommandLine.Split(j.InsertCommand)]);
                    if (ins.ExitCode != 0) return "iptables " + j.InsertCommand + ": " + ins.Stderr;
                }
                var rr = nf.IptablesRestore(r.RestoreText, noflush: true);
                return rr.ExitCode == 0 ? null : "iptables-restore: " + rr.Stderr;
            }
            default:
                return $"kube-proxy mode \"{mode}\" is not realized in node kernels yet (see docs/parts/runtime.md)";
        }
    }
}

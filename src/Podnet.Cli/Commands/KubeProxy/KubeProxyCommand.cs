using System.CommandLine;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.KubeProxy;

namespace Podnet.Cli.Commands.KubeProxy;

/// <summary>
/// <c>podnet kube-proxy rules --mode iptables|nftables|ipvs --node NODE [-f MANIFESTS]</c>: prints
/// the full sync kube-proxy (the Kubernetes node agent) would write on that node, for the current
/// cluster's objects or for manifests.
/// </summary>
public static class KubeProxyCommand
{
    /// <summary>
    /// Builds the <c>kube-proxy</c> command. <paramref name="clusterObjects"/> supplies the current
    /// cluster's objects (Nodes, Services, EndpointSlices) when no <c>-f</c> is given; null when no
    /// cluster store is wired in.
    /// </summary>
    public static Command Create(Func<IReadOnlyList<KubeObject>>? clusterObjects = null)
    {
        var mode = new Option<string>("--mode") { Description = "proxy mode: iptables, nftables or ipvs", DefaultValueFactory = _ => "iptables" };
        mode.AcceptOnlyFromAmong("iptables", "nftables", "ipvs");
        var node = new Option<string>("--node") { Description = "the node whose kube-proxy to show", Required = true };
        var files = new Option<string[]>("--filename", "-f") { Description = "manifests (file, folder or -) instead of the current cluster" };
        var recursive = new Option<bool>("--recursive", "-R") { Description = "process the directory used in -f recursively" };
        var nodeIP = new Option<string?>("--node-ip") { Description = "the node's IP when the manifests hold no Node object" };
        var clusterCidr = new Option<string?>("--cluster-cidr") { Description = "pod CIDR of the cluster (local traffic detector)", DefaultValueFactory = _ => "10.244.0.0/16" };
        var serviceCidr = new Option<string[]>("--service-cidr") { Description = "service CIDR(s) (nftables drops unallocated ClusterIPs)", DefaultValueFactory = _ => ["10.96.0.0/16"] };
        var masqueradeAll = new Option<bool>("--masquerade-all") { Description = "SNAT all traffic sent via Service cluster IPs" };

        var rules = new Command("rules", "Print the rules kube-proxy would write on a node (a full sync)");
        foreach (var o in new Option[] { mode, node, files, recursive, nodeIP, clusterCidr, serviceCidr, masqueradeAll }) rules.Options.Add(o);
        rules.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var objects = new List<KubeObject>();
            var paths = parse.GetValue(files) ?? [];
            if (paths.Length > 0)
            {
                bool failed = false;
                foreach (var path in paths)
                {
                    var set = ManifestReader.ReadPath(path, parse.GetValue(recursive));
                    foreach (var e in set.Errors)
                    {
                        error.WriteLine(e.KubectlLine);
                        failed = true;
                    }
                    objects.AddRange(set.Objects);
                }
                if (failed) return 1;
            }
            else if (clusterObjects is not null)
            {
                objects.AddRange(clusterObjects());
            }
            else
            {
                error.WriteLine("error: no cluster is available here; give manifests with -f");
                return 1;
            }

            KubeProxyRules.TryParseMode(parse.GetValue(mode), out var proxyMode);
            var config = KubeProxyRules.ConfigFor(objects, parse.GetValue(node)!, parse.GetValue(nodeIP), parse.GetValue(clusterCidr),
                parse.GetValue(serviceCidr), parse.GetValue(masqueradeAll), out var message);
            if (config is null)
            {
                error.WriteLine(message);
                return 1;
            }
            output.Write(KubeProxyRules.Render(proxyMode, config, objects));
            return 0;
        });

        var command = new Command("kube-proxy", "What kube-proxy programs on the nodes");
        command.Subcommands.Add(rules);
        return command;
    }
}

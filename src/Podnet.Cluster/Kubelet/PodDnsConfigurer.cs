using System.Text;
using Podnet.Cluster.Api.Core;

namespace Podnet.Cluster.Kubelet;

/// <summary>The nameservers, searches and options the kubelet puts in a pod's resolv.conf.</summary>
public sealed record PodDnsSettings(IReadOnlyList<string> Nameservers, IReadOnlyList<string> Searches, IReadOnlyList<string> Options)
{
    /// <summary>The file as the kubelet writes it (<c>search</c>, <c>nameserver</c> lines, <c>options</c>).</summary>
    public string ToResolvConf()
    {
        var sb = new StringBuilder();
        if (Searches.Count > 0) sb.Append("search ").Append(string.Join(' ', Searches)).Append('\n');
        foreach (var n in Nameservers) sb.Append("nameserver ").Append(n).Append('\n');
        if (Options.Count > 0) sb.Append("options ").Append(string.Join(' ', Options)).Append('\n');
        return sb.ToString();
    }
}

/// <summary>
/// The kubelet's DNS configurer (pkg/kubelet/network/dns): resolv.conf from dnsPolicy
/// (ClusterFirst, ClusterFirstWithHostNet, Default, None) and dnsConfig, merged with the node's
/// resolv.conf the way <c>GetPodDNS</c> does (cluster nameserver and search first, node searches
/// after, dnsConfig appended, options merged by name with later ones winning, limits applied).
/// </summary>
public sealed class PodDnsConfigurer(IReadOnlyList<string> clusterDns, string clusterDomain, string nodeResolvConf)
{
    /// <summary>MaxDNSSearchPaths (ExpandedDNSConfig, GA): 32.</summary>
    public const int MaxSearchPaths = 32;

    /// <summary>The node's nameservers, searches and options parsed from its resolv.conf.</summary>
    public (List<string> Ns, List<string> Search, List<string> Options) NodeConf()
    {
        var ns = new List<string>();
        var search = new List<string>();
        var opts = new List<string>();
        foreach (var raw in nodeResolvConf.Split('\n'))
        {
            var line = raw.Split('#')[0].Trim();
            var f = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 0) continue;
            switch (f[0])
            {
                case "nameserver" when f.Length > 1: ns.Add(f[1]); break;
                case "search": search = f.Skip(1).ToList(); break;
                case "domain" when f.Length > 1: search = [f[1]]; break;
                case "options": opts.AddRange(f.Skip(1)); break;
            }
        }
        return (ns, search, opts);
    }

    /// <summary>The pod's DNS settings.</summary>
    public PodDnsSettings For(Pod pod)
    {
        var policy = pod.Spec.DnsPolicy ?? "ClusterFirst";
        var hostNet = pod.Spec.HostNetwork == true;
        var (nodeNs, nodeSearch, nodeOpts) = NodeConf();
        List<string> ns, search, opts;
        bool useCluster = policy == "ClusterFirstWithHostNet" || (policy == "ClusterFirst" && !hostNet);
        if (policy == "None")
        {
            ns = [];
            search = [];
            opts = [];
        }
        else if (useCluster && clusterDns.Count > 0)
        {
            ns = [.. clusterDns];
            search = [$"{pod.Namespace}.svc.{clusterDomain}", $"svc.{clusterDomain}", clusterDomain, .. nodeSearch];
            opts = ["ndots:5"];
        }
        else if (nodeResolvConf.Length == 0)
        {
            // kubelet --resolv-conf="": the pod gets the loopback resolver and the root search (defaultDNSConfig)
            ns = ["127.0.0.1"];
            search = ["."];
            opts = [];
        }
        else
        {
            ns = nodeNs;
            search = nodeSearch;
            opts = nodeOpts;
        }
        if (pod.Spec.DnsConfig is { } dc)
        {
            foreach (var n in dc.Nameservers) if (!ns.Contains(n)) ns.Add(n);
            foreach (var s in dc.Searches) if (!search.Contains(s)) search.Add(s);
            opts = MergeOptions(opts, dc.Options.Select(o => o.Value is null ? o.Name : o.Name + ":" + o.Value));
        }
        if (ns.Count > 3) ns = ns.Take(3).ToList();
        search = search.Distinct().Take(MaxSearchPaths).ToList();
        return new PodDnsSettings(ns, search, opts);
    }

    private static List<string> MergeOptions(List<string> existing, IEnumerable<string> added)
    {
        var result = new List<string>();
        var index = new Dictionary<string, int>();
        foreach (var o in existing.Concat(added))
        {
            var name = o.Split(':')[0];
            if (index.TryGetValue(name, out var i)) result[i] = o;
            else
            {
                index[name] = result.Count;
                result.Add(o);
            }
        }
        return result;
    }
}

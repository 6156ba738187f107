using System.Net;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Discovery;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Dns.CoreDns;

/// <summary>What a CoreDNS pod starts from in a cluster: the informers' view of the objects, the Corefile from the
/// <c>kube-system/coredns</c> ConfigMap (kubeadm's default when the cluster has none) and its own pod IPs (pods in
/// kube-system labelled <c>k8s-app=kube-dns</c>, used for the apex NS records).</summary>
public sealed record ClusterDnsSnapshot(DnsClusterView View, string Corefile, IReadOnlyList<IPAddress> OwnAddresses, bool CorefileFromConfigMap)
{
    /// <summary>Builds the snapshot from a cluster's objects (other kinds are ignored).</summary>
    public static ClusterDnsSnapshot From(IEnumerable<KubeObject> objects, string clusterDomain = "cluster.local")
    {
        var list = objects.ToList();
        var pods = list.OfType<Pod>().ToList();
        var view = DnsClusterViewBuilder.Build(list.OfType<Namespace>(), list.OfType<Service>(), list.OfType<EndpointSlice>(), pods);
        var cm = list.OfType<ConfigMap>().FirstOrDefault(c => c.Namespace == "kube-system" && c.Name == "coredns" && c.Data.ContainsKey("Corefile"));
        var own = pods.Where(p => p.Namespace == "kube-system" && p.Metadata.Labels.TryGetValue("k8s-app", out var app) && app == "kube-dns")
            .Select(p => p.Status?.PodIP is { } ip && IPAddress.TryParse(ip, out var a) ? a : null).OfType<IPAddress>().ToList();
        return new ClusterDnsSnapshot(view, cm is null ? Dns.CoreDns.Corefile.KubeadmDefault(clusterDomain) : CoreDnsServer.CorefileFrom(cm), own, cm is not null);
    }
}

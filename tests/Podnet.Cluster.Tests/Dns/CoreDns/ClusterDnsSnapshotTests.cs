using System.Net;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Dns.CoreDns;
using Podnet.Cluster.Dns.Wire;
using Xunit;

namespace Podnet.Cluster.Tests.Dns.CoreDns;

public class ClusterDnsSnapshotTests
{
    [Fact]
    public void Corefile_comes_from_the_coredns_configmap_and_own_ips_from_the_coredns_pods()
    {
        var objects = new List<KubeObject>
        {
            new Namespace { Metadata = new ObjectMeta { Name = "kube-system" } },
            new ConfigMap
            {
                Metadata = new ObjectMeta { Namespace = "kube-system", Name = "coredns" },
                Data = new Dictionary<string, string> { ["Corefile"] = ".:53 {\n    kubernetes cluster.local {\n        ttl 12\n    }\n}\n" },
            },
            new Pod
            {
                Metadata = new ObjectMeta { Namespace = "kube-system", Name = "coredns-5d78c9869d-abcde", Labels = new Dictionary<string, string> { ["k8s-app"] = "kube-dns" } },
                Status = new PodStatus { PodIP = "10.244.0.2" },
            },
            new Pod { Metadata = new ObjectMeta { Namespace = "kube-system", Name = "other" }, Status = new PodStatus { PodIP = "10.244.0.9" } },
        };
        var snap = ClusterDnsSnapshot.From(objects);
        Assert.True(snap.CorefileFromConfigMap);
        Assert.Equal([IPAddress.Parse("10.244.0.2")], snap.OwnAddresses);
        var s = new CoreDnsServer(snap.Corefile, () => snap.View, new ManualClock(), null, snap.OwnAddresses);
        var ns = s.Answer(DnsMessage.Query(1, "cluster.local", DnsRecordType.NS));
        Assert.Equal("cluster.local.\t12\tIN\tNS\tns.dns.cluster.local.", ns.Answers.Single().ToString());
        Assert.Equal("ns.dns.cluster.local.\t12\tIN\tA\t10.244.0.2", ns.Additional.Single(a => a.Type == DnsRecordType.A).ToString());
        var fallback = ClusterDnsSnapshot.From(objects.Where(o => o is not ConfigMap));
        Assert.False(fallback.CorefileFromConfigMap);
        Assert.Equal(Corefile.KubeadmDefault(), fallback.Corefile);
    }
}

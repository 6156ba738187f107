using Podnet.Cluster.Api.Apps;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Discovery;
using Podnet.Cluster.Controllers;
using Xunit;

namespace Podnet.Cluster.Tests.Controllers;

public sealed class ClusterBootstrapTests
{
    [Fact]
    public void NewCluster_HasKindNodesWithAddressesCidrsAndTaint()
    {
        var set = TestObjects.NewCluster(new ClusterConfig { Name = "tour", Workers = 2 });
        var nodes = set.OfKind<Node>("Node");
        Assert.Equal(["tour-control-plane", "tour-worker", "tour-worker2"], nodes.Select(n => n.Name));
        Assert.Equal(["172.18.0.2", "172.18.0.3", "172.18.0.4"], nodes.Select(n => ClusterBootstrap.NodeInternalIp(n)));
        Assert.Equal(["10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24"], nodes.Select(n => n.Spec.PodCIDR));
        var cp = nodes[0];
        Assert.Contains(cp.Spec.Taints, t => t.Key == "node-role.kubernetes.io/control-plane" && t.Effect == "NoSchedule");
        Assert.True(cp.Metadata.Labels.ContainsKey("node-role.kubernetes.io/control-plane"));
        Assert.Empty(nodes[1].Spec.Taints);
        Assert.All(nodes, n => Assert.Equal("v1.34.0", n.Status!.NodeInfo!.KubeletVersion));
        Assert.All(nodes, n => Assert.Equal("True", n.Status!.Conditions.Single(c => c.Type == "Ready").Status));
    }

    [Fact]
    public void NewCluster_HasSystemNamespacesServicesAndAddons()
    {
        var set = TestObjects.NewCluster();
        var namespaces = set.OfKind<Namespace>("Namespace");
        Assert.Equal(["default", "kube-node-lease", "kube-public", "kube-system"], namespaces.Select(n => n.Name));
        Assert.All(namespaces, n => Assert.Equal(n.Name, n.Metadata.Labels["kubernetes.io/metadata.name"]));
        var kubernetes = set.Get<Service>("Service", "default", "kubernetes")!;
        Assert.Equal("10.96.0.1", kubernetes.Spec.ClusterIP);
        Assert.Equal(443, kubernetes.Spec.Ports.Single().Port);
        var slice = set.Get<EndpointSlice>("EndpointSlice", "default", "kubernetes")!;
        Assert.Equal("172.18.0.2", slice.Endpoints.Single().Addresses.Single());
        Assert.Equal(6443, slice.Ports.Single().Port);
        var dns = set.Get<Service>("Service", "kube-system", "kube-dns")!;
        Assert.Equal("10.96.0.10", dns.Spec.ClusterIP);
        Assert.Equal(["dns 53/UDP", "dns-tcp 53/TCP", "metrics 9153/TCP"], dns.Spec.Ports.Select(p => $"{p.Name} {p.Port}/{p.Protocol}"));
        var coredns = set.Get<Deployment>("Deployment", "kube-system", "coredns")!;
        Assert.Equal(2, coredns.Spec.Replicas);
        Assert.Equal(ClusterBootstrap.CoreDnsImage, coredns.Spec.Template.Spec.Containers.Single().Image);
        Assert.Contains("kubernetes cluster.local in-addr.arpa ip6.arpa", set.Get<ConfigMap>("ConfigMap", "kube-system", "coredns")!.Data["Corefile"]);
        Assert.NotNull(set.Get<DaemonSet>("DaemonSet", "kube-system", "kube-proxy"));
    }

    [Fact]
    public void Converge_NewCluster_RunsCoreDnsAndOneKubeProxyPerNode()
    {
        var set = TestObjects.NewCluster();
        ControlPlane.Converge(set, new ClusterConfig(), TestObjects.Now);
        var pods = set.OfKind<Pod>("Pod");
        var proxies = pods.Where(p => p.Name.StartsWith("kube-proxy-", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, proxies.Count);
        Assert.Equal(3, proxies.Select(p => p.Spec.NodeName).Distinct().Count());
        Assert.All(proxies, p => Assert.Equal(ClusterBootstrap.NodeInternalIp(set.Get<Node>("Node", "", p.Spec.NodeName!)!), p.Status!.PodIP));
        var coredns = pods.Where(p => p.Metadata.Labels.GetValueOrDefault("k8s-app") == "kube-dns").ToList();
        Assert.Equal(2, coredns.Count);
        Assert.All(coredns, p => Assert.Equal("Running", p.Status!.Phase));
        var ep = set.Get<Endpoints>("Endpoints", "kube-system", "kube-dns")!;
        Assert.Equal(coredns.Select(p => p.Status!.PodIP!).Order(), ep.Subsets.SelectMany(s => s.Addresses).Select(a => a.Ip).Distinct().Order());
    }

    [Theory]
    [InlineData("iptables", "host-gw")]
    [InlineData("nftables", "vxlan")]
    [InlineData("ipvs", "host-gw")]
    public void ReadConfig_RoundTripsTheSettingsStoredInTheCluster(string proxyMode, string overlay)
    {
        var config = new ClusterConfig { Name = "c1", Workers = 3, ProxyMode = proxyMode, Overlay = overlay, PodCidr = "10.32.0.0/16", ServiceCidr = "10.100.0.0/16" };
        var read = ClusterBootstrap.ReadConfig(TestObjects.NewCluster(config));
        Assert.Equal(config, read);
    }

    [Theory]
    [InlineData(-1, "iptables", "host-gw", "10.244.0.0/16", "--workers")]
    [InlineData(2, "userspace", "host-gw", "10.244.0.0/16", "--proxy-mode")]
    [InlineData(2, "iptables", "geneve", "10.244.0.0/16", "--overlay")]
    [InlineData(2, "iptables", "host-gw", "10.244.0.0/33", "--pod-cidr")]
    [InlineData(300, "iptables", "host-gw", "10.244.0.0/16", "--pod-cidr")]
    public void Validate_RejectsBadSettingsNamingTheFlag(int workers, string mode, string overlay, string podCidr, string flag)
    {
        var error = new ClusterConfig { Workers = workers, ProxyMode = mode, Overlay = overlay, PodCidr = podCidr }.Validate();
        Assert.NotNull(error);
        Assert.Contains(flag, error);
    }
}

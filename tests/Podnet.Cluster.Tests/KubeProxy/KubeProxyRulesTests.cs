using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.KubeProxy;
using Xunit;

namespace Podnet.Cluster.Tests.KubeProxy;

/// <summary><c>podnet kube-proxy rules</c>: manifests in, the node's full sync out.</summary>
public sealed class KubeProxyRulesTests
{
    private const string Manifests = """
        apiVersion: v1
        kind: Node
        metadata:
          name: podnet-worker
          labels: {kubernetes.io/hostname: podnet-worker}
        status:
          addresses:
          - {type: InternalIP, address: 172.18.0.3}
          - {type: Hostname, address: podnet-worker}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: default}
        spec:
          type: NodePort
          clusterIP: 10.96.12.34
          ports:
          - {name: http, port: 80, targetPort: 8080, nodePort: 30080, protocol: TCP}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: web-abcde
          namespace: default
          labels: {kubernetes.io/service-name: web}
        addressType: IPv4
        endpoints:
        - addresses: [10.244.1.5]
          conditions: {ready: true}
          nodeName: podnet-worker
        - addresses: [10.244.2.7]
          conditions: {ready: true}
          nodeName: podnet-worker2
        - addresses: [10.244.2.8]
          conditions: {ready: false, serving: true, terminating: true}
          nodeName: podnet-worker2
        ports:
        - {name: http, port: 8080, protocol: TCP}
        """;

    private static (ProxierConfig Config, List<Podnet.Cluster.Api.Meta.KubeObject> Objects) Load()
    {
        var set = ManifestReader.ReadText(Manifests, "test.yaml");
        Assert.Empty(set.Errors);
        var objects = set.Objects.ToList();
        var config = KubeProxyRules.ConfigFor(objects, "podnet-worker", null, "10.244.0.0/16", ["10.96.0.0/16"], false, out var error);
        Assert.Null(error);
        return (config!, objects);
    }

    [Fact]
    public void IptablesRulesForManifests()
    {
        var (config, objects) = Load();
        Assert.Equal("172.18.0.3", config.NodeIP!.ToString());
        var text = KubeProxyRules.Render(ProxyMode.Iptables, config, objects);
        Assert.Contains("# iptables -t nat -I PREROUTING 1 -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n", text);
        var hash = ChainNames.PortProtoHash("default/web:http", "tcp");
        Assert.Contains($"-A KUBE-SERVICES -m comment --comment \"default/web:http cluster IP\" -m tcp -p tcp -d 10.96.12.34 --dport 80 -j KUBE-SVC-{hash}\n", text);
        Assert.Contains($"-A KUBE-NODEPORTS -m comment --comment default/web:http -m tcp -p tcp --dport 30080 -j KUBE-EXT-{hash}\n", text);
        // Two ready endpoints; the terminating one is not used while ready ones exist.
        Assert.Contains("--probability 0.5000000000", text);
        Assert.DoesNotContain("10.244.2.8", text);
        Assert.Contains("-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000\n", text);
    }

    [Fact]
    public void NftablesAndIpvsRulesForManifests()
    {
        var (config, objects) = Load();
        var nft = KubeProxyRules.Render(ProxyMode.Nftables, config, objects);
        Assert.Contains("add element ip kube-proxy service-ips { 10.96.12.34 . tcp . 80 : goto service-", nft);
        Assert.Contains("numgen random mod 2 vmap", nft);
        var ipvs = KubeProxyRules.Render(ProxyMode.Ipvs, config, objects);
        Assert.Contains("# ip addr add 10.96.12.34/32 dev kube-ipvs0\n", ipvs);
        Assert.Contains("TCP  172.18.0.3:30080", ipvs);
        Assert.Contains("-A KUBE-NODE-PORT -p tcp -m comment --comment \"Kubernetes nodeport TCP port for masquerade purpose\" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ\n", ipvs);
    }

    [Fact]
    public void UnknownNodeIsReportedAsKubectlDoes()
    {
        var (_, objects) = Load();
        Assert.Null(KubeProxyRules.ConfigFor(objects, "nope", null, null, null, false, out var error));
        Assert.Equal("Error from server (NotFound): nodes \"nope\" not found", error);
        Assert.NotNull(KubeProxyRules.ConfigFor(objects, "nope", "172.18.0.9", null, null, false, out error));
        Assert.Null(error);
    }
}

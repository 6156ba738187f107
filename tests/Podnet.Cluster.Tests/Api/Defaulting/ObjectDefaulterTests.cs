using Podnet.Cluster.Api.Apps;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Defaulting;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Networking;
using Podnet.Cluster.Api.Serialization;
using Xunit;

namespace Podnet.Cluster.Tests.Api.Defaulting;

public class ObjectDefaulterTests
{
    private static T Load<T>(string yaml) where T : KubeObject =>
        (T)ObjectDefaulter.Default(ManifestReader.ReadText(yaml, "f.yaml").Objects.Single());

    [Fact]
    public void Service_defaults_as_the_api_server()
    {
        var s = Load<Service>("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n");
        Assert.Equal("default", s.Namespace);
        Assert.Equal("ClusterIP", s.Spec.Type);
        Assert.Equal("None", s.Spec.SessionAffinity);
        Assert.Equal("TCP", s.Spec.Ports[0].Protocol);
        Assert.Equal(IntOrString.FromInt(80), s.Spec.Ports[0].TargetPort);
        Assert.Equal("Cluster", s.Spec.InternalTrafficPolicy);
        Assert.Null(s.Spec.ExternalTrafficPolicy);
        Assert.Equal(["IPv4"], s.Spec.IpFamilies);
        Assert.Equal("SingleStack", s.Spec.IpFamilyPolicy);
    }

    [Fact]
    public void NodePort_service_gets_external_traffic_policy_and_client_ip_affinity_timeout()
    {
        var s = Load<Service>("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  sessionAffinity: ClientIP\n  ports:\n  - port: 80\n");
        Assert.Equal("Cluster", s.Spec.ExternalTrafficPolicy);
        Assert.Equal(10800, s.Spec.SessionAffinityConfig!.ClientIP!.TimeoutSeconds);
    }

    [Fact]
    public void Pod_defaults_as_the_api_server()
    {
        var p = Load<Pod>("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n    ports:\n    - containerPort: 80\n");
        Assert.Equal("ClusterFirst", p.Spec.DnsPolicy);
        Assert.Equal("Always", p.Spec.RestartPolicy);
        Assert.Equal(30, p.Spec.TerminationGracePeriodSeconds);
        Assert.True(p.Spec.EnableServiceLinks);
        Assert.Equal("default-scheduler", p.Spec.SchedulerName);
        Assert.Equal("TCP", p.Spec.Containers[0].Ports[0].Protocol);
        Assert.Equal("Always", p.Spec.Containers[0].ImagePullPolicy);
        Assert.Equal(2, p.Spec.Tolerations.Count);
        var yaml = ObjectWriter.ToYaml(p);
        Assert.Contains("  securityContext: {}\n", yaml);
        Assert.Contains("    resources: {}\n", yaml);
    }

    [Fact]
    public void Network_policy_types_follow_the_rules()
    {
        var a = Load<NetworkPolicy>("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: a\nspec:\n  podSelector: {}\n");
        Assert.Equal(["Ingress"], a.Spec.PolicyTypes);
        var b = Load<NetworkPolicy>("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: b\nspec:\n  podSelector: {}\n  egress:\n  - ports:\n    - port: 53\n");
        Assert.Equal(["Ingress", "Egress"], b.Spec.PolicyTypes);
        Assert.Equal("TCP", b.Spec.Egress[0].Ports[0].Protocol);
    }

    [Fact]
    public void Deployment_defaults()
    {
        var d = Load<Deployment>("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector:\n    matchLabels:\n      app: a\n  template:\n    metadata:\n      labels:\n        app: a\n    spec:\n      containers:\n      - name: c\n        image: nginx:1.25\n");
        Assert.Equal(1, d.Spec.Replicas);
        Assert.Equal("RollingUpdate", d.Spec.Strategy!.Type);
        Assert.Equal("25%", d.Spec.Strategy.RollingUpdate!.MaxSurge!.Value.StringValue);
        Assert.Equal("IfNotPresent", d.Spec.Template.Spec.Containers[0].ImagePullPolicy);
    }

    [Fact]
    public void Namespace_gets_metadata_name_label()
    {
        var n = Load<Namespace>("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n");
        Assert.Equal("shop", n.Metadata.Labels["kubernetes.io/metadata.name"]);
        Assert.Equal("", n.Namespace);
    }

    [Fact]
    public void Defaulting_is_idempotent_on_the_conformance_inputs()
    {
        var set = ManifestReader.ReadPath(Path.Combine(TestData.ApiTestsDir(), "Conformance", "netpol"), recursive: true);
        foreach (var o in set.Objects)
        {
            var once = ObjectDefaulter.Default(o);
            var twice = ObjectDefaulter.Default(once);
            Assert.True(KubeObjectCodec.SemanticEquals(once, twice), o.Kind + "/" + o.Name);
        }
    }
}

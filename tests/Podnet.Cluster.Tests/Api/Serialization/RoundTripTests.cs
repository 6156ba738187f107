using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Networking;
using Podnet.Cluster.Api.Serialization;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Podnet.Cluster.Tests.Api.Serialization;

public class RoundTripTests
{
    private const string PodYaml = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          namespace: shop
          labels:
            app: web
            version: 1.0
          annotations:
            note: "80"
        spec:
          volumes:
          - name: data
            emptyDir: {}
          containers:
          - name: web
            image: nginx:1.25
            resources:
              limits:
                cpu: 500m
            ports:
            - containerPort: 80
              name: http
            readinessProbe:
              httpGet:
                path: /healthz
                port: http
          securityContext:
            runAsNonRoot: true
        """;

    [Fact]
    public void Pod_typed_fields_are_parsed()
    {
        var set = ManifestReader.ReadText(PodYaml, "pod.yaml");
        Assert.Empty(set.Errors);
        var pod = Assert.IsType<Pod>(Assert.Single(set.Objects));
        Assert.Equal("web", pod.Name);
        Assert.Equal("shop", pod.Namespace);
        Assert.Equal("1.0", pod.Metadata.Labels["version"]);
        Assert.Equal("80", pod.Metadata.Annotations["note"]);
        var c = Assert.Single(pod.Spec.Containers);
        Assert.Equal(80, c.Ports[0].ContainerPortNumber);
        Assert.Equal("http", c.Ports[0].Name);
        Assert.False(c.ReadinessProbe!.HttpGet!.Port.IsInt);
        Assert.Equal("http", c.ReadinessProbe.HttpGet.Port.StringValue);
    }

    [Fact]
    public void Unmodelled_fields_survive_a_round_trip_at_every_level()
    {
        var pod = (Pod)ManifestReader.ReadText(PodYaml, "pod.yaml").Objects.Single();
        var yaml = ObjectWriter.ToYaml(pod);
        Assert.Contains("emptyDir: {}", yaml);
        Assert.Contains("cpu: 500m", yaml);
        Assert.Contains("runAsNonRoot: true", yaml);

        // And after a typed change with `with`, the unknown fields are still there.
        var changed = pod with { Spec = pod.Spec with { NodeName = "node-1" } };
        var again = (Pod)ManifestReader.ReadText(ObjectWriter.ToYaml(changed), "x.yaml").Objects.Single();
        Assert.Equal("node-1", again.Spec.NodeName);
        Assert.True(KubeObjectCodec.SemanticEquals(changed, again));
        Assert.Contains("cpu: 500m", ObjectWriter.ToYaml(again));
    }

    [Fact]
    public void Removing_a_modelled_field_removes_it_from_the_output()
    {
        var pod = (Pod)ManifestReader.ReadText(PodYaml, "pod.yaml").Objects.Single();
        var c = pod.Spec.Containers[0] with { ReadinessProbe = null };
        var changed = pod with { Spec = pod.Spec with { Containers = [c] } };
        Assert.DoesNotContain("readinessProbe", ObjectWriter.ToYaml(changed));
    }

    [Fact]
    public void Json_and_yaml_inputs_give_the_same_object()
    {
        var fromYaml = ManifestReader.ReadText(PodYaml, "pod.yaml").Objects.Single();
        var json = ObjectWriter.ToJson(fromYaml);
        var fromJson = ManifestReader.ReadText(json, "pod.json").Objects.Single();
        Assert.True(KubeObjectCodec.SemanticEquals(fromYaml, fromJson));
    }

    [Fact]
    public void Property_int_or_string_and_selectors_round_trip_through_yaml()
    {
        FsCheck.Fluent.Prop.ForAll(
            FsCheck.Fluent.ArbMap.Default.ArbFor<FsCheck.NonEmptyString>(),
            FsCheck.Fluent.ArbMap.Default.ArbFor<int>(),
            (s, n) =>
            {
                var text = s.Get;
                var np = new NetworkPolicy
                {
                    Metadata = new ObjectMeta { Name = "p", Namespace = "d", Annotations = new Dictionary<string, string> { ["k"] = text } },
                    Spec = new NetworkPolicySpec
                    {
                        PodSelector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "x" } },
                        Ingress = [new NetworkPolicyIngressRule { Ports = [new NetworkPolicyPort { Port = n }, new NetworkPolicyPort { Port = text }] }],
                    },
                };
                var back = ManifestReader.ReadText(ObjectWriter.ToYaml(np), "p.yaml");
                return back.Errors.Count == 0 && KubeObjectCodec.SemanticEquals(np, back.Objects.Single());
            }).QuickCheckThrowOnFailure();
    }
}

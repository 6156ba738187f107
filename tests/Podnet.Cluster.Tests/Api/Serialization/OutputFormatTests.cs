using Podnet.Cluster.Api.Serialization;
using Xunit;

namespace Podnet.Cluster.Tests.Api.Serialization;

public class OutputFormatTests
{
    private static Podnet.Cluster.Api.Meta.KubeObject Load(string name)
    {
        var set = ManifestReader.ReadPath(TestData.Golden(name), recursive: false);
        Assert.Empty(set.Errors);
        return set.Objects.Single();
    }

    [Fact]
    public void Yaml_output_matches_kubectl_shape()
    {
        TestData.AssertGolden("service-output.yaml", ObjectWriter.ToYaml(Load("service-input.yaml")));
    }

    [Fact]
    public void Json_output_matches_kubectl_shape()
    {
        TestData.AssertGolden("service-output.json", ObjectWriter.ToJson(Load("service-input.yaml")));
    }

    [Fact]
    public void List_output_wraps_items_like_kubectl_get()
    {
        var svc = Load("service-input.yaml");
        TestData.AssertGolden("list-output.yaml", ObjectWriter.ToYamlList([svc, svc]));
    }

    [Fact]
    public void Streamed_lists_are_the_text_of_the_rendered_tree()
    {
        // every kind a converged cluster holds (nested lists, multi-line strings such as the Corefile, Events)
        var objects = Podnet.Cluster.Tests.Runtime.RuntimeFixture.Converged("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec: {selector: {app: web}, ports: [{port: 80}]}
            """).All.ToList();
        var svc = Load("service-input.yaml");
        foreach (var list in new List<Podnet.Cluster.Api.Meta.KubeObject>[] { [], [svc], [svc, svc], objects })
        {
            var yaml = new StringWriter();
            ObjectWriter.WriteYamlList(list, yaml);
            Assert.Equal(ObjectWriter.ToYamlList(list), yaml.ToString());
            var json = new StringWriter();
            ObjectWriter.WriteJsonList(list, json);
            Assert.Equal(ObjectWriter.ToJsonList(list), json.ToString());
        }
    }

    [Fact]
    public void Scalar_styles_are_the_same_when_remembered_and_differ_between_keys_and_values()
    {
        // the style cache is per string and per role: an empty or multi-line key is quoted where the
        // same text as a value is not, on the first rendering and on every later one
        var node = System.Text.Json.Nodes.JsonNode.Parse("""{"": "", "a\nb": "a\nb", "x": "2026-11-21T12:00:00Z", "y": "true", "z": "plain"}""");
        var first = GoYamlWriter.Write(node);
        Assert.Equal("\"\": \"\"\n\"a\\nb\": |-\n  a\n  b\nx: \"2026-11-21T12:00:00Z\"\n\"y\": \"true\"\nz: plain\n", first);
        Assert.Equal(first, GoYamlWriter.Write(node));
    }

    [Theory]
    [InlineData("a2", "a10")]
    [InlineData("app", "app.kubernetes.io/name")]
    [InlineData("a-b", "ab")]
    [InlineData("Z", "a")]
    [InlineData("x1y", "x10")]
    public void Yaml_key_order_is_yaml_v2_natural_order(string first, string second)
    {
        Assert.True(YamlKeyOrder.Less(first, second));
        Assert.False(YamlKeyOrder.Less(second, first));
    }
}

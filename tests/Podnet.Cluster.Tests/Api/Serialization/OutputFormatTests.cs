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

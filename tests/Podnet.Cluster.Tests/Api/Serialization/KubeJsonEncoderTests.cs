using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.Controllers;
using Podnet.Cluster.Tests.Controllers;
using Xunit;

namespace Podnet.Cluster.Tests.Api.Serialization;

/// <summary>
/// The store's encoder (<see cref="KubeJsonEncoder"/>, behind <see cref="KubeObjectCodec.EncodeUtf8"/>) against
/// System.Text.Json with <see cref="KubeJson.Options"/>, which wrote every stored body before it: the bytes
/// must be identical, for every kind, every example manifest, a converged cluster and arbitrary text.
/// </summary>
public class KubeJsonEncoderTests
{
    private static string Examples => Path.GetFullPath(Path.Combine(TestData.ApiTestsDir(), "..", "..", "..", "examples"));

    private static byte[] Reference(KubeObject obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), KubeJson.Options);

    private static void AssertSameBytes(KubeObject obj)
    {
        var expected = Reference(obj);
        var actual = KubeObjectCodec.EncodeUtf8(obj);
        if (!expected.AsSpan().SequenceEqual(actual))
        {
            Assert.Fail($"{obj.Kind} {obj.Namespace}/{obj.Name}:\nSystem.Text.Json: {Encoding.UTF8.GetString(expected)}\nencoder:          {Encoding.UTF8.GetString(actual)}");
        }
    }

    [Fact]
    public void Every_registered_kind_is_written_by_the_encoder_not_the_fallback()
    {
        Assert.All(KindRegistry.Types, t => Assert.True(KubeJsonEncoder.Handles(t.ClrType), t.Kind));
    }

    [Fact]
    public void Every_example_manifest_encodes_to_the_same_bytes()
    {
        var set = ManifestReader.ReadPath(Examples, recursive: true);
        Assert.NotEmpty(set.Objects);
        Assert.All(set.Objects, AssertSameBytes);
    }

    [Fact]
    public void Test_manifests_with_unmodelled_fields_encode_to_the_same_bytes()
    {
        var files = Directory.EnumerateFiles(TestData.ApiTestsDir(), "*.yaml", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(TestData.ApiTestsDir(), "*.json", SearchOption.AllDirectories));
        var count = 0;
        foreach (var file in files)
        {
            ManifestSet set;
            try
            {
                set = ManifestReader.ReadPath(file, recursive: false);
            }
            catch (Exception e) when (e is YamlSyntaxException or JsonException or IOException)
            {
                continue; // inputs of the error tests
            }

            foreach (var obj in set.Objects)
            {
                AssertSameBytes(obj);
                count++;
            }
        }

        Assert.True(count > 20, $"only {count} objects read");
    }

    [Theory]
    [InlineData("basic")]
    [InlineData("ingress")]
    [InlineData("services")]
    [InlineData("tour")]
    public void A_converged_cluster_encodes_to_the_same_bytes(string example)
    {
        var config = new ClusterConfig { Workers = 3 };
        var set = new ObjectSet(ClusterBootstrap.Objects(config, TestObjects.Now));
        foreach (var obj in ManifestReader.ReadPath(Path.Combine(Examples, example), recursive: true).Objects)
        {
            if (obj is Service svc)
            {
                TestObjects.Admit(set, svc with { Metadata = svc.Metadata with { Namespace = svc.Namespace.Length == 0 ? "default" : svc.Namespace } }, config);
            }
            else
            {
                set.Put(obj.Namespace.Length == 0 && KindRegistry.For(obj)?.Namespaced == true
                    ? obj with { Metadata = obj.Metadata with { Namespace = "default" } }
                    : obj);
            }
        }

        ControlPlane.Converge(set, config, TestObjects.Now);
        var all = set.All.ToList();
        Assert.Contains(all, o => o is Pod);
        Assert.Contains(all, o => o is Event);
        Assert.All(all, AssertSameBytes);
    }

    private static readonly Gen<string> Text = Gen.OneOf(
        ArbMap.Default.GeneratorFor<string>().Where(s => s is not null),
        Gen.Elements("", "a<b>&'c'", "line\nbreak\ttab", "quote\"back\\slash", "plus+tick`", "é ü ñ 中文 😀", "\u0001\u001f\u007f\u0080",
            "\ud800lone", "tail\udc00", "</script>", "x".PadRight(300, 'y')));

    [Fact]
    public void Arbitrary_text_in_names_labels_annotations_and_unmodelled_fields_encodes_to_the_same_bytes()
    {
        var gen =
            from name in Text
            from key in Text
            from value in Text
            from extra in Text
            from number in Gen.Choose(int.MinValue, int.MaxValue)
            select (name, key, value, extra, number);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var unmodeled = JsonDocument.Parse(JsonSerializer.Serialize(new Dictionary<string, object> { [t.key] = t.value, ["n"] = t.number, ["nested"] = new[] { t.extra } }))
                .RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
            var pod = new Pod
            {
                Metadata = new ObjectMeta
                {
                    Name = t.name,
                    Namespace = t.extra,
                    Labels = new Dictionary<string, string> { [t.key] = t.value },
                    Annotations = new Dictionary<string, string> { [t.value] = t.key, ["k"] = "" },
                    Generation = t.number,
                    CreationTimestamp = DateTimeOffset.FromUnixTimeSeconds(Math.Abs((long)t.number) * 7),
                    Unmodeled = unmodeled,
                },
                Spec = new PodSpec { NodeName = t.value, Containers = [new Container { Name = t.key, Image = t.extra, Args = [t.name, "", t.value] }] },
                Unmodeled = unmodeled,
            };
            var cm = new ConfigMap { Metadata = new ObjectMeta { Name = t.key }, Data = new Dictionary<string, string> { [t.name] = t.value, [t.extra + "."] = null! } };
            AssertSameBytes(pod);
            AssertSameBytes(cm);
            var ev = new Event { Metadata = new ObjectMeta { Name = t.name }, Message = t.value, Reason = "", Count = t.number };
            AssertSameBytes(ev);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Encoding_is_a_fresh_array_each_time()
    {
        var ns = new Namespace { Metadata = new ObjectMeta { Name = "a" } };
        var first = KubeObjectCodec.EncodeUtf8(ns);
        var second = KubeObjectCodec.EncodeUtf8(ns with { Metadata = ns.Metadata with { Name = "b" } });
        Assert.Equal("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}""", Encoding.UTF8.GetString(first));
        Assert.Equal("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"b"}}""", Encoding.UTF8.GetString(second));
    }
}

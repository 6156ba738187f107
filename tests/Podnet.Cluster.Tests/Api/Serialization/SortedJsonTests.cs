using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.Controllers;
using Xunit;

namespace Podnet.Cluster.Tests.Api.Serialization;

/// <summary>
/// The byte-wise key sort gives exactly what decoding the JSON and writing it back sorted gives (the reference
/// path), or refuses; canonical JSON (the pod-template-hash input) is unchanged by it.
/// </summary>
public sealed class SortedJsonTests
{
    // Keys: ASCII of every kind (case, digits, punctuation sorting around letters), escapes, non-ASCII.
    private static readonly Gen<string> Key = Gen.OneOf(
        Gen.Elements("a", "b", "A", "Z", "_x", "x_", "1", "10", "2", "apiVersion", "annotations", "metadata", "kind", "spec", "-", "a.b", "a/b", "a b", ""),
        Gen.Elements("é", "中文", "😀", "\ufb01", "<", "'", "&", "\"q\"", "back\\", "\u0001"),
        ArbMap.Default.GeneratorFor<string>().Where(s => s is not null));

    private static readonly Gen<JsonNode?> Scalar = Gen.OneOf(
        Gen.Constant<JsonNode?>(null),
        Gen.Elements<JsonNode?>(JsonValue.Create(true), JsonValue.Create(false), JsonValue.Create(0), JsonValue.Create(-12), JsonValue.Create(3.5), JsonValue.Create(1e21)),
        Key.Select(s => (JsonNode?)JsonValue.Create(s)),
        Gen.Choose(int.MinValue, int.MaxValue).Select(i => (JsonNode?)JsonValue.Create(i)));

    private static Gen<List<T>> Lists<T>(Gen<T> item, int min, int max) =>
        Gen.Choose(min, max).SelectMany(n => Gen.ListOf(item, n)).Select(l => l.ToList());

    private static Gen<JsonNode?> Node(int depth)
    {
        if (depth == 0)
        {
            return Scalar;
        }
        var child = Node(depth - 1);
        var obj = Lists(Gen.Zip(Key, child), 0, 6).Select(members =>
        {
            var o = new JsonObject();
            foreach (var m in members)
            {
                o[m.Item1] = m.Item2?.DeepClone();
            }
            return (JsonNode?)o;
        });
        var arr = Lists(child, 0, 4).Select(items => (JsonNode?)new JsonArray(items.Select(i => i?.DeepClone()).ToArray()));
        return Gen.Frequency(new (int, Gen<JsonNode?>)[] { (3, Scalar), (2, obj), (1, arr) });
    }

    private static string Reference(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            ObjectComparer.WriteSorted(writer, doc.RootElement);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Sorting_bytes_gives_what_decoding_and_writing_back_sorted_gives_or_refuses()
    {
        int sorted = 0;
        Prop.ForAll(Node(4).Where(n => n is JsonObject).ToArbitrary(), node =>
        {
            var bytes = Encoding.UTF8.GetBytes(node!.ToJsonString());
            var fast = SortedJson.TrySort(bytes);
            if (fast is not null)
            {
                sorted++;
                Assert.Equal(Reference(bytes), fast);
            }
        }).QuickCheckThrowOnFailure();
        Assert.True(sorted > 0);
    }

    [Theory]
    [InlineData("{\"b\":1,\"a\":{\"d\":[{\"z\":null,\"y\":\"x\"}],\"c\":true}}", "{\"a\":{\"c\":true,\"d\":[{\"y\":\"x\",\"z\":null}]},\"b\":1}")]
    [InlineData("{\"B\":1,\"a\":2,\"_\":3,\"1\":4}", "{\"1\":4,\"B\":1,\"_\":3,\"a\":2}")]
    [InlineData("[3,{\"b\":\"\\u003C\",\"a\":[]},{}]", "[3,{\"a\":[],\"b\":\"\\u003C\"},{}]")]
    public void Known_texts_sort_like_go_maps(string input, string expected) =>
        Assert.Equal(expected, SortedJson.TrySort(Encoding.UTF8.GetBytes(input)));

    [Theory]
    [InlineData("{\"b\\u0041\":1,\"a\":2}")] // an escaped key
    [InlineData("{\"\u00e9\":1,\"a\":2}")] // a non-ASCII key
    [InlineData("{\"a\":1,\"a\":2}")] // a duplicate key
    [InlineData("{\"a\":1")] // not JSON
    [InlineData("")]
    public void Keys_a_byte_sort_cannot_order_exactly_are_refused(string input) =>
        Assert.Null(SortedJson.TrySort(Encoding.UTF8.GetBytes(input)));

    [Theory]
    [InlineData("{\"metadata\":{\"name\":\"x\"}}", "{\"metadata\":{\"annotations\":{},\"name\":\"x\"}}")]
    [InlineData("{\"metadata\":{\"annotations\":null,\"name\":\"x\"}}", "{\"metadata\":{\"annotations\":{},\"name\":\"x\"}}")]
    [InlineData("{\"metadata\":{\"labels\":{\"b\":\"1\",\"a\":\"2\"},\"annotations\":{\"z\":\"1\"}}}", "{\"metadata\":{\"annotations\":{\"z\":\"1\"},\"labels\":{\"a\":\"2\",\"b\":\"1\"}}}")]
    [InlineData("{\"metadata\":{\"a\":1}}", "{\"metadata\":{\"a\":1,\"annotations\":{}}}")]
    [InlineData("{\"spec\":{\"metadata\":{}},\"metadata\":{}}", "{\"metadata\":{\"annotations\":{}},\"spec\":{\"metadata\":{}}}")]
    public void Last_applied_mode_gives_metadata_an_empty_annotations_map(string input, string expected) =>
        Assert.Equal(expected, SortedJson.TrySort(Encoding.UTF8.GetBytes(input), emptyAnnotations: true));

    [Fact]
    public void Canonical_json_of_pod_templates_is_the_decoded_and_sorted_text()
    {
        var gen =
            from app in Key
            from image in Key
            from port in Gen.Choose(1, 65535)
            select (app, image, port);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var template = new PodTemplateSpec
            {
                Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["tier"] = "web", ["app"] = t.app } },
                Spec = new PodSpec
                {
                    Containers = [new Container { Name = "web", Image = t.image, Ports = [new ContainerPort { ContainerPortNumber = t.port, Name = "http" }] }],
                },
            };
            var bytes = JsonSerializer.SerializeToUtf8Bytes(template, ObjectComparer.Options);
            Assert.Equal(ObjectComparer.CanonicalByDocument(bytes), ObjectComparer.Canonical(template));
        }).QuickCheckThrowOnFailure();
    }
}

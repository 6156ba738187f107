using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Controllers;
using Xunit;

namespace Podnet.Cluster.Tests.Controllers;

/// <summary>
/// The canonical JSON that pod-template-hash and value comparison rest on: keys sorted at every level,
/// escaping as System.Text.Json writes it. Checked against the plain definition (serialize to a node
/// tree, rebuild every object with sorted keys, write it) on generated documents.
/// </summary>
public sealed class ObjectComparerTests
{
    private static string Reference(JsonNode? node) => Sorted(JsonSerializer.SerializeToNode(node, ObjectComparer.Options))?.ToJsonString() ?? "null";

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, Sorted(kv.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };

    private static readonly Gen<string> Text =
        Gen.Elements("a", "B", "z9", "é", "ü", "<", ">", "&", "'", "\"", "\\", "+", "/", "\n", "\t", "日本", "😀", " ", "-", "_", "$", "\u0001", "\u2028")
            .ArrayOf().Select(parts => string.Concat(parts));

    private static Gen<JsonNode?> Node(int depth) =>
        depth <= 0
            ? Gen.OneOf(
                Text.Select(s => (JsonNode?)JsonValue.Create(s)),
                Gen.Choose(-100000, 100000).Select(n => (JsonNode?)JsonValue.Create(n)),
                Gen.Elements(true, false).Select(b => (JsonNode?)JsonValue.Create(b)),
                Gen.Constant<JsonNode?>(null))
            : Gen.OneOf(
                Node(0),
                Gen.ListOf(Gen.Zip(Text, Node(depth - 1))).Select(kvs =>
                {
                    var o = new JsonObject();
                    foreach (var (k, v) in kvs)
                    {
                        o[k] = v;
                    }
                    return (JsonNode?)o;
                }),
                Node(depth - 1).ListOf().Select(items => (JsonNode?)new JsonArray(items.ToArray())));

    [Fact]
    public void Canonical_sorts_keys_at_every_level_and_escapes_as_the_serializer_does() =>
        Prop.ForAll(Node(3).Where(n => n is JsonObject).ToArbitrary(), node =>
            ObjectComparer.Canonical(node) == Reference(node))
        .Check(Config.QuickThrowOnFailure.WithMaxTest(300));

    [Fact]
    public void Canonical_of_a_typed_object_matches_the_definition()
    {
        var pod = new Pod
        {
            Metadata = new ObjectMeta { Name = "web", Labels = new Dictionary<string, string> { ["z"] = "1", ["a"] = "<&>" } },
            Spec = new PodSpec { Containers = [new Container { Name = "c", Image = "nginx:1.25", Args = ["--x=\"é\""] }] },
        };
        var reference = Sorted(JsonSerializer.SerializeToNode(pod, pod.GetType(), ObjectComparer.Options))!.ToJsonString();
        Assert.Equal(reference, ObjectComparer.Canonical(pod));
        Assert.Contains("\"labels\":{\"a\":\"\\u003C\\u0026\\u003E\",\"z\":\"1\"}", ObjectComparer.Canonical(pod));
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Controllers;

/// <summary>
/// Value comparison of API objects by their canonical JSON (records hold lists and maps, whose
/// default equality is by reference), and the canonical JSON itself, used for hashes: camelCase,
/// nulls left out, object keys sorted (as Go's encoding/json writes maps), so that the same object
/// gives the same text whatever order its maps were read in.
/// </summary>
public static class ObjectComparer
{
    /// <summary>Serializer settings: camelCase, nulls left out.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Canonical JSON of any value.</summary>
    public static string Canonical<T>(T value)
    {
        var node = JsonSerializer.SerializeToNode(value, value?.GetType() ?? typeof(T), Options);
        return Sorted(node)?.ToJsonString() ?? "null";
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, Sorted(kv.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };

    /// <summary>
    /// Whether two values serialize to the same JSON (without key sorting: a map read in another
    /// order counts as a change, which only costs a write).
    /// </summary>
    public static bool SameValue<T>(T a, T b) =>
        JsonSerializer.Serialize(a, a?.GetType() ?? typeof(T), Options) == JsonSerializer.Serialize(b, b?.GetType() ?? typeof(T), Options);

    /// <summary>Whether two objects are equal by value (see <see cref="SameValue{T}"/>).</summary>
    public static bool Same(KubeObject a, KubeObject b) => a.GetType() == b.GetType() && SameValue(a, b);
}

using System.Text.Json;
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
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, value?.GetType() ?? typeof(T), Options);
        if (Api.Serialization.SortedJson.TrySort(bytes) is { } sorted)
        {
            return sorted;
        }
        return CanonicalByDocument(bytes);
    }

    /// <summary>The canonical text of System.Text.Json output by decoding it and writing it back sorted (the reference path).</summary>
    internal static string CanonicalByDocument(byte[] bytes)
    {
        using var doc = JsonDocument.Parse(bytes);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(bytes.Length + 16);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteSorted(writer, doc.RootElement);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>An object's properties in ordinal key order (Go's map order).</summary>
    public static List<JsonProperty> SortedProperties(JsonElement obj)
    {
        var properties = new List<JsonProperty>();
        foreach (var p in obj.EnumerateObject())
        {
            properties.Add(p);
        }
        properties.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return properties;
    }

    /// <summary>
    /// Writes <paramref name="element"/> with every object's keys in ordinal order; values are written
    /// as System.Text.Json writes them by default (what a sorted <c>JsonNode</c>'s text would be).
    /// </summary>
    public static void WriteSorted(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var p in SortedProperties(element))
                {
                    writer.WritePropertyName(p.Name);
                    WriteSorted(writer, p.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteSorted(writer, item);
                }
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    /// <summary>
    /// Whether two values serialize to the same JSON (without key sorting: a map read in another
    /// order counts as a change, which only costs a write).
    /// </summary>
    public static bool SameValue<T>(T a, T b) =>
        JsonSerializer.Serialize(a, a?.GetType() ?? typeof(T), Options) == JsonSerializer.Serialize(b, b?.GetType() ?? typeof(T), Options);

    /// <summary>Whether two objects are equal by value (see <see cref="SameValue{T}"/>).</summary>
    public static bool Same(KubeObject a, KubeObject b) => a.GetType() == b.GetType() && SameValue(a, b);
}

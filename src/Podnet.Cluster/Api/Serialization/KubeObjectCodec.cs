using System.Text.Json;
using System.Text.Json.Nodes;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Serialization;

/// <summary>
/// Converts between JSON trees and typed objects (the API server's decode/encode for the registered
/// kinds). Unknown fields travel in each record's <c>Unmodeled</c> bag, so Encode(Decode(x)) keeps them.
/// </summary>
public static class KubeObjectCodec
{
    /// <summary>Decodes a JSON object of a registered kind; throws <see cref="ObjectDecodeException"/> with the API server's message.</summary>
    public static KubeObject Decode(JsonObject node, ResourceType type)
    {
        try
        {
            var obj = (KubeObject?)node.Deserialize(type.ClrType, KubeJson.Options)
                      ?? throw new ObjectDecodeException($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: null object");
            return obj;
        }
        catch (JsonException e)
        {
            throw new ObjectDecodeException(DecodeMessage(node, type, e), e);
        }
        catch (InvalidOperationException e)
        {
            throw new ObjectDecodeException($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: {e.Message}", e);
        }
    }

    /// <summary>Decodes JSON text of a registered kind (used by the store).</summary>
    public static KubeObject Decode(ReadOnlySpan<byte> utf8Json, ResourceType type)
    {
        return (KubeObject)(JsonSerializer.Deserialize(utf8Json, type.ClrType, KubeJson.Options)
                            ?? throw new ObjectDecodeException("null object"));
    }

    /// <summary>Decodes JSON text whose kind is read from the text itself.</summary>
    public static KubeObject Decode(string json)
    {
        var node = JsonNode.Parse(json) as JsonObject ?? throw new ObjectDecodeException("not a JSON object");
        var apiVersion = node["apiVersion"]?.GetValue<string>() ?? "";
        var kind = node["kind"]?.GetValue<string>() ?? "";
        var rt = KindRegistry.FindByKind(apiVersion, kind)
                 ?? throw new ObjectDecodeException($"no matches for kind \"{kind}\" in version \"{apiVersion}\"");
        return Decode(node, rt);
    }

    /// <summary>Typed decode of JSON text.</summary>
    public static T Decode<T>(string json)
        where T : KubeObject =>
        JsonSerializer.Deserialize<T>(json, KubeJson.Options) ?? throw new ObjectDecodeException("null object");

    /// <summary>Encodes an object to a fresh JSON tree (field order as declared; printers sort keys).</summary>
    public static JsonObject Encode(KubeObject obj) =>
        (JsonObject)JsonSerializer.SerializeToNode(obj, obj.GetType(), KubeJson.Options)!;

    /// <summary>
    /// Encodes an object to compact UTF-8 JSON (the store's representation): the bytes System.Text.Json
    /// writes with <see cref="KubeJson.Options"/>, through the faster <see cref="KubeJsonEncoder"/>.
    /// </summary>
    public static byte[] EncodeUtf8(KubeObject obj) => KubeJsonEncoder.EncodeUtf8(obj);

    /// <summary>Encodes an object to compact JSON text.</summary>
    public static string EncodeString(KubeObject obj) =>
        System.Text.Encoding.UTF8.GetString(KubeJsonEncoder.EncodeUtf8(obj));

    /// <summary>True when both objects serialize to the same JSON (field order ignored): the semantic equality apply uses for "unchanged".</summary>
    public static bool SemanticEquals(KubeObject a, KubeObject b) =>
        JsonNode.DeepEquals(Encode(a), Encode(b));

    /// <summary>A deep copy (encode + decode), so that the copy shares no mutable <c>Unmodeled</c> trees.</summary>
    public static T DeepCopy<T>(T obj)
        where T : KubeObject =>
        (T)JsonSerializer.Deserialize(EncodeUtf8(obj), obj.GetType(), KubeJson.Options)!;

    private static string DecodeMessage(JsonObject node, ResourceType type, JsonException e)
    {
        var path = e.Path ?? "$";
        var goPath = GoFieldPath(path);
        var target = Navigate(node, path);
        var got = target switch
        {
            JsonObject => "object",
            JsonArray => "array",
            JsonValue v when v.GetValueKind() == JsonValueKind.String => "string",
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => "bool",
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => "number",
            _ => null,
        };
        var inner = e.Message;
        if (got is not null && goPath.Length > 0)
        {
            inner = $"json: cannot unmarshal {got} into Go struct field {type.Kind}{goPath} of type {GoTypeGuess(e.Message)}";
        }

        return $"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: {inner}";
    }

    private static string GoTypeGuess(string message)
    {
        if (message.Contains("System.Int32", StringComparison.Ordinal)) return "int32";
        if (message.Contains("System.Int64", StringComparison.Ordinal)) return "int64";
        if (message.Contains("System.Boolean", StringComparison.Ordinal)) return "bool";
        if (message.Contains("System.String", StringComparison.Ordinal)) return "string";
        if (message.Contains("IReadOnlyList", StringComparison.Ordinal)) return "[]";
        if (message.Contains("IReadOnlyDictionary", StringComparison.Ordinal)) return "map[string]string";
        if (message.Contains("IntOrString", StringComparison.Ordinal)) return "intstr.IntOrString";
        if (message.Contains("DateTimeOffset", StringComparison.Ordinal)) return "v1.Time";
        var marker = "Podnet.Cluster.Api.";
        var i = message.IndexOf(marker, StringComparison.Ordinal);
        if (i >= 0)
        {
            var rest = message[(i + marker.Length)..];
            var end = rest.IndexOfAny([' ', '.', '\'', ',']);
            var next = rest.IndexOf('.', StringComparison.Ordinal);
            if (next >= 0)
            {
                rest = rest[(next + 1)..];
                end = rest.IndexOfAny([' ', '\'', ',', '.']);
                return "v1." + (end >= 0 ? rest[..end] : rest);
            }
        }

        return "value";
    }

    private static string GoFieldPath(string jsonPath)
    {
        // $.spec.ports[0].port -> .spec.ports.port
        var sb = new System.Text.StringBuilder();
        var i = 1;
        while (i < jsonPath.Length)
        {
            var c = jsonPath[i];
            if (c == '[')
            {
                var close = jsonPath.IndexOf(']', i);
                if (close < 0) break;
                var inner = jsonPath[(i + 1)..close];
                if (inner.StartsWith('\''))
                {
                    sb.Append('.').Append(inner.Trim('\''));
                }

                i = close + 1;
                continue;
            }

            sb.Append(c);
            i++;
        }

        return sb.ToString();
    }

    private static JsonNode? Navigate(JsonNode root, string jsonPath)
    {
        JsonNode? cur = root;
        var i = 1;
        while (i < jsonPath.Length && cur is not null)
        {
            if (jsonPath[i] == '.')
            {
                var j = i + 1;
                while (j < jsonPath.Length && jsonPath[j] != '.' && jsonPath[j] != '[') j++;
                cur = (cur as JsonObject)?[jsonPath[(i + 1)..j]];
                i = j;
            }
            else if (jsonPath[i] == '[')
            {
                var close = jsonPath.IndexOf(']', i);
                if (close < 0) return null;
                var inner = jsonPath[(i + 1)..close];
                if (inner.StartsWith('\''))
                {
                    cur = (cur as JsonObject)?[inner.Trim('\'')];
                }
                else if (int.TryParse(inner, out var idx))
                {
                    cur = cur is JsonArray a && idx < a.Count ? a[idx] : null;
                }

                i = close + 1;
            }
            else
            {
                return null;
            }
        }

        return cur;
    }
}

/// <summary>An object body that does not fit its kind's schema (the API server's "cannot be handled as a" BadRequest).</summary>
public sealed class ObjectDecodeException : Exception
{
    /// <summary>Creates the error.</summary>
    public ObjectDecodeException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

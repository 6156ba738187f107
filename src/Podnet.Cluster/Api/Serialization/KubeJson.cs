using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Podnet.Cluster.Api.Serialization;

/// <summary>
/// The System.Text.Json settings that map the typed records to Kubernetes' JSON field names (camelCase,
/// <c>omitempty</c>-like omission of null, empty strings and empty collections, RFC 3339 timestamps,
/// Go-like leniency for scalars given where a string is expected).
/// </summary>
public static class KubeJson
{
    /// <summary>The shared options (read-only once first used).</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = null,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            PropertyNameCaseInsensitive = false,
            NumberHandling = JsonNumberHandling.Strict,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitEmpty } },
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
            AllowDuplicateProperties = true,
        };
        o.Converters.Add(new KubeTimeJsonConverter());
        o.Converters.Add(new LenientStringJsonConverter());
        o.MakeReadOnly();
        return o;
    }

    private static void OmitEmpty(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var p in info.Properties)
        {
            var t = p.PropertyType;
            if (t == typeof(string))
            {
                p.ShouldSerialize = static (_, v) => !string.IsNullOrEmpty((string?)v);
            }
            else if (t.IsGenericType && (t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) || t.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)))
            {
                p.ShouldSerialize = static (_, v) => v is System.Collections.ICollection { Count: > 0 } ||
                                                     (v is not null and not System.Collections.ICollection && HasAny(v));
            }
        }
    }

    private static bool HasAny(object v) =>
        v is System.Collections.IEnumerable e && e.GetEnumerator().MoveNext();
}

/// <summary>metav1.Time: RFC 3339 with second precision in UTC (<c>2024-05-01T10:00:00Z</c>).</summary>
public sealed class KubeTimeJsonConverter : JsonConverter<DateTimeOffset>
{
    /// <inheritdoc />
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("json: cannot unmarshal non-string into Go value of type metav1.Time");
        }

        var s = reader.GetString()!;
        if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            throw new JsonException($"parsing time \"{s}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse");
        }

        return t;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));

    /// <summary>Formats a time as metav1.Time does.</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>
/// Reads a JSON number or boolean where a string is expected (an unquoted <c>version: 1.0</c> label in
/// YAML) as its text, so that manifests written for kubectl's client-side conversion load.
/// </summary>
public sealed class LenientStringJsonConverter : JsonConverter<string>
{
    /// <inheritdoc />
    public override bool HandleNull => false;

    /// <inheritdoc />
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        return reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            JsonTokenType.Null => null,
            JsonTokenType.StartObject => throw new JsonException("json: cannot unmarshal object into Go value of type string"),
            JsonTokenType.StartArray => throw new JsonException("json: cannot unmarshal array into Go value of type string"),
            _ => throw new JsonException("json: cannot unmarshal value into Go value of type string"),
        };
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

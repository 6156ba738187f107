using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Podnet.Cluster.Api.Meta;

/// <summary>
/// Kubernetes <c>intstr.IntOrString</c>: a port number or a port name (Service targetPort,
/// NetworkPolicy port, Ingress backend...). Serialized as a bare JSON number or string.
/// </summary>
[JsonConverter(typeof(IntOrStringJsonConverter))]
public readonly record struct IntOrString
{
    private IntOrString(bool isInt, int intValue, string? stringValue)
    {
        IsInt = isInt;
        IntValue = intValue;
        StringValue = stringValue ?? "";
    }

    /// <summary>True when this holds a number (<c>intstr.Int</c>).</summary>
    public bool IsInt { get; }

    /// <summary>The number, when <see cref="IsInt"/>.</summary>
    public int IntValue { get; }

    /// <summary>The string, when not <see cref="IsInt"/>.</summary>
    public string StringValue { get; }

    /// <summary>Makes a numeric value.</summary>
    public static IntOrString FromInt(int value) => new(true, value, null);

    /// <summary>Makes a string value.</summary>
    public static IntOrString FromString(string value) => new(false, 0, value);

    /// <summary>Implicit conversion from a number.</summary>
    public static implicit operator IntOrString(int value) => FromInt(value);

    /// <summary>Implicit conversion from a string.</summary>
    public static implicit operator IntOrString(string value) => FromString(value);

    /// <summary>The value as text (what kubectl prints).</summary>
    public override string ToString() => IsInt ? IntValue.ToString(CultureInfo.InvariantCulture) : StringValue;
}

/// <summary>JSON form of <see cref="IntOrString"/>: a number or a string.</summary>
public sealed class IntOrStringJsonConverter : JsonConverter<IntOrString>
{
    /// <inheritdoc />
    public override IntOrString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        return reader.TokenType switch
        {
            JsonTokenType.Number when reader.TryGetInt32(out var i) => IntOrString.FromInt(i),
            JsonTokenType.Number => throw new JsonException("json: cannot unmarshal number into Go value of type intstr.IntOrString"),
            JsonTokenType.String => IntOrString.FromString(reader.GetString()!),
            _ => throw new JsonException($"json: cannot unmarshal {GoJsonType(reader.TokenType)} into Go value of type intstr.IntOrString"),
        };
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, IntOrString value, JsonSerializerOptions options)
    {
        if (value.IsInt)
        {
            writer.WriteNumberValue(value.IntValue);
        }
        else
        {
            writer.WriteStringValue(value.StringValue);
        }
    }

    private static string GoJsonType(JsonTokenType t) => t switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        JsonTokenType.True or JsonTokenType.False => "bool",
        _ => "value",
    };
}

using System.Globalization;
using System.Text;

namespace Podnet.Cluster.Api.Validation;

/// <summary>The kinds of field error (Go: <c>field.ErrorType</c>) with their upstream text.</summary>
public enum FieldErrorType
{
    /// <summary>"Not found".</summary>
    NotFound,
    /// <summary>"Required value".</summary>
    Required,
    /// <summary>"Duplicate value".</summary>
    Duplicate,
    /// <summary>"Invalid value".</summary>
    Invalid,
    /// <summary>"Unsupported value".</summary>
    NotSupported,
    /// <summary>"Forbidden".</summary>
    Forbidden,
    /// <summary>"Too long".</summary>
    TooLong,
    /// <summary>"Too many".</summary>
    TooMany,
    /// <summary>"Internal error".</summary>
    Internal,
}

/// <summary>
/// A Go-syntax literal used as a field error's bad value when upstream prints a struct, slice or map
/// with <c>%#v</c> (e.g. <c>map[string]string{"app":"web"}</c>).
/// </summary>
public sealed record GoLiteral(string Text)
{
    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary><c>%#v</c> of a <c>map[string]string</c> (keys sorted, as fmt prints maps).</summary>
    public static GoLiteral Map(IReadOnlyDictionary<string, string> map)
    {
        if (map.Count == 0)
        {
            return new GoLiteral("map[string]string(nil)");
        }

        var parts = map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => FieldError.GoQuote(kv.Key) + ":" + FieldError.GoQuote(kv.Value));
        return new GoLiteral("map[string]string{" + string.Join(", ", parts) + "}");
    }

    /// <summary><c>%#v</c> of a <c>[]string</c>.</summary>
    public static GoLiteral Strings(IEnumerable<string> values) =>
        new("[]string{" + string.Join(", ", values.Select(FieldError.GoQuote)) + "}");
}

/// <summary>
/// One validation problem (Go: <c>field.Error</c>): type, field path, bad value and detail, rendered
/// exactly as <c>field.Error.Error()</c> — e.g. <c>spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive</c>.
/// </summary>
public sealed record FieldError(FieldErrorType Type, string Field, object? BadValue, string Detail)
{
    /// <summary><c>field.Required</c>.</summary>
    public static FieldError Required(string field, string detail = "") => new(FieldErrorType.Required, field, null, detail);

    /// <summary><c>field.Invalid</c>.</summary>
    public static FieldError Invalid(string field, object? value, string detail) => new(FieldErrorType.Invalid, field, value, detail);

    /// <summary><c>field.Duplicate</c>.</summary>
    public static FieldError Duplicate(string field, object? value) => new(FieldErrorType.Duplicate, field, value, "");

    /// <summary><c>field.Forbidden</c>.</summary>
    public static FieldError Forbidden(string field, string detail) => new(FieldErrorType.Forbidden, field, null, detail);

    /// <summary><c>field.NotSupported</c>: detail lists the supported values, quoted and comma-joined.</summary>
    public static FieldError NotSupported(string field, object? value, IEnumerable<string> supported) =>
        new(FieldErrorType.NotSupported, field, value, "supported values: " + string.Join(", ", supported.Select(GoQuote)));

    /// <summary>The type's upstream text.</summary>
    public static string TypeText(FieldErrorType t) => t switch
    {
        FieldErrorType.NotFound => "Not found",
        FieldErrorType.Required => "Required value",
        FieldErrorType.Duplicate => "Duplicate value",
        FieldErrorType.Invalid => "Invalid value",
        FieldErrorType.NotSupported => "Unsupported value",
        FieldErrorType.Forbidden => "Forbidden",
        FieldErrorType.TooLong => "Too long",
        FieldErrorType.TooMany => "Too many",
        _ => "Internal error",
    };

    /// <summary><c>field.Error.ErrorBody()</c>: everything after the field path.</summary>
    public string Body
    {
        get
        {
            string s;
            switch (Type)
            {
                case FieldErrorType.Required or FieldErrorType.Forbidden or FieldErrorType.TooLong or FieldErrorType.Internal:
                    s = TypeText(Type);
                    break;
                default:
                    s = TypeText(Type) + ": " + FormatValue(BadValue);
                    break;
            }

            if (Detail.Length > 0)
            {
                s += ": " + Detail;
            }

            return s;
        }
    }

    /// <summary><c>field.Error.Error()</c>: <c>path: body</c>.</summary>
    public override string ToString() => Field + ": " + Body;

    private static string FormatValue(object? v) => v switch
    {
        null => "null",
        string s => GoQuote(s),
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString(CultureInfo.InvariantCulture),
        GoLiteral g => g.Text,
        _ => v.ToString() ?? "null",
    };

    /// <summary>Go's <c>%q</c> / <c>strconv.Quote</c>.</summary>
    public static string GoQuote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\v': sb.Append("\\v"); break;
                default:
                    if (c < 0x20 || c == 0x7f)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podnet.Cluster.Api.Serialization;

/// <summary>
/// Writes JSON as kubectl's <c>-o json</c> does (<c>json.MarshalIndent(obj, "", "    ")</c> of an
/// unstructured map): keys sorted by byte order, 4-space indent, Go's escaping (<c>&lt;</c>, <c>&gt;</c>,
/// <c>&amp;</c>, U+2028 and U+2029 as <c>\u</c> escapes), <c>{}</c> and <c>[]</c> for empty containers,
/// and a trailing newline.
/// </summary>
public static class GoJsonWriter
{
    /// <summary>Renders a tree.</summary>
    public static string Write(JsonNode? node)
    {
        var sb = new StringBuilder();
        WriteNode(sb, node, 0);
        sb.Append('\n');
        return sb.ToString();
    }

    /// <summary>
    /// Renders <paramref name="node"/> as <see cref="Write"/> renders a value at nesting depth
    /// <paramref name="depth"/> (its first line not indented, the rest indented for that depth), so a
    /// long list can be written one item at a time.
    /// </summary>
    public static string WriteAtDepth(JsonNode? node, int depth)
    {
        var sb = new StringBuilder();
        WriteNode(sb, node, depth);
        return sb.ToString();
    }

    /// <summary>Renders a tree as Go's <c>json.Marshal</c> of a map does: compact, keys sorted (no trailing newline).</summary>
    public static string WriteCompact(JsonNode? node)
    {
        var sb = new StringBuilder();
        WriteCompactNode(sb, node);
        return sb.ToString();
    }

    private static void WriteCompactNode(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                sb.Append('{');
                var first = true;
                foreach (var key in o.Select(kv => kv.Key).Order(StringComparer.Ordinal))
                {
                    if (!first) sb.Append(',');
                    first = false;
                    WriteString(sb, key);
                    sb.Append(':');
                    WriteCompactNode(sb, o[key]);
                }

                sb.Append('}');
                break;
            case JsonArray a:
                sb.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    WriteCompactNode(sb, a[i]);
                }

                sb.Append(']');
                break;
            case null:
                sb.Append("null");
                break;
            case JsonValue v:
                WriteValue(sb, v);
                break;
        }
    }

    private static void WriteNode(StringBuilder sb, JsonNode? node, int depth)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject o:
                if (o.Count == 0)
                {
                    sb.Append("{}");
                    break;
                }

                sb.Append("{\n");
                var keys = o.Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
                for (var i = 0; i < keys.Count; i++)
                {
                    Indent(sb, depth + 1);
                    WriteString(sb, keys[i]);
                    sb.Append(": ");
                    WriteNode(sb, o[keys[i]], depth + 1);
                    if (i < keys.Count - 1)
                    {
                        sb.Append(',');
                    }

                    sb.Append('\n');
                }

                Indent(sb, depth);
                sb.Append('}');
                break;
            case JsonArray a:
                if (a.Count == 0)
                {
                    sb.Append("[]");
                    break;
                }

                sb.Append("[\n");
                for (var i = 0; i < a.Count; i++)
                {
                    Indent(sb, depth + 1);
                    WriteNode(sb, a[i], depth + 1);
                    if (i < a.Count - 1)
                    {
                        sb.Append(',');
                    }

                    sb.Append('\n');
                }

                Indent(sb, depth);
                sb.Append(']');
                break;
            case JsonValue v:
                WriteValue(sb, v);
                break;
        }
    }

    private static void WriteValue(StringBuilder sb, JsonValue v)
    {
        switch (v.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(sb, v.GetValue<string>());
                break;
            case JsonValueKind.True:
                sb.Append("true");
                break;
            case JsonValueKind.False:
                sb.Append("false");
                break;
            case JsonValueKind.Number:
                sb.Append(FormatNumber(v));
                break;
            default:
                sb.Append("null");
                break;
        }
    }

    /// <summary>A number as Go's encoding/json writes a float64 or int64.</summary>
    internal static string FormatNumber(JsonValue v)
    {
        if (v.TryGetValue<long>(out var l)) return l.ToString(CultureInfo.InvariantCulture);
        if (v.TryGetValue<int>(out var i)) return i.ToString(CultureInfo.InvariantCulture);
        if (v.TryGetValue<JsonElement>(out var e) && e.TryGetInt64(out var el)) return el.ToString(CultureInfo.InvariantCulture);
        var d = v.TryGetValue<double>(out var dd) ? dd : e.GetDouble();
        if (d == Math.Floor(d) && Math.Abs(d) < 1e21)
        {
            return d.ToString("0", CultureInfo.InvariantCulture);
        }

        return d.ToString("R", CultureInfo.InvariantCulture);
    }

    private static void Indent(StringBuilder sb, int depth) => sb.Append(' ', depth * 4);

    /// <summary>Go's encoding/json string escaping (HTML-safe).</summary>
    internal static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '<': sb.Append("\\u003c"); break;
                case '>': sb.Append("\\u003e"); break;
                case '&': sb.Append("\\u0026"); break;
                case '\u2028': sb.Append("\\u2028"); break;
                case '\u2029': sb.Append("\\u2029"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}

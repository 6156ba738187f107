using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Podnet.Cluster.Api.Serialization;

/// <summary>
/// YAML scalar resolution as Go's <c>gopkg.in/yaml.v2</c> does it (what kubectl's <c>sigs.k8s.io/yaml</c>
/// uses): which plain scalars are null, booleans (YAML 1.1: <c>yes</c>, <c>on</c>, ...), integers
/// (base prefixes, underscores) and floats; and, in reverse, which strings must be quoted on output.
/// </summary>
public static partial class YamlScalars
{
    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex YamlStyleFloat();

    [GeneratedRegex(@"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")]
    private static partial Regex Base60Float();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]*)?(Z|[-+][0-9]{1,2}(:[0-9]{2})?)?)?$")]
    private static partial Regex TimestampLike();

    /// <summary>The kinds of value a plain scalar resolves to.</summary>
    public enum Resolved
    {
        /// <summary>A string.</summary>
        String,
        /// <summary>null.</summary>
        Null,
        /// <summary>true/false.</summary>
        Bool,
        /// <summary>An integer.</summary>
        Int,
        /// <summary>A float.</summary>
        Float,
        /// <summary>A timestamp (kept as a string by yaml.v2 when decoding into interface{}).</summary>
        Timestamp,
    }

    /// <summary>Resolves a plain (unquoted, untagged) scalar to a JSON value (null for YAML null).</summary>
    public static JsonNode? ResolvePlain(string s)
    {
        var kind = Resolve(s, out var b, out var l, out var d);
        return kind switch
        {
            Resolved.Null => null,
            Resolved.Bool => JsonValue.Create(b),
            Resolved.Int => JsonValue.Create(l),
            // decimal keeps the written scale ("1.0" stays 1.0), so a float given where a string is
            // expected (an unquoted label value) reads back as the text the user wrote.
            Resolved.Float => decimal.TryParse(s.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var m)
                ? JsonValue.Create(m)
                : JsonValue.Create(d),
            _ => JsonValue.Create(s),
        };
    }

    /// <summary>Resolves a plain scalar the way yaml.v2's <c>resolve("", s)</c> does.</summary>
    public static Resolved Resolve(string s, out bool b, out long l, out double d)
    {
        b = false;
        l = 0;
        d = 0;
        if (s.Length == 0)
        {
            return Resolved.Null;
        }

        switch (s)
        {
            case "~" or "null" or "Null" or "NULL":
                return Resolved.Null;
            case "y" or "Y" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "true" or "True" or "TRUE":
                b = true;
                return Resolved.Bool;
            case "n" or "N" or "no" or "No" or "NO" or "off" or "Off" or "OFF" or "false" or "False" or "FALSE":
                return Resolved.Bool;
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF" or "-.inf" or "-.Inf" or "-.INF" or ".nan" or ".NaN" or ".NAN":
                return Resolved.String; // not representable in JSON; kept as text
        }

        var c = s[0];
        if (c is not ('+' or '-' or '.' or (>= '0' and <= '9')))
        {
            return Resolved.String;
        }

        if (TimestampLike().IsMatch(s))
        {
            return Resolved.Timestamp;
        }

        var plain = s.Replace("_", "", StringComparison.Ordinal);
        if (TryParseGoInt(plain, out l))
        {
            return Resolved.Int;
        }

        // strconv.ParseFloat fails on out-of-range values ("1e400"), and yaml.v2 then keeps the text as a string
        if (YamlStyleFloat().IsMatch(plain) && double.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out d) && double.IsFinite(d))
        {
            if (d == Math.Floor(d) && Math.Abs(d) < 1e15 && !plain.Contains('.') && !plain.Contains('e') && !plain.Contains('E'))
            {
                l = (long)d;
                return Resolved.Int;
            }

            return Resolved.Float;
        }

        return Resolved.String;
    }

    /// <summary>True when yaml.v2 would write <paramref name="s"/> quoted because read back plain it would not be the same string.</summary>
    public static bool NeedsQuotingForType(string s) =>
        Resolve(s, out _, out _, out _) != Resolved.String || Base60Float().IsMatch(s) || s == "<<";

    private static bool TryParseGoInt(string s, out long value)
    {
        value = 0;
        var neg = false;
        var i = 0;
        if (s.Length > 0 && (s[0] == '+' || s[0] == '-'))
        {
            neg = s[0] == '-';
            i = 1;
        }

        if (i >= s.Length)
        {
            return false;
        }

        var body = s[i..];
        int radix = 10;
        if (body.Length > 1 && body[0] == '0')
        {
            switch (body[1])
            {
                case 'x' or 'X': radix = 16; body = body[2..]; break;
                case 'o' or 'O': radix = 8; body = body[2..]; break;
                case 'b' or 'B': radix = 2; body = body[2..]; break;
                default: radix = 8; body = body[1..]; break;
            }

            if (body.Length == 0)
            {
                return false;
            }
        }

        ulong acc = 0;
        foreach (var ch in body)
        {
            int digit = ch switch
            {
                >= '0' and <= '9' => ch - '0',
                >= 'a' and <= 'f' => ch - 'a' + 10,
                >= 'A' and <= 'F' => ch - 'A' + 10,
                _ => 99,
            };
            if (digit >= radix)
            {
                return false;
            }

            if (acc > (ulong.MaxValue - (ulong)digit) / (ulong)radix)
            {
                return false;
            }

            acc = acc * (ulong)radix + (ulong)digit;
            if (acc > (ulong)long.MaxValue + 1)
            {
                return false;
            }
        }

        if (!neg && acc > long.MaxValue)
        {
            return false;
        }

        value = neg ? (long)(0 - acc) : (long)acc;
        return true;
    }
}

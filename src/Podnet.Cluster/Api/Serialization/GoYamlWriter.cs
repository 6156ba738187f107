using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podnet.Cluster.Api.Serialization;

/// <summary>
/// Writes YAML as kubectl's <c>-o yaml</c> does (<c>sigs.k8s.io/yaml</c>: JSON → Go yaml.v2 emitter):
/// keys in yaml.v2 order, 2-space indent, sequences at their parent key's indent (<c>- </c>), strings
/// quoted only when yaml.v2 would (double quotes for strings that would read back as another type,
/// single quotes for strings that plain style cannot carry), multi-line strings as literal blocks
/// (<c>|</c>, <c>|-</c>, <c>|+</c>), long plain and single-quoted strings folded at column 80.
/// </summary>
public static class GoYamlWriter
{
    private const int BestWidth = 80;

    /// <summary>Renders one document (no <c>---</c> header), ending with a newline.</summary>
    public static string Write(JsonNode? node)
    {
        var w = new Emitter();
        w.Document(node);
        return w.ToString();
    }

    /// <summary>
    /// Renders <paramref name="node"/> as one item of a block sequence at the document's top level
    /// (<c>- key: ...</c>), exactly as <see cref="Write"/> renders it inside a top-level key's sequence,
    /// so a long list can be written one item at a time.
    /// </summary>
    public static string WriteTopLevelSequenceItem(JsonNode? node)
    {
        var w = new Emitter();
        w.SequenceItem(node, 0);
        return w.ToString();
    }

    private sealed class Emitter
    {
        private readonly StringBuilder _sb = new();
        private int _column;

        public override string ToString() => _sb.ToString();

        public void Document(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o when o.Count > 0:
                    Mapping(o, 0, false);
                    break;
                case JsonArray a when a.Count > 0:
                    Sequence(a, 0, false);
                    break;
                default:
                    InlineValue(node, 0);
                    Newline();
                    break;
            }
        }

        private void Mapping(JsonObject o, int indent, bool firstInline)
        {
            var keys = o.Select(kv => kv.Key).ToList();
            keys.Sort(YamlKeyOrder.Instance);
            var first = true;
            foreach (var key in keys)
            {
                if (!(first && firstInline))
                {
                    Spaces(indent);
                }

                first = false;
                Key(key);
                Append(":");
                var value = o[key];
                switch (value)
                {
                    case JsonObject child when child.Count > 0:
                        Newline();
                        Mapping(child, indent + 2, false);
                        break;
                    case JsonArray arr when arr.Count > 0:
                        Newline();
                        Sequence(arr, indent, false);
                        break;
                    default:
                        Append(" ");
                        InlineValue(value, indent + 2);
                        Newline();
                        break;
                }
            }
        }

        private void Sequence(JsonArray a, int indent, bool firstInline)
        {
            var first = true;
            foreach (var item in a)
            {
                if (!(first && firstInline))
                {
                    Spaces(indent);
                }

                first = false;
                SequenceItem(item, indent);
            }
        }

        // "- " and the item, at a line already indented to indent
        public void SequenceItem(JsonNode? item, int indent)
        {
            Append("- ");
            switch (item)
            {
                case JsonObject child when child.Count > 0:
                    Mapping(child, indent + 2, true);
                    break;
                case JsonArray arr when arr.Count > 0:
                    Sequence(arr, indent + 2, true);
                    break;
                default:
                    InlineValue(item, indent + 2);
                    Newline();
                    break;
            }
        }

        private void InlineValue(JsonNode? value, int indent)
        {
            switch (value)
            {
                case null:
                    Append("null");
                    break;
                case JsonObject:
                    Append("{}");
                    break;
                case JsonArray:
                    Append("[]");
                    break;
                case JsonValue v:
                    switch (v.GetValueKind())
                    {
                        case JsonValueKind.String:
                            StringScalar(v.GetValue<string>(), indent, isKey: false);
                            break;
                        case JsonValueKind.True:
                            Append("true");
                            break;
                        case JsonValueKind.False:
                            Append("false");
                            break;
                        case JsonValueKind.Number:
                            Append(FormatNumber(v));
                            break;
                        default:
                            Append("null");
                            break;
                    }

                    break;
            }
        }

        private static string FormatNumber(JsonValue v)
        {
            if (v.TryGetValue<long>(out var l)) return l.ToString(CultureInfo.InvariantCulture);
            if (v.TryGetValue<int>(out var i)) return i.ToString(CultureInfo.InvariantCulture);
            if (v.TryGetValue<JsonElement>(out var e) && e.TryGetInt64(out var el)) return el.ToString(CultureInfo.InvariantCulture);
            var d = v.TryGetValue<double>(out var dd) ? dd : e.GetDouble();
            if (d == Math.Floor(d) && Math.Abs(d) < 1e15)
            {
                // yaml.v2 reads a JSON "1.0" back as float 1 and writes it as "1"
                return d.ToString("0", CultureInfo.InvariantCulture);
            }

            return d.ToString("R", CultureInfo.InvariantCulture).Replace("E+", "e+", StringComparison.Ordinal).Replace("E-", "e-", StringComparison.Ordinal);
        }

        private void Key(string key) => StringScalar(key, 0, isKey: true);

        private void StringScalar(string s, int indent, bool isKey)
        {
            var style = ChooseStyle(s, isKey);
            switch (style)
            {
                case Style.Plain:
                    WritePlain(s, indent, allowBreaks: !isKey);
                    break;
                case Style.Single:
                    WriteSingle(s, indent, allowBreaks: !isKey);
                    break;
                case Style.Double:
                    WriteDouble(s);
                    break;
                case Style.Literal:
                    WriteLiteral(s, indent);
                    break;
            }
        }

        private enum Style { Plain, Single, Double, Literal }

        // ChooseStyle is a pure function of the text, and a list of many objects repeats most of its keys and
        // values ("name", "TCP", "IfNotPresent", label values): each thread remembers the styles of short
        // strings it has rendered (cleared when full, so unique values such as uids do not pile up)
        [ThreadStatic] private static Dictionary<string, Style>? _keyStyles, _valueStyles;
        private const int StyleCacheLimit = 1 << 16, StyleCacheMaxLength = 96;

        private static Style ChooseStyle(string s, bool isKey)
        {
            if (s.Length > StyleCacheMaxLength) return ComputeStyle(s, isKey);
            var cache = isKey ? _keyStyles ??= new(StringComparer.Ordinal) : _valueStyles ??= new(StringComparer.Ordinal);
            if (cache.TryGetValue(s, out var known)) return known;
            var style = ComputeStyle(s, isKey);
            if (cache.Count >= StyleCacheLimit) cache.Clear();
            cache[s] = style;
            return style;
        }

        private static Style ComputeStyle(string s, bool isKey)
        {
            // yaml.v2 encoder: a string that would resolve to another type is double-quoted;
            // one with a line break asks for literal style; else plain is asked for.
            Style requested;
            if (s.Contains('\n'))
            {
                requested = Style.Literal;
            }
            else if (YamlScalars.NeedsQuotingForType(s))
            {
                requested = Style.Double;
            }
            else
            {
                requested = Style.Plain;
            }

            var a = Analyze(s);
            if (requested == Style.Plain)
            {
                if (!a.BlockPlainAllowed || (s.Length == 0 && isKey) || (isKey && a.Multiline))
                {
                    requested = Style.Single;
                }
            }

            if (requested == Style.Single && !a.SingleQuotedAllowed)
            {
                requested = Style.Double;
            }

            if (requested == Style.Literal && (!a.BlockAllowed || isKey))
            {
                requested = Style.Double;
            }

            return requested;
        }

        private readonly record struct Analysis(bool Multiline, bool BlockPlainAllowed, bool SingleQuotedAllowed, bool BlockAllowed);

        private static bool IsBlank(char c) => c is ' ' or '\t';

        private static bool IsBreak(char c) => c is '\r' or '\n' or '\u0085' or '\u2028' or '\u2029';

        private static bool IsBlankZ(string s, int i) => i >= s.Length || IsBlank(s[i]) || IsBreak(s[i]);

        private static bool IsPrintable(char c) =>
            c == '\n' || (c >= 0x20 && c <= 0x7E) || c == 0x85 || (c >= 0xA0 && c <= 0xD7FF) ||
            (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF) || char.IsSurrogate(c);

        private static Analysis Analyze(string s)
        {
            if (s.Length == 0)
            {
                return new Analysis(false, true, true, false);
            }

            bool blockIndicators = false, specialCharacters = false, lineBreaks = false;
            bool leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
            bool breakSpace = false, spaceBreak = false, previousSpace = false, previousBreak = false;
            if (s.StartsWith("---", StringComparison.Ordinal) || s.StartsWith("...", StringComparison.Ordinal))
            {
                blockIndicators = true;
            }

            var precededByWhitespace = true;
            var followedByWhitespace = IsBlankZ(s, 1);
            for (var i = 0; i < s.Length; i++)
            {
                var c = s[i];
                if (i == 0)
                {
                    switch (c)
                    {
                        case '#' or ',' or '[' or ']' or '{' or '}' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`':
                            blockIndicators = true;
                            break;
                        case '?' or ':':
                            if (followedByWhitespace) blockIndicators = true;
                            break;
                        case '-':
                            if (followedByWhitespace) blockIndicators = true;
                            break;
                    }
                }
                else
                {
                    switch (c)
                    {
                        case ':':
                            if (followedByWhitespace) blockIndicators = true;
                            break;
                        case '#':
                            if (precededByWhitespace) blockIndicators = true;
                            break;
                    }
                }

                if (!IsPrintable(c))
                {
                    specialCharacters = true;
                }

                if (c == ' ')
                {
                    if (i == 0) leadingSpace = true;
                    if (i == s.Length - 1) trailingSpace = true;
                    if (previousBreak) breakSpace = true;
                    previousSpace = true;
                    previousBreak = false;
                }
                else if (IsBreak(c))
                {
                    lineBreaks = true;
                    if (i == 0) leadingBreak = true;
                    if (i == s.Length - 1) trailingBreak = true;
                    if (previousSpace) spaceBreak = true;
                    previousSpace = false;
                    previousBreak = true;
                }
                else
                {
                    previousSpace = false;
                    previousBreak = false;
                }

                precededByWhitespace = IsBlankZ(s, i);
                if (i + 1 < s.Length)
                {
                    followedByWhitespace = IsBlankZ(s, i + 2);
                }
            }

            bool blockPlain = true, single = true, block = true;
            if (leadingSpace || leadingBreak || trailingSpace || trailingBreak)
            {
                blockPlain = false;
            }

            if (trailingSpace)
            {
                block = false;
            }

            if (breakSpace)
            {
                blockPlain = false;
                single = false;
            }

            if (spaceBreak || specialCharacters)
            {
                blockPlain = false;
                single = false;
                block = false;
            }

            if (lineBreaks)
            {
                blockPlain = false;
            }

            if (blockIndicators)
            {
                blockPlain = false;
            }

            return new Analysis(lineBreaks, blockPlain, single, block);
        }

        private void WritePlain(string s, int indent, bool allowBreaks)
        {
            var spaces = false;
            for (var i = 0; i < s.Length; i++)
            {
                var c = s[i];
                if (c == ' ')
                {
                    if (allowBreaks && !spaces && _column > BestWidth && !(i + 1 < s.Length && s[i + 1] == ' '))
                    {
                        Newline();
                        Spaces(indent);
                    }
                    else
                    {
                        Append(c);
                    }

                    spaces = true;
                }
                else
                {
                    Append(c);
                    spaces = false;
                }
            }
        }

        private void WriteSingle(string s, int indent, bool allowBreaks)
        {
            Append('\'');
            var spaces = false;
            for (var i = 0; i < s.Length; i++)
            {
                var c = s[i];
                if (c == ' ')
                {
                    if (allowBreaks && !spaces && _column > BestWidth && i != 0 && i != s.Length - 1 && s[i + 1] != ' ')
                    {
                        Newline();
                        Spaces(indent);
                    }
                    else
                    {
                        Append(c);
                    }

                    spaces = true;
                }
                else
                {
                    if (c == '\'')
                    {
                        Append('\'');
                    }

                    Append(c);
                    spaces = false;
                }
            }

            Append('\'');
        }

        private void WriteDouble(string s)
        {
            var sb = new StringBuilder("\"");
            foreach (var c in s)
            {
                if (!IsPrintable(c) || c == '\uFEFF' || IsBreak(c) || c == '"' || c == '\\')
                {
                    switch (c)
                    {
                        case '\0': sb.Append("\\0"); break;
                        case '\a': sb.Append("\\a"); break;
                        case '\b': sb.Append("\\b"); break;
                        case '\t': sb.Append("\\t"); break;
                        case '\n': sb.Append("\\n"); break;
                        case '\v': sb.Append("\\v"); break;
                        case '\f': sb.Append("\\f"); break;
                        case '\r': sb.Append("\\r"); break;
                        case '\u001b': sb.Append("\\e"); break;
                        case '"': sb.Append("\\\""); break;
                        case '\\': sb.Append("\\\\"); break;
                        case '\u0085': sb.Append("\\N"); break;
                        case '\u00a0': sb.Append("\\_"); break;
                        case '\u2028': sb.Append("\\L"); break;
                        case '\u2029': sb.Append("\\P"); break;
                        default:
                            if (c <= 0xFF)
                            {
                                sb.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                            }
                            else
                            {
                                sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                            }

                            break;
                    }
                }
                else
                {
                    sb.Append(c);
                }
            }

            sb.Append('"');
            Append(sb.ToString());
        }

        private void WriteLiteral(string s, int indent)
        {
            Append('|');
            if (s.Length > 0 && (s[0] == ' ' || s[0] == '\n'))
            {
                Append("2");
            }

            if (!s.EndsWith('\n'))
            {
                Append('-');
            }
            else if (s.Length == 1 || s[^2] == '\n')
            {
                Append('+');
            }

            Newline();
            var atLineStart = true;
            foreach (var c in s)
            {
                if (c == '\n')
                {
                    Newline();
                    atLineStart = true;
                    continue;
                }

                if (atLineStart)
                {
                    Spaces(indent);
                    atLineStart = false;
                }

                Append(c);
            }

            // The final line break of the value is already written; drop the one the caller adds.
            if (s.EndsWith('\n'))
            {
                _suppressNewline = true;
            }
        }

        private bool _suppressNewline;

        private void Append(string s)
        {
            _sb.Append(s);
            _column += s.Length;
        }

        private void Append(char c)
        {
            _sb.Append(c);
            _column++;
        }

        private void Spaces(int n)
        {
            _sb.Append(' ', n);
            _column += n;
        }

        private void Newline()
        {
            if (_suppressNewline)
            {
                _suppressNewline = false;
                return;
            }

            _sb.Append('\n');
            _column = 0;
        }
    }
}

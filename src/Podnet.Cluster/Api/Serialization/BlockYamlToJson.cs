using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Podnet.Cluster.Api.Serialization;

/// <summary>
/// The fast path of <c>sigs.k8s.io/yaml.YAMLToJSON</c> for the block-YAML subset that manifests are written in:
/// block mappings and sequences (also the compact <c>- key: value</c> and indentless forms), plain, single- and
/// double-quoted single-line scalars, literal and folded block scalars (<c>|</c>, <c>|-</c>, <c>|+</c>,
/// <c>&gt;</c>, ...), comments, and one-line flow collections (<c>[a, b]</c>, <c>{name: x}</c>). It writes
/// compact UTF-8 JSON straight from the text, byte for byte what <see cref="YamlToJson"/> (YamlDotNet's
/// events, yaml.v2 scalar rules) gives for the same document.
/// <para>
/// It is deliberately partial: for anything outside that subset or in any doubt (anchors, aliases, tags,
/// merge keys, duplicate or non-string keys, multi-line plain or quoted scalars, explicit indentation
/// indicators, tabs, CR line ends, directives, document markers, every syntax error) <see cref="TryConvert"/>
/// returns false and the caller uses <see cref="YamlToJson"/>, which then also gives the error messages.
/// </para>
/// </summary>
/// <remarks>
/// The hot methods are marked <see cref="MethodImplOptions.AggressiveOptimization"/>: a CLI run reads a file once, and
/// tiered compilation would run them unoptimized (and instrumented) for most of a 26,000-document load.
/// </remarks>
internal sealed class BlockYamlToJson
{
    private const int MaxDepth = 64;
    private const int MaxKeyLength = 1000;

    private const byte LineBlank = 0;
    private const byte LineComment = 1;
    private const byte LineContent = 2;

    // Printable ASCII and LF: the characters the fast path accepts without a closer look.
    private static readonly SearchValues<char> PlainText = SearchValues.Create(
        "\n !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    [ThreadStatic]
    private static BlockYamlToJson? _cached;

    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly Utf8JsonWriter _writer;
    private readonly StringBuilder _sb = new();
    private readonly List<(int Start, int Length)> _keys = [];
    private string _s = "";
    private int[] _start = new int[256];
    private int[] _end = new int[256];
    private int[] _indent = new int[256];
    private byte[] _kind = new byte[256];
    private int _count;
    private bool _endsWithBreak;
    private int _li;
    private int _depth;
    private bool _capture;
    private string? _captured;

    private BlockYamlToJson()
    {
        _writer = new Utf8JsonWriter(_buffer);
    }

    /// <summary>The converter of this thread (buffers are reused; not for use across threads).</summary>
    public static BlockYamlToJson ForThread() => _cached ??= new BlockYamlToJson();

    /// <summary>The JSON written by the last successful <see cref="TryConvert"/> (valid until the next call).</summary>
    public ReadOnlySpan<byte> Json => _buffer.WrittenSpan;

    /// <summary>The top-level <c>apiVersion</c> of the last document when it is a string, else null.</summary>
    public string? ApiVersion { get; private set; }

    /// <summary>The top-level <c>kind</c> of the last document when it is a string, else null.</summary>
    public string? Kind { get; private set; }

    /// <summary>
    /// Converts one YAML document (a chunk as <see cref="ManifestReader.SplitYamlDocuments"/> gives it) whose
    /// root is a block mapping. Returns false, with nothing usable written, when the document is outside the
    /// subset; <see cref="YamlToJson.ParseDocuments"/> must then be used.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryConvert(string text)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _keys.Clear();
        _depth = 0;
        _capture = false;
        ApiVersion = null;
        Kind = null;
        _s = text;
        try
        {
            if (!SplitLines() || !ParseRoot())
            {
                return false;
            }

            _writer.Flush();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false; // the JSON writer refused something (cannot happen for valid input; stay safe)
        }
        catch (ArgumentException)
        {
            return false;
        }
        finally
        {
            _s = "";
        }
    }

    private static bool IsAcceptedChar(char c) =>
        c == '\n' || c is >= ' ' and <= '~' ||
        (c >= '\u00A0' && c <= '\uD7FF' && c != '\u2028' && c != '\u2029') ||
        (c >= '\uE000' && c <= '\uFFFD' && c != '\uFEFF');

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool SplitLines()
    {
        var s = _s;
        var span = s.AsSpan();
        var from = 0;
        while (true)
        {
            var bad = span[from..].IndexOfAnyExcept(PlainText);
            if (bad < 0)
            {
                break;
            }

            bad += from;
            if (s[bad] == '\r' && bad + 1 < s.Length && s[bad + 1] == '\n')
            {
                // CR LF ends a line as LF does (YamlDotNet reads it as one break)
            }
            else if (!IsAcceptedChar(s[bad]))
            {
                return false; // tabs, a lone CR, NEL, LS/PS, BOM, control characters, surrogates: YamlDotNet decides
            }

            from = bad + 1;
        }

        _count = 0;
        var pos = 0;
        while (pos < s.Length)
        {
            var nl = span[pos..].IndexOf('\n');
            var end = nl < 0 ? s.Length : pos + nl;
            var lineEnd = end;
            if (nl >= 0 && end > pos && s[end - 1] == '\r')
            {
                end--;
            }
            if (_count == _start.Length)
            {
                Array.Resize(ref _start, _count * 2);
                Array.Resize(ref _end, _count * 2);
                Array.Resize(ref _indent, _count * 2);
                Array.Resize(ref _kind, _count * 2);
            }

            var ind = 0;
            while (pos + ind < end && s[pos + ind] == ' ')
            {
                ind++;
            }

            byte kind;
            if (pos + ind == end)
            {
                kind = LineBlank;
            }
            else if (s[pos + ind] == '#')
            {
                kind = LineComment;
            }
            else
            {
                kind = LineContent;
                if (ind == 0 && end - pos >= 3 &&
                    ((s[pos] == '-' && s[pos + 1] == '-' && s[pos + 2] == '-') || (s[pos] == '.' && s[pos + 1] == '.' && s[pos + 2] == '.')))
                {
                    return false; // document markers inside a chunk
                }

                if (ind == 0 && s[pos] == '%')
                {
                    return false; // directives
                }
            }

            _start[_count] = pos;
            _end[_count] = end;
            _indent[_count] = ind;
            _kind[_count] = kind;
            _count++;
            if (nl < 0)
            {
                break;
            }

            pos = lineEnd + 1;
        }

        _endsWithBreak = s.Length > 0 && s[^1] == '\n';
        return true;
    }

    private bool HasBreak(int line) => line < _count - 1 || _endsWithBreak;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int NextContent(int line)
    {
        while (line < _count && _kind[line] != LineContent)
        {
            line++;
        }

        return line;
    }

    private bool ParseRoot()
    {
        var first = NextContent(0);
        if (first == _count)
        {
            return false;
        }

        var col = _indent[first];
        _li = first;
        if (IsDash(first, _start[first] + col) || !TryScanKey(_start[first] + col, _end[first], out _, out _, out _))
        {
            return false; // only a mapping root is a Kubernetes object; anything else takes the full path
        }

        if (!ParseMapping(col, _start[first] + col, root: true))
        {
            return false;
        }

        return NextContent(_li) == _count;
    }

    private bool IsDash(int line, int p) =>
        _s[p] == '-' && (p + 1 == _end[line] || _s[p + 1] == ' ');

    /// <summary>A block mapping whose keys are at column <paramref name="col"/>; the first key starts at <paramref name="p"/> on line <c>_li</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ParseMapping(int col, int p, bool root)
    {
        if (++_depth > MaxDepth)
        {
            return false;
        }

        _capture = false;
        _writer.WriteStartObject();
        var keysFrom = _keys.Count;
        while (true)
        {
            var line = _li;
            if (!TryScanKey(p, _end[line], out var keyStart, out var keyLength, out var afterColon))
            {
                return false;
            }

            var key = _s.AsSpan(keyStart, keyLength);
            for (var k = keysFrom; k < _keys.Count; k++)
            {
                if (key.SequenceEqual(_s.AsSpan(_keys[k].Start, _keys[k].Length)))
                {
                    return false; // duplicate keys: later wins and moves; leave it to the full path
                }
            }

            _keys.Add((keyStart, keyLength));
            _writer.WritePropertyName(key);
            var which = 0;
            if (root)
            {
                which = key.SequenceEqual("apiVersion") ? 1 : key.SequenceEqual("kind") ? 2 : 0;
            }

            _capture = which != 0;
            _captured = null;
            if (!ParseValueAfterIndicator(col, line, afterColon, mappingValue: true))
            {
                return false;
            }

            if (which == 1)
            {
                ApiVersion = _captured;
            }
            else if (which == 2)
            {
                Kind = _captured;
            }

            _capture = false;
            var next = NextContent(_li);
            if (next == _count || _indent[next] < col)
            {
                break;
            }

            if (_indent[next] > col || IsDash(next, _start[next] + col))
            {
                return false;
            }

            _li = next;
            p = _start[next] + col;
        }

        _keys.RemoveRange(keysFrom, _keys.Count - keysFrom);
        _writer.WriteEndObject();
        _depth--;
        return true;
    }

    /// <summary>A block sequence whose dashes are at column <paramref name="col"/>; the first dash is at <paramref name="p"/> on line <c>_li</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ParseSequence(int col, int p, bool indentless)
    {
        if (++_depth > MaxDepth)
        {
            return false;
        }

        _capture = false;
        _writer.WriteStartArray();
        while (true)
        {
            var line = _li;
            if (!ParseValueAfterIndicator(col, line, p + 1, mappingValue: false))
            {
                return false;
            }

            var next = NextContent(_li);
            if (next == _count || _indent[next] < col)
            {
                break;
            }

            if (_indent[next] > col)
            {
                return false;
            }

            if (!IsDash(next, _start[next] + col))
            {
                if (indentless)
                {
                    break; // the parent mapping goes on with its next key
                }

                return false;
            }

            _li = next;
            p = _start[next] + col;
        }

        _writer.WriteEndArray();
        _depth--;
        return true;
    }

    /// <summary>
    /// The node after a mapping key's <c>:</c> or a sequence's <c>-</c> (at <paramref name="p"/> on <paramref name="line"/>);
    /// <paramref name="col"/> is the column of that key or dash. Leaves <c>_li</c> on the first line not consumed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ParseValueAfterIndicator(int col, int line, int p, bool mappingValue)
    {
        var s = _s;
        var end = _end[line];
        while (p < end && s[p] == ' ')
        {
            p++;
        }

        if (p == end || s[p] == '#')
        {
            // The node, if any, is on the following lines.
            _li = line + 1;
            var next = NextContent(_li);
            if (next == _count || _indent[next] < col)
            {
                WriteNull();
                return true;
            }

            var ind = _indent[next];
            var q = _start[next] + ind;
            if (ind == col)
            {
                if (mappingValue && IsDash(next, q))
                {
                    _li = next;
                    return ParseSequence(col, q, indentless: true);
                }

                WriteNull();
                return true;
            }

            _li = next;
            if (IsDash(next, q))
            {
                return ParseSequence(ind, q, indentless: false);
            }

            return TryScanKey(q, _end[next], out _, out _, out _) && ParseMapping(ind, q, root: false);
        }

        if (!mappingValue && TryScanKey(p, end, out _, out _, out _))
        {
            // "- key: value": a compact mapping whose keys are at this column
            _li = line;
            return ParseMapping(p - _start[line], p, root: false);
        }

        var c = s[p];
        var n = p + 1 < end ? s[p + 1] : '\n';
        switch (c)
        {
            case '|' or '>':
                return ParseBlockScalar(col, line, p);
            case '"' or '\'':
                {
                    if (!TryScanQuoted(p, end, out var close, out var raw))
                    {
                        return false;
                    }

                    if (!RestIsBlank(close + 1, end))
                    {
                        return false;
                    }

                    if (raw)
                    {
                        WriteString(s.AsSpan(p + 1, close - p - 1));
                    }
                    else
                    {
                        WriteString(_sb.ToString());
                    }

                    return EndOfInlineValue(line, col);
                }

            case '[' or '{':
                {
                    _capture = false;
                    var q = p;
                    if (!ParseFlowNode(ref q, end, 0) || !RestIsBlank(q, end))
                    {
                        return false;
                    }

                    return EndOfInlineValue(line, col);
                }

            case '-' when n is ' ' or '\n':
                // after a key: "block sequence entries are not allowed in this context";
                // after a dash: "- - x", a compact nested sequence. The full path handles both.
                return false;

            default:
                if (!IsPlainStart(c, n))
                {
                    return false;
                }

                {
                    var stop = p;
                    var last = p; // one past the last non-space character
                    while (stop < end)
                    {
                        var ch = s[stop];
                        if (ch == ':' && (stop + 1 == end || s[stop + 1] == ' '))
                        {
                            return false; // "mapping values are not allowed in this context" and friends
                        }

                        if (ch == ' ')
                        {
                            if (stop + 1 < end && s[stop + 1] == '#')
                            {
                                break;
                            }
                        }
                        else
                        {
                            last = stop + 1;
                        }

                        stop++;
                    }

                    WritePlain(s.AsSpan(p, last - p));
                    return EndOfInlineValue(line, col);
                }
        }
    }

    /// <summary>After a scalar or flow node that ended on its line: no continuation line may follow deeper than the owner.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool EndOfInlineValue(int line, int col)
    {
        _li = line + 1;
        var next = NextContent(_li);
        return next == _count || _indent[next] <= col;
    }

    private bool RestIsBlank(int p, int end)
    {
        if (p < end && _s[p] != ' ')
        {
            return false;
        }

        while (p < end && _s[p] == ' ')
        {
            p++;
        }

        return p == end || _s[p] == '#';
    }

    /// <summary>libyaml's rule for the first character of a plain scalar in block context.</summary>
    private static bool IsPlainStart(char c, char next)
    {
        switch (c)
        {
            case '-':
                return next != ' ' && next != '\n';
            case '?' or ':':
                return next != ' ' && next != '\n';
            case ',' or '[' or ']' or '{' or '}' or '#' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`' or ' ':
                return false;
            default:
                return true;
        }
    }

    /// <summary>
    /// A simple key at <paramref name="p"/>: a plain or quoted (escape-free) scalar on one line followed by
    /// <c>:</c> and a space or the line end. Gives the key's text span and the position after the colon.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryScanKey(int p, int end, out int keyStart, out int keyLength, out int afterColon)
    {
        var s = _s;
        keyStart = p;
        keyLength = 0;
        afterColon = 0;
        var c = s[p];
        var n = p + 1 < end ? s[p + 1] : '\n';
        if (c is '"' or '\'')
        {
            if (!TryScanQuoted(p, end, out var close, out var raw) || !raw)
            {
                return false;
            }

            var q = close + 1;
            while (q < end && s[q] == ' ')
            {
                q++;
            }

            if (q == end || s[q] != ':' || (q + 1 < end && s[q + 1] != ' '))
            {
                return false;
            }

            keyStart = p + 1;
            keyLength = close - p - 1;
            afterColon = q + 1;
            return keyLength <= MaxKeyLength;
        }

        if (!IsPlainStart(c, n))
        {
            return false;
        }

        var last = p;
        for (var i = p; i < end; i++)
        {
            var ch = s[i];
            if (ch == ':' && (i + 1 == end || s[i + 1] == ' '))
            {
                keyLength = last - p;
                afterColon = i + 1;
                if (keyLength > MaxKeyLength)
                {
                    return false;
                }

                var key = s.AsSpan(p, keyLength);
                if (key.SequenceEqual("<<"))
                {
                    return false; // merge key
                }

                return PlainIsString(key);
            }

            if (ch == ' ')
            {
                if (i + 1 < end && s[i + 1] == '#')
                {
                    return false;
                }
            }
            else
            {
                last = i + 1;
            }
        }

        return false;
    }

    /// <summary>
    /// A quoted scalar that closes on its line. <paramref name="raw"/> is true when its text is the span between
    /// the quotes (no escapes); otherwise the decoded text is in <c>_sb</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryScanQuoted(int p, int end, out int close, out bool raw)
    {
        var s = _s;
        var quote = s[p];
        raw = true;
        close = -1;
        if (quote == '\'')
        {
            for (var i = p + 1; i < end; i++)
            {
                if (s[i] != '\'')
                {
                    if (!raw)
                    {
                        _sb.Append(s[i]);
                    }

                    continue;
                }

                if (i + 1 < end && s[i + 1] == '\'')
                {
                    if (raw)
                    {
                        raw = false;
                        _sb.Clear();
                        _sb.Append(s, p + 1, i - p - 1);
                    }

                    _sb.Append('\'');
                    i++;
                    continue;
                }

                close = i;
                return true;
            }

            return false;
        }

        for (var i = p + 1; i < end; i++)
        {
            var ch = s[i];
            if (ch == '"')
            {
                close = i;
                return true;
            }

            if (ch != '\\')
            {
                if (!raw)
                {
                    _sb.Append(ch);
                }

                continue;
            }

            if (raw)
            {
                raw = false;
                _sb.Clear();
                _sb.Append(s, p + 1, i - p - 1);
            }

            if (i + 1 >= end)
            {
                return false; // an escaped line break: multi-line
            }

            var e = s[i + 1];
            var digits = 0;
            switch (e)
            {
                case '0': _sb.Append('\0'); break;
                case 'a': _sb.Append('\a'); break;
                case 'b': _sb.Append('\b'); break;
                case 't': _sb.Append('\t'); break;
                case 'n': _sb.Append('\n'); break;
                case 'v': _sb.Append('\v'); break;
                case 'f': _sb.Append('\f'); break;
                case 'r': _sb.Append('\r'); break;
                case 'e': _sb.Append('\x1B'); break;
                case ' ': _sb.Append(' '); break;
                case '"': _sb.Append('"'); break;
                case '\\': _sb.Append('\\'); break;
                case '/': _sb.Append('/'); break;
                case 'N': _sb.Append('\u0085'); break;
                case '_': _sb.Append('\u00A0'); break;
                case 'L': _sb.Append('\u2028'); break;
                case 'P': _sb.Append('\u2029'); break;
                case 'x': digits = 2; break;
                case 'u': digits = 4; break;
                case 'U': digits = 8; break;
                default: return false;
            }

            i++;
            if (digits > 0)
            {
                if (i + digits >= end)
                {
                    return false;
                }

                var code = 0;
                for (var k = 1; k <= digits; k++)
                {
                    var h = s[i + k];
                    var v = h switch
                    {
                        >= '0' and <= '9' => h - '0',
                        >= 'a' and <= 'f' => h - 'a' + 10,
                        >= 'A' and <= 'F' => h - 'A' + 10,
                        _ => -1,
                    };
                    if (v < 0 || code > 0x10FFFF)
                    {
                        return false;
                    }

                    code = (code << 4) + v;
                }

                if (code > 0x10FFFF || code is >= 0xD800 and <= 0xDFFF)
                {
                    return false;
                }

                _sb.Append(char.ConvertFromUtf32(code));
                i += digits;
            }
        }

        return false; // not closed on this line
    }

    /// <summary>
    /// A literal (<c>|</c>) or folded (<c>&gt;</c>) block scalar whose indicator is at <paramref name="p"/>;
    /// <paramref name="owner"/> is the column of the key or dash that holds it. The folding, chomping and
    /// indentation rules are libyaml's (as YamlDotNet ports them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ParseBlockScalar(int owner, int line, int p)
    {
        var s = _s;
        var end = _end[line];
        var literal = s[p] == '|';
        p++;
        var chomping = 0;
        if (p < end && s[p] is '+' or '-')
        {
            chomping = s[p] == '+' ? 1 : -1;
            p++;
        }

        if (p < end && (char.IsAsciiDigit(s[p]) || s[p] == '#'))
        {
            return false; // explicit indentation indicators, "|#" errors
        }

        if (!RestIsBlank(p, end) || !HasBreak(line))
        {
            return false;
        }

        var i = line + 1;
        var trailingBreaks = 0;
        while (i < _count && _kind[i] == LineBlank)
        {
            if (_end[i] != _start[i] || !HasBreak(i))
            {
                return false; // leading lines of spaces: YamlDotNet's special cases
            }

            trailingBreaks++;
            i++;
        }

        _sb.Clear();
        var blockIndent = Math.Max(owner + 1, 1);
        var leadingBreak = false;
        if (i < _count && _indent[i] >= blockIndent)
        {
            blockIndent = _indent[i];
            var leadingBlank = false;
            while (true)
            {
                // i is a content line with at least blockIndent leading spaces
                var from = _start[i] + blockIndent;
                var trailingBlank = from < _end[i] && s[from] == ' ';
                if (!literal && leadingBreak && !leadingBlank && !trailingBlank)
                {
                    if (trailingBreaks == 0)
                    {
                        _sb.Append(' ');
                    }
                }
                else if (leadingBreak)
                {
                    _sb.Append('\n');
                }

                leadingBreak = false;
                _sb.Append('\n', trailingBreaks);
                trailingBreaks = 0;
                leadingBlank = trailingBlank;
                _sb.Append(s, from, _end[i] - from);
                leadingBreak = HasBreak(i);
                i++;

                // the following indentation and empty lines
                var more = false;
                while (i < _count)
                {
                    var len = _end[i] - _start[i];
                    if (_kind[i] == LineBlank && len <= blockIndent)
                    {
                        if (!HasBreak(i))
                        {
                            i++;
                            break; // spaces at the end of the text
                        }

                        trailingBreaks++;
                        i++;
                        continue;
                    }

                    more = _indent[i] >= blockIndent;
                    break;
                }

                if (!more)
                {
                    break;
                }
            }
        }

        if (chomping != -1 && leadingBreak)
        {
            _sb.Append('\n');
        }

        if (chomping == 1)
        {
            _sb.Append('\n', trailingBreaks);
        }

        WriteString(_sb.ToString());
        _li = i;
        return true;
    }

    /// <summary>A flow collection or scalar inside one line, starting at <paramref name="p"/>; advances <paramref name="p"/> past it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ParseFlowNode(ref int p, int end, int level)
    {
        var s = _s;
        if (level > 16 || _depth + level > MaxDepth)
        {
            return false;
        }

        var c = s[p];
        if (c == '[')
        {
            p++;
            SkipSpaces(ref p, end);
            _writer.WriteStartArray();
            if (p < end && s[p] == ']')
            {
                p++;
                _writer.WriteEndArray();
                return true;
            }

            while (true)
            {
                if (p >= end || !ParseFlowNode(ref p, end, level + 1))
                {
                    return false;
                }

                SkipSpaces(ref p, end);
                if (p >= end)
                {
                    return false;
                }

                if (s[p] == ']')
                {
                    p++;
                    _writer.WriteEndArray();
                    return true;
                }

                if (s[p] != ',')
                {
                    return false;
                }

                p++;
                SkipSpaces(ref p, end);
                if (p >= end || s[p] == ']')
                {
                    return false; // trailing comma
                }
            }
        }

        if (c == '{')
        {
            p++;
            SkipSpaces(ref p, end);
            _writer.WriteStartObject();
            if (p < end && s[p] == '}')
            {
                p++;
                _writer.WriteEndObject();
                return true;
            }

            var keysFrom = _keys.Count;
            while (true)
            {
                if (p >= end)
                {
                    return false;
                }

                int keyStart, keyLength;
                if (s[p] is '"' or '\'')
                {
                    if (!TryScanQuoted(p, end, out var close, out var raw) || !raw)
                    {
                        return false;
                    }

                    keyStart = p + 1;
                    keyLength = close - p - 1;
                    p = close + 1;
                }
                else
                {
                    if (!ScanFlowPlain(ref p, end, out keyStart, out keyLength) || !PlainIsString(s.AsSpan(keyStart, keyLength)) ||
                        s.AsSpan(keyStart, keyLength).SequenceEqual("<<"))
                    {
                        return false;
                    }
                }

                if (p + 1 >= end || s[p] != ':' || s[p + 1] != ' ')
                {
                    return false;
                }

                p += 2;
                SkipSpaces(ref p, end);
                var key = s.AsSpan(keyStart, keyLength);
                for (var k = keysFrom; k < _keys.Count; k++)
                {
                    if (key.SequenceEqual(s.AsSpan(_keys[k].Start, _keys[k].Length)))
                    {
                        return false;
                    }
                }

                _keys.Add((keyStart, keyLength));
                _writer.WritePropertyName(key);
                if (p >= end || s[p] is ',' or '}' || !ParseFlowNode(ref p, end, level + 1))
                {
                    return false;
                }

                SkipSpaces(ref p, end);
                if (p >= end)
                {
                    return false;
                }

                if (s[p] == '}')
                {
                    p++;
                    _keys.RemoveRange(keysFrom, _keys.Count - keysFrom);
                    _writer.WriteEndObject();
                    return true;
                }

                if (s[p] != ',')
                {
                    return false;
                }

                p++;
                SkipSpaces(ref p, end);
                if (p >= end || s[p] == '}')
                {
                    return false;
                }
            }
        }

        if (c is '"' or '\'')
        {
            if (!TryScanQuoted(p, end, out var close, out var raw))
            {
                return false;
            }

            if (raw)
            {
                WriteString(s.AsSpan(p + 1, close - p - 1));
            }
            else
            {
                WriteString(_sb.ToString());
            }

            p = close + 1;
            return true;
        }

        if (!ScanFlowPlain(ref p, end, out var start, out var length))
        {
            return false;
        }

        if (p < end && s[p] == ':')
        {
            return false; // a single-pair mapping inside a flow sequence
        }

        WritePlain(s.AsSpan(start, length));
        return true;
    }

    /// <summary>A plain scalar in flow context, restricted to characters whose meaning there is not in doubt.</summary>
    private bool ScanFlowPlain(ref int p, int end, out int start, out int length)
    {
        var s = _s;
        start = p;
        length = 0;
        var c = s[p];
        if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '/' or '_' or '~' or '+' or '(' or '$' or '^' or '=' ||
              (c == '-' && p + 1 < end && s[p + 1] is not (' ' or ',' or '[' or ']' or '{' or '}' or ':' or '#' or '"' or '\''))))
        {
            return false;
        }

        var last = p;
        while (p < end)
        {
            var ch = s[p];
            if (ch is ',' or ']' or '}' or ':')
            {
                break;
            }

            if (ch is '[' or '{' or '#' or '"' or '\'' or '?')
            {
                return false;
            }

            if (ch != ' ')
            {
                last = p + 1;
            }

            p++;
        }

        length = last - start;
        return true;
    }

    private void SkipSpaces(ref int p, int end)
    {
        while (p < end && _s[p] == ' ')
        {
            p++;
        }
    }

    /// <summary>True when a plain scalar used as a key stays a string (yaml.v2 would turn other keys into their JSON text).</summary>
    private static bool PlainIsString(ReadOnlySpan<char> v)
    {
        if (IsKeyword(v, out _))
        {
            return false;
        }

        var c = v[0];
        if (c is '+' or '-' or '.' or (>= '0' and <= '9'))
        {
            var kind = YamlScalars.Resolve(v.ToString(), out _, out _, out _);
            return kind is YamlScalars.Resolved.String or YamlScalars.Resolved.Timestamp;
        }

        return true;
    }

    /// <summary>The yaml.v2 null and boolean words. <paramref name="value"/>: null for null, else the boolean.</summary>
    private static bool IsKeyword(ReadOnlySpan<char> v, out bool? value)
    {
        value = null;
        if (v.Length > 5)
        {
            return false;
        }

        switch (v)
        {
            case "~" or "null" or "Null" or "NULL":
                return true;
            case "y" or "Y" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "true" or "True" or "TRUE":
                value = true;
                return true;
            case "n" or "N" or "no" or "No" or "NO" or "off" or "Off" or "OFF" or "false" or "False" or "FALSE":
                value = false;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Writes a plain scalar as <see cref="YamlScalars.ResolvePlain"/> types it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WritePlain(ReadOnlySpan<char> v)
    {
        if (IsKeyword(v, out var word))
        {
            if (word is { } b)
            {
                _writer.WriteBooleanValue(b);
            }
            else
            {
                _writer.WriteNullValue();
            }

            if (_capture)
            {
                _captured = null;
            }

            return;
        }

        var c = v[0];
        if (c is '+' or '-' or '.' or (>= '0' and <= '9'))
        {
            var text = v.ToString();
            var kind = YamlScalars.Resolve(text, out _, out var l, out var d);
            switch (kind)
            {
                case YamlScalars.Resolved.Null:
                    _writer.WriteNullValue();
                    _captured = null;
                    return;
                case YamlScalars.Resolved.Bool:
                    throw new InvalidOperationException("booleans are words"); // IsKeyword saw them
                case YamlScalars.Resolved.Int:
                    _writer.WriteNumberValue(l);
                    _captured = null;
                    return;
                case YamlScalars.Resolved.Float:
                    if (decimal.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var m))
                    {
                        _writer.WriteNumberValue(m);
                    }
                    else if (double.IsFinite(d))
                    {
                        _writer.WriteNumberValue(d);
                    }
                    else
                    {
                        throw new InvalidOperationException("not a finite number");
                    }

                    _captured = null;
                    return;
                default:
                    WriteString(v);
                    return;
            }
        }

        WriteString(v);
    }

    private void WriteString(ReadOnlySpan<char> v)
    {
        _writer.WriteStringValue(v);
        if (_capture)
        {
            _captured = v.ToString();
        }
    }

    private void WriteNull()
    {
        _writer.WriteNullValue();
        _captured = null;
    }
}

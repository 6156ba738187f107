using System.Buffers;
using System.Text;

namespace Podnet.Cluster.Api.Serialization;

/// <summary>
/// Re-writes compact JSON with every object's keys in ordinal order (what Go's <c>encoding/json</c> does with
/// a map, and so what kubectl's last-applied-configuration and a canonical hash input look like), working on
/// the UTF-8 bytes: members are moved as they are, not decoded and re-encoded. That gives the same bytes as
/// reading the text into a document and writing it back sorted with <c>Utf8JsonWriter</c>'s default escaping
/// only when the input was written with that escaping, which is what the callers pass (System.Text.Json's or
/// <see cref="KubeJsonEncoder"/>'s output). Keys whose raw bytes would not sort like their decoded text (an
/// escape sequence or a non-ASCII byte) and duplicate keys make <see cref="TrySort"/> refuse, and the caller
/// takes the decoding path.
/// </summary>
public static class SortedJson
{
    [ThreadStatic]
    private static Writer? cached;

    /// <summary>
    /// Sorts the keys of every object in <paramref name="json"/> (compact JSON as System.Text.Json writes it)
    /// and returns the text, or null when the input has a key this byte-wise sort cannot order exactly.
    /// With <paramref name="emptyAnnotations"/>, the root's <c>metadata</c> object gets an empty
    /// <c>annotations</c> map when it has none or a null one (as kubectl writes its last-applied text).
    /// </summary>
    public static string? TrySort(ReadOnlySpan<byte> json, bool emptyAnnotations = false)
    {
        var w = cached ??= new Writer();
        w.Reset();
        try
        {
            int start = Skip(json, 0);
            if (start == json.Length)
            {
                return null;
            }
            int end = w.Value(json, start, emptyAnnotations ? Mode.Root : Mode.Plain);
            if (w.Failed || Skip(json, end) != json.Length)
            {
                return null;
            }
            return Encoding.UTF8.GetString(w.Written);
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null; // not the compact JSON this expects: the caller decodes it instead
        }
        finally
        {
            if (w.Capacity > 1 << 20)
            {
                cached = null; // do not keep a buffer grown by one huge object
            }
        }
    }

    private enum Mode
    {
        Plain,
        Root,
        Metadata,
    }

    private static int Skip(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            i++;
        }
        return i;
    }

    // The end (exclusive) of the string token starting at the quote at i.
    private static int StringEnd(ReadOnlySpan<byte> json, int i, out bool plain)
    {
        plain = true;
        i++;
        while (i < json.Length)
        {
            var b = json[i];
            if (b == (byte)'"')
            {
                return i + 1;
            }
            if (b == (byte)'\\')
            {
                plain = false;
                i += 2;
                continue;
            }
            if (b >= 0x80)
            {
                plain = false;
            }
            i++;
        }
        throw new FormatException("unterminated string");
    }

    // The end of the value starting at i (no nesting is interpreted: used for scalars only).
    private static int ScalarEnd(ReadOnlySpan<byte> json, int i)
    {
        if (json[i] == (byte)'"')
        {
            return StringEnd(json, i, out _);
        }
        while (i < json.Length && json[i] is not ((byte)',' or (byte)'}' or (byte)']' or (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
        {
            i++;
        }
        return i;
    }

    private sealed class Writer
    {
        private byte[] buffer = new byte[4096];
        private int length;
        // member bounds of the objects being sorted, a stack shared by all depths
        private (int NameStart, int NameEnd, int ValueStart)[] members = new (int, int, int)[64];
        private int memberCount;

        public bool Failed { get; private set; }

        public int Capacity => buffer.Length;

        public ReadOnlySpan<byte> Written => buffer.AsSpan(0, length);

        public void Reset()
        {
            length = 0;
            memberCount = 0;
            Failed = false;
        }

        private void Append(ReadOnlySpan<byte> bytes)
        {
            if (length + bytes.Length > buffer.Length)
            {
                Array.Resize(ref buffer, Math.Max(buffer.Length * 2, length + bytes.Length));
            }
            bytes.CopyTo(buffer.AsSpan(length));
            length += bytes.Length;
        }

        private void Append(byte b)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
            buffer[length++] = b;
        }

        /// <summary>Writes the value at <paramref name="i"/> sorted; returns the index after it.</summary>
        public int Value(ReadOnlySpan<byte> json, int i, Mode mode)
        {
            switch (json[i])
            {
                case (byte)'{':
                    return Object(json, i, mode);
                case (byte)'[':
                    {
                        Append((byte)'[');
                        i = Skip(json, i + 1);
                        if (json[i] == (byte)']')
                        {
                            Append((byte)']');
                            return i + 1;
                        }
                        while (true)
                        {
                            i = Skip(json, Value(json, i, Mode.Plain));
                            if (json[i] == (byte)']')
                            {
                                Append((byte)']');
                                return i + 1;
                            }
                            Append((byte)',');
                            i = Skip(json, i + 1);
                        }
                    }
                default:
                    {
                        int end = ScalarEnd(json, i);
                        Append(json[i..end]);
                        return end;
                    }
            }
        }

        private int Object(ReadOnlySpan<byte> json, int i, Mode mode)
        {
            int first = memberCount;
            i = Skip(json, i + 1);
            if (json[i] != (byte)'}')
            {
                while (true)
                {
                    if (json[i] != (byte)'"')
                    {
                        throw new FormatException("expected a key");
                    }
                    int nameEnd = StringEnd(json, i, out var plain);
                    if (!plain)
                    {
                        Failed = true;
                    }
                    int colon = Skip(json, nameEnd);
                    int valueStart = Skip(json, colon + 1);
                    if (memberCount == members.Length)
                    {
                        Array.Resize(ref members, members.Length * 2);
                    }
                    members[memberCount++] = (i, nameEnd, valueStart);
                    i = Skip(json, SkipValue(json, valueStart));
                    if (json[i] == (byte)'}')
                    {
                        break;
                    }
                    i = Skip(json, i + 1);
                }
            }
            int after = i + 1;
            var span = members.AsSpan(first, memberCount - first);
            var input = json;
            if (span.Length > 1)
            {
                SortMembers(span, input);
                for (int k = 1; k < span.Length; k++)
                {
                    if (NameOf(input, span[k - 1]).SequenceEqual(NameOf(input, span[k])))
                    {
                        Failed = true; // a duplicate key: which one wins is the decoder's business
                    }
                }
            }
            Append((byte)'{');
            bool annotationsDue = mode == Mode.Metadata;
            bool comma = false;
            for (int k = 0; k < span.Length; k++)
            {
                var m = members[first + k];
                var name = NameOf(json, m);
                if (annotationsDue && name.SequenceCompareTo("annotations"u8) >= 0)
                {
                    annotationsDue = false;
                    bool isAnnotations = name.SequenceEqual("annotations"u8);
                    if (!isAnnotations || json[m.ValueStart] == (byte)'n')
                    {
                        AppendComma(ref comma);
                        Append("\"annotations\":{}"u8);
                        if (isAnnotations)
                        {
                            continue; // null annotations: the empty map stands in for them
                        }
                    }
                }
                AppendComma(ref comma);
                Append(json[m.NameStart..m.NameEnd]);
                Append((byte)':');
                var child = mode == Mode.Root && name.SequenceEqual("metadata"u8) && json[m.ValueStart] == (byte)'{' ? Mode.Metadata : Mode.Plain;
                Value(json, m.ValueStart, child);
            }
            if (annotationsDue)
            {
                AppendComma(ref comma);
                Append("\"annotations\":{}"u8);
            }
            Append((byte)'}');
            memberCount = first;
            return after;
        }

        private void AppendComma(ref bool comma)
        {
            if (comma)
            {
                Append((byte)',');
            }
            comma = true;
        }

        private static ReadOnlySpan<byte> NameOf(ReadOnlySpan<byte> json, (int NameStart, int NameEnd, int ValueStart) m) =>
            json[(m.NameStart + 1)..(m.NameEnd - 1)];

        // Insertion sort: objects have a handful of keys and usually arrive nearly sorted.
        private static void SortMembers(Span<(int NameStart, int NameEnd, int ValueStart)> span, ReadOnlySpan<byte> json)
        {
            for (int k = 1; k < span.Length; k++)
            {
                var m = span[k];
                var name = NameOf(json, m);
                int j = k - 1;
                while (j >= 0 && NameOf(json, span[j]).SequenceCompareTo(name) > 0)
                {
                    span[j + 1] = span[j];
                    j--;
                }
                span[j + 1] = m;
            }
        }

        // The end of the value at i, nested objects and arrays included.
        private static int SkipValue(ReadOnlySpan<byte> json, int i)
        {
            var b = json[i];
            if (b != (byte)'{' && b != (byte)'[')
            {
                return ScalarEnd(json, i);
            }
            int depth = 0;
            while (i < json.Length)
            {
                b = json[i];
                if (b == (byte)'"')
                {
                    i = StringEnd(json, i, out _);
                    continue;
                }
                if (b is (byte)'{' or (byte)'[')
                {
                    depth++;
                }
                else if (b is (byte)'}' or (byte)']')
                {
                    depth--;
                    if (depth == 0)
                    {
                        return i + 1;
                    }
                }
                i++;
            }
            throw new FormatException("unterminated value");
        }
    }
}

using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Podnet.Cluster.Api.Serialization;

/// <summary>
/// A compact JSON byte buffer for <see cref="KubeJsonEncoder"/>: writes the bytes <see cref="Utf8JsonWriter"/>
/// writes with the default encoder and no indentation (same escaping, number and literal forms), with less
/// work per token. Every value is followed by a comma, which the closing bracket of its container (or
/// <see cref="Result"/> at the end) takes back.
/// </summary>
internal sealed class JsonOutput : IBufferWriter<byte>
{
    // ASCII characters Utf8JsonWriter writes as they are under the default JavaScriptEncoder: printable ASCII
    // except the quote, backslash and the HTML-sensitive characters it escapes (&, ', +, <, >, `).
    private static readonly SearchValues<char> Plain = SearchValues.Create(
        Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c).Where(c => "\"\\&'+<>`".IndexOf(c) < 0).ToArray());

    private byte[] buffer = new byte[16 * 1024];
    private int position;
    private Utf8JsonWriter? elementWriter;

    /// <summary>The buffer's size.</summary>
    public int Capacity => buffer.Length;

    /// <summary>Empties the buffer.</summary>
    public void Clear() => position = 0;

    /// <summary>The JSON written (without the trailing comma).</summary>
    public ReadOnlySpan<byte> Result() =>
        position > 0 && buffer[position - 1] == (byte)',' ? buffer.AsSpan(0, position - 1) : buffer.AsSpan(0, position);

    /// <summary>A property name as written before its value: <c>"name":</c>, escaped as Utf8JsonWriter escapes it.</summary>
    public static byte[] EncodeName(string name)
    {
        var escaped = JsonEncodedText.Encode(name, KubeJson.Options.Encoder).EncodedUtf8Bytes;
        var bytes = new byte[escaped.Length + 3];
        bytes[0] = (byte)'"';
        escaped.CopyTo(bytes.AsSpan(1));
        bytes[^2] = (byte)'"';
        bytes[^1] = (byte)':';
        return bytes;
    }

    private Span<byte> Reserve(int length)
    {
        if (buffer.Length - position < length)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, position + length));
        }

        return buffer.AsSpan(position);
    }

    /// <summary>Appends bytes as they are (a pre-encoded property name).</summary>
    public void Raw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        position += bytes.Length;
    }

    private void Byte(byte b)
    {
        if (position == buffer.Length)
        {
            Array.Resize(ref buffer, buffer.Length * 2);
        }

        buffer[position++] = b;
    }

    /// <summary><c>{</c>.</summary>
    public void StartObject() => Byte((byte)'{');

    /// <summary><c>}</c> (taking back the last member's comma).</summary>
    public void EndObject() => Close((byte)'}');

    /// <summary><c>[</c>.</summary>
    public void StartArray() => Byte((byte)'[');

    /// <summary><c>]</c>.</summary>
    public void EndArray() => Close((byte)']');

    private void Close(byte bracket)
    {
        if (buffer[position - 1] == (byte)',')
        {
            position--;
        }

        Byte(bracket);
        Byte((byte)',');
    }

    /// <summary>A property name (a map key or an unmodelled field), escaped as Utf8JsonWriter escapes it.</summary>
    public void PropertyName(string name)
    {
        if (!Ascii(name))
        {
            var w = Helper();
            w.WritePropertyName(name);
            w.Flush();
            return;
        }

        buffer[position - 1] = (byte)':';
    }

    /// <summary>A string value, escaped as Utf8JsonWriter escapes it.</summary>
    public void String(string value)
    {
        if (!Ascii(value))
        {
            var w = Helper();
            w.WriteStringValue(value);
            w.Flush();
            Byte((byte)',');
        }
    }

    // Writes "value", when every character is written as it is; false (nothing written) otherwise.
    private bool Ascii(string value)
    {
        var chars = value.AsSpan();
        if (chars.ContainsAnyExcept(Plain))
        {
            return false;
        }

        var span = Reserve(chars.Length + 3);
        span[0] = (byte)'"';
        System.Text.Ascii.FromUtf16(chars, span[1..], out var written);
        span[written + 1] = (byte)'"';
        span[written + 2] = (byte)',';
        position += written + 3;
        return true;
    }

    // A Utf8JsonWriter appending to this buffer, for what it escapes (and for JSON elements).
    private Utf8JsonWriter Helper()
    {
        var w = elementWriter ??= new Utf8JsonWriter(this, new JsonWriterOptions { Encoder = KubeJson.Options.Encoder, SkipValidation = true });
        w.Reset(this);
        return w;
    }

    /// <summary>A number.</summary>
    public void Number(long value)
    {
        var span = Reserve(21);
        Utf8Formatter.TryFormat(value, span, out var written);
        span[written] = (byte)',';
        position += written + 1;
    }

    /// <summary><c>true</c> or <c>false</c>.</summary>
    public void Boolean(bool value) => Raw(value ? "true,"u8 : "false,"u8);

    /// <summary><c>null</c>.</summary>
    public void Null() => Raw("null,"u8);

    /// <summary>metav1.Time: <c>2006-01-02T15:04:05Z</c> (see <see cref="KubeTimeJsonConverter.Format"/>).</summary>
    public void Time(DateTimeOffset value)
    {
        var t = value.UtcDateTime;
        var span = Reserve(24);
        span[0] = (byte)'"';
        Digits(span.Slice(1, 4), t.Year);
        span[5] = (byte)'-';
        Digits(span.Slice(6, 2), t.Month);
        span[8] = (byte)'-';
        Digits(span.Slice(9, 2), t.Day);
        span[11] = (byte)'T';
        Digits(span.Slice(12, 2), t.Hour);
        span[14] = (byte)':';
        Digits(span.Slice(15, 2), t.Minute);
        span[17] = (byte)':';
        Digits(span.Slice(18, 2), t.Second);
        span[20] = (byte)'Z';
        span[21] = (byte)'"';
        span[22] = (byte)',';
        position += 23;
    }

    private static void Digits(Span<byte> span, int value)
    {
        for (var i = span.Length - 1; i >= 0; i--)
        {
            span[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    /// <summary>A JSON element as Utf8JsonWriter writes it (<see cref="JsonElement.WriteTo"/>).</summary>
    public void Element(JsonElement value)
    {
        var w = Helper();
        value.WriteTo(w);
        w.Flush();
        Byte((byte)',');
    }

    /// <inheritdoc />
    void IBufferWriter<byte>.Advance(int count) => position += count;

    /// <inheritdoc />
    Memory<byte> IBufferWriter<byte>.GetMemory(int sizeHint)
    {
        Reserve(Math.Max(sizeHint, 256));
        return buffer.AsMemory(position);
    }

    /// <inheritdoc />
    Span<byte> IBufferWriter<byte>.GetSpan(int sizeHint) => Reserve(Math.Max(sizeHint, 256));
}

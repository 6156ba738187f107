using System.Globalization;
using System.Text;

namespace Podnet.Cluster.Images.Tls;

/// <summary>
/// HTTP/1.1 message framing over any <see cref="Stream"/> (a TLS stream here): the same rules as
/// <see cref="Http.HttpWire"/> has for a plain emulated socket (head up to the blank line, a
/// Content-Length body, or a body up to the close when the response announces no length).
/// </summary>
public static class StreamHttp
{
    /// <summary>Reads one message; null when the peer closed (or failed) before a whole head arrived.</summary>
    public static async Task<(string Head, byte[] Body)?> ReadMessageAsync(Stream stream, bool bodyUntilClose, bool headOnly = false, Pending? pending = null)
    {
        pending ??= new Pending();
        var buf = pending.Take();
        var chunk = new byte[16384];
        int headEnd = IndexOfBlankLine(buf);
        while (headEnd < 0)
        {
            int n = await ReadAsync(stream, chunk);
            if (n <= 0) return null;
            buf.AddRange(chunk.AsSpan(0, n).ToArray());
            headEnd = IndexOfBlankLine(buf);
            if (buf.Count > 65536 && headEnd < 0) return null;
        }
        var head = Encoding.Latin1.GetString(buf.GetRange(0, headEnd).ToArray());
        var body = new List<byte>(buf.GetRange(headEnd + 4, buf.Count - headEnd - 4));
        if (headOnly) return (head, []);
        long? length = null;
        foreach (var line in head.Split("\r\n").Skip(1))
        {
            var c = line.IndexOf(':', StringComparison.Ordinal);
            if (c > 0 && line[..c].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                && long.TryParse(line[(c + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) length = n;
        }
        if (length is null && !bodyUntilClose) return (head, body.ToArray());
        while (length is null || body.Count < length)
        {
            int n = await ReadAsync(stream, chunk);
            if (n <= 0) break;
            body.AddRange(chunk.AsSpan(0, n).ToArray());
        }
        if (length is { } l && body.Count > l)
        {
            // Pipelined bytes of the next message stay for the next read.
            pending.Keep(body.GetRange((int)l, body.Count - (int)l));
            body.RemoveRange((int)l, body.Count - (int)l);
        }
        return (head, body.ToArray());
    }

    private static async Task<int> ReadAsync(Stream stream, byte[] chunk)
    {
        try
        {
            return await stream.ReadAsync(chunk);
        }
        catch (IOException)
        {
            return -1;
        }
        catch (System.Security.Authentication.AuthenticationException)
        {
            return -1;
        }
    }

    private static int IndexOfBlankLine(List<byte> b)
    {
        for (int i = 0; i + 3 < b.Count; i++)
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') return i;
        return -1;
    }

    /// <summary>Bytes read past the end of one message (pipelining), carried to the next read on the same connection.</summary>
    public sealed class Pending
    {
        private List<byte> _bytes = [];

        internal List<byte> Take()
        {
            var b = _bytes;
            _bytes = [];
            return b;
        }

        internal void Keep(List<byte> bytes) => _bytes = bytes;
    }
}

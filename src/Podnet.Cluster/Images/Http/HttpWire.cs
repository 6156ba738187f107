using System.Globalization;
using System.Text;
using Podnet.Kernel.Sockets;

namespace Podnet.Cluster.Images.Http;

/// <summary>HTTP/1.1 message framing over an emulated TCP socket (request and response heads, Content-Length bodies).</summary>
public static class HttpWire
{
    /// <summary>Reads a head (up to the blank line) and the body it announces; null when the peer closed first.</summary>
    public static async Task<(string Head, byte[] Body)?> ReadMessageAsync(TcpSocket socket, TimeSpan? timeout, bool bodyUntilClose, bool headOnly = false)
    {
        var buf = new List<byte>();
        var chunk = new byte[4096];
        int headEnd = -1;
        while (headEnd < 0)
        {
            var r = await socket.ReceiveAsync(chunk, timeout);
            if (r.Count == 0) return null;
            buf.AddRange(chunk.AsSpan(0, r.Count).ToArray());
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
            var r = await socket.ReceiveAsync(chunk, timeout);
            if (r.Count == 0) break;
            body.AddRange(chunk.AsSpan(0, r.Count).ToArray());
        }
        return (head, body.ToArray());
    }

    private static int IndexOfBlankLine(List<byte> b)
    {
        for (int i = 0; i + 3 < b.Count; i++)
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') return i;
        return -1;
    }

    /// <summary>Parses a request head.</summary>
    public static HttpRequest? ParseRequest(string head, byte[] body)
    {
        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/", StringComparison.Ordinal)) return null;
        return new HttpRequest(parts[0], parts[1], parts[2], ParseHeaders(lines), body);
    }

    /// <summary>Parses a response head.</summary>
    public static HttpResponse? ParseResponse(string head, byte[] body)
    {
        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ', 3);
        if (parts.Length < 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status)) return null;
        return new HttpResponse(status, parts.Length > 2 ? parts[2] : "", ParseHeaders(lines), body);
    }

    private static List<(string, string)> ParseHeaders(string[] lines)
    {
        var h = new List<(string, string)>();
        foreach (var line in lines.Skip(1))
        {
            var c = line.IndexOf(':', StringComparison.Ordinal);
            if (c > 0) h.Add((line[..c], line[(c + 1)..].Trim()));
        }
        return h;
    }

    /// <summary>The bytes of a response (status line, headers, blank line, body).</summary>
    public static byte[] Format(HttpResponse r, bool includeBody = true)
    {
        var sb = new StringBuilder();
        sb.Append("HTTP/1.1 ").Append(r.Status.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(r.Reason).Append("\r\n");
        foreach (var (n, v) in r.Headers) sb.Append(n).Append(": ").Append(v).Append("\r\n");
        sb.Append("\r\n");
        var head = Encoding.Latin1.GetBytes(sb.ToString());
        return includeBody ? [.. head, .. r.Body] : head;
    }

    /// <summary>The request line and headers as text.</summary>
    public static string FormatRequestHead(string method, string target, IReadOnlyList<(string Name, string Value)> headers)
    {
        var sb = new StringBuilder();
        sb.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n");
        foreach (var (n, v) in headers) sb.Append(n).Append(": ").Append(v).Append("\r\n");
        sb.Append("\r\n");
        return sb.ToString();
    }
}

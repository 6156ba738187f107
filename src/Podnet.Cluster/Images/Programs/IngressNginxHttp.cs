using System.Globalization;
using System.Text;
using Podnet.Cluster.Images.Http;

namespace Podnet.Cluster.Images.Programs;

/// <summary>
/// HTTP/1.1 message framing over a <see cref="Stream"/> for the ingress controller (either side of
/// the proxy): heads up to the blank line, bodies by Content-Length, by chunked transfer coding
/// (decoded), or until close; bytes after a message stay buffered for the next one (keep-alive).
/// </summary>
public sealed class IngressNginxHttp(Stream stream)
{
    private readonly List<byte> _buffer = [];
    private readonly byte[] _chunk = new byte[8192];

    /// <summary>The stream.</summary>
    public Stream Stream { get; } = stream;

    private async Task<bool> FillAsync()
    {
        var n = await Stream.ReadAsync(_chunk);
        if (n == 0) return false;
        _buffer.AddRange(_chunk.AsSpan(0, n).ToArray());
        return true;
    }

    private int HeadEnd()
    {
        for (int i = 0; i + 3 < _buffer.Count; i++)
            if (_buffer[i] == '\r' && _buffer[i + 1] == '\n' && _buffer[i + 2] == '\r' && _buffer[i + 3] == '\n') return i;
        return -1;
    }

    private async Task<string?> ReadHeadAsync()
    {
        int end;
        while ((end = HeadEnd()) < 0)
        {
            if (_buffer.Count > 65536) return null;
            if (!await FillAsync()) return null;
        }
        var head = Encoding.Latin1.GetString(_buffer.GetRange(0, end).ToArray());
        _buffer.RemoveRange(0, end + 4);
        return head;
    }

    private async Task<byte[]?> ReadExactAsync(long n)
    {
        while (_buffer.Count < n)
            if (!await FillAsync()) return null;
        var body = _buffer.GetRange(0, (int)n).ToArray();
        _buffer.RemoveRange(0, (int)n);
        return body;
    }

    private async Task<string?> ReadLineAsync()
    {
        while (true)
        {
            for (int i = 0; i + 1 < _buffer.Count; i++)
            {
                if (_buffer[i] == '\r' && _buffer[i + 1] == '\n')
                {
                    var line = Encoding.Latin1.GetString(_buffer.GetRange(0, i).ToArray());
                    _buffer.RemoveRange(0, i + 2);
                    return line;
                }
            }
            if (!await FillAsync()) return null;
        }
    }

    private static string? HeaderOf(string head, string name)
    {
        foreach (var line in head.Split("\r\n").Skip(1))
        {
            var c = line.IndexOf(':', StringComparison.Ordinal);
            if (c > 0 && line[..c].Trim().Equals(name, StringComparison.OrdinalIgnoreCase)) return line[(c + 1)..].Trim();
        }
        return null;
    }

    private async Task<byte[]?> ReadBodyAsync(string head, bool untilClose)
    {
        if (HeaderOf(head, "Transfer-Encoding") is { } te && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var body = new List<byte>();
            while (true)
            {
                var sizeLine = await ReadLineAsync();
                if (sizeLine is null || !long.TryParse(sizeLine.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size)) return null;
                if (size == 0)
                {
                    while (await ReadLineAsync() is { Length: > 0 })
                    {
                    }
                    return body.ToArray();
                }
                var part = await ReadExactAsync(size);
                if (part is null) return null;
                body.AddRange(part);
                await ReadLineAsync();
            }
        }
        if (HeaderOf(head, "Content-Length") is { } cl && long.TryParse(cl, NumberStyles.None, CultureInfo.InvariantCulture, out var len))
            return await ReadExactAsync(len);
        if (!untilClose) return [];
        while (await FillAsync())
        {
        }
        var all = _buffer.ToArray();
        _buffer.Clear();
        return all;
    }

    /// <summary>Reads one request; null when the client closed (or sent garbage). Also returns nginx's <c>$request_length</c>.</summary>
    public async Task<(HttpRequest Request, int Length)?> ReadRequestAsync()
    {
        var head = await ReadHeadAsync();
        if (head is null) return null;
        var body = await ReadBodyAsync(head, untilClose: false);
        if (body is null) return null;
        var req = HttpWire.ParseRequest(head, body);
        return req is null ? null : (req, head.Length + 4 + body.Length);
    }

    /// <summary>Reads one response (a HEAD response has no body); null when the upstream closed or reset before a complete head.</summary>
    public async Task<HttpResponse?> ReadResponseAsync(bool headRequest)
    {
        var head = await ReadHeadAsync();
        if (head is null) return null;
        var status = HttpWire.ParseResponse(head, []);
        if (status is null) return null;
        var body = headRequest || status.Status is 204 or 304 || status.Status < 200 ? [] : await ReadBodyAsync(head, untilClose: true);
        return body is null ? null : status with { Body = body };
    }

    /// <summary>Writes a request head and body.</summary>
    public async Task WriteRequestAsync(string method, string target, IReadOnlyList<(string Name, string Value)> headers, byte[] body)
    {
        var bytes = Encoding.Latin1.GetBytes(HttpWire.FormatRequestHead(method, target, headers));
        await Stream.WriteAsync(body.Length == 0 ? bytes : [.. bytes, .. body]);
    }

    /// <summary>Writes a response.</summary>
    public Task WriteResponseAsync(HttpResponse response, bool includeBody) => Stream.WriteAsync(HttpWire.Format(response, includeBody)).AsTask();
}

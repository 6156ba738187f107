using System.Globalization;
using System.Text;

namespace Podnet.Cluster.Images.Http;

/// <summary>An HTTP/1.1 request as a server parsed it.</summary>
public sealed record HttpRequest(string Method, string Target, string Version, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body)
{
    /// <summary>The first value of a header (case-insensitive), or null.</summary>
    public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The path without the query string.</summary>
    public string Path => Target.Split('?')[0];

    /// <summary>A query parameter (URL-decoded), or null.</summary>
    public string? Query(string name)
    {
        var q = Target.IndexOf('?', StringComparison.Ordinal);
        if (q < 0) return null;
        foreach (var kv in Target[(q + 1)..].Split('&'))
        {
            var eq = kv.IndexOf('=', StringComparison.Ordinal);
            var k = eq < 0 ? kv : kv[..eq];
            if (k == name) return Uri.UnescapeDataString(eq < 0 ? "" : kv[(eq + 1)..].Replace('+', ' '));
        }
        return null;
    }
}

/// <summary>An HTTP/1.1 response.</summary>
public sealed record HttpResponse(int Status, string Reason, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body)
{
    /// <summary>A response with a text body and Content-Type/Content-Length headers after <paramref name="extra"/>.</summary>
    public static HttpResponse Text(int status, string reason, string body, string contentType = "text/plain; charset=utf-8", params (string, string)[] extra)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var h = new List<(string, string)>(extra) { ("Content-Type", contentType), ("Content-Length", bytes.Length.ToString(CultureInfo.InvariantCulture)) };
        return new HttpResponse(status, reason, h, bytes);
    }

    /// <summary>The first value of a header, or null.</summary>
    public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;
}

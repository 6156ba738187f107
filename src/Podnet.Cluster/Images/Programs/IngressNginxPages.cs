using System.Globalization;
using Podnet.Cluster.Images.Http;

namespace Podnet.Cluster.Images.Programs;

/// <summary>
/// What the ingress-nginx controller's nginx answers by itself, with <c>server_tokens off</c>
/// (<c>Server: nginx</c>, no version): its error and redirect pages (the 404 of the default backend,
/// 503 with no endpoints, 403 for whitelist-source-range, 301/308 redirects, 502/504), and the
/// access log line in ingress-nginx's default <c>log-format-upstream</c>.
/// </summary>
public static class IngressNginxPages
{
    /// <summary>The reason phrase nginx writes for a status.</summary>
    public static string Reason(int status) => status switch
    {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Moved Temporarily",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        502 => "Bad Gateway",
        503 => "Service Temporarily Unavailable",
        504 => "Gateway Time-out",
        _ => "Unknown",
    };

    /// <summary>nginx's built-in page for <paramref name="status"/>.</summary>
    public static string Body(int status)
    {
        var title = status.ToString(CultureInfo.InvariantCulture) + " " + Reason(status);
        return "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    }

    /// <summary>nginx's <c>Date</c> value.</summary>
    public static string HttpDate(DateTimeOffset now) => now.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture) + " GMT";

    /// <summary>A built-in page response: Server, Date, Content-Type, Content-Length, Connection (and Location for redirects).</summary>
    public static HttpResponse Page(int status, DateTimeOffset now, string? location = null, bool keepAlive = true)
    {
        var body = System.Text.Encoding.ASCII.GetBytes(Body(status));
        var h = new List<(string, string)>
        {
            ("Date", HttpDate(now)),
            ("Content-Type", "text/html"),
            ("Content-Length", body.Length.ToString(CultureInfo.InvariantCulture)),
            ("Connection", keepAlive ? "keep-alive" : "close"),
        };
        if (location is not null) h.Add(("Location", location));
        h.Insert(0, ("Server", "nginx"));
        return new HttpResponse(status, Reason(status), h, body);
    }

    /// <summary>What one access log line needs.</summary>
    public sealed record AccessLogEntry(
        string RemoteAddress, DateTimeOffset Time, string RequestLine, int Status, int BodyBytesSent, string? Referer, string? UserAgent,
        int RequestLength, double RequestTime, string UpstreamName, string? UpstreamAddress, int? UpstreamResponseLength,
        double? UpstreamResponseTime, int? UpstreamStatus, string RequestId);

    /// <summary>
    /// The line in ingress-nginx's default format:
    /// <c>$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id</c>.
    /// </summary>
    public static string AccessLog(AccessLogEntry e)
    {
        static string Dash(string? s) => string.IsNullOrEmpty(s) ? "-" : s;
        var ic = CultureInfo.InvariantCulture;
        return $"{e.RemoteAddress} - - [{e.Time.UtcDateTime.ToString("dd/MMM/yyyy:HH:mm:ss", ic)} +0000] \"{e.RequestLine}\" {e.Status.ToString(ic)} {e.BodyBytesSent.ToString(ic)} " +
            $"\"{Dash(e.Referer)}\" \"{Dash(e.UserAgent)}\" {e.RequestLength.ToString(ic)} {e.RequestTime.ToString("0.000", ic)} [{e.UpstreamName}] [] " +
            $"{Dash(e.UpstreamAddress)} {(e.UpstreamResponseLength is { } l ? l.ToString(ic) : "-")} {(e.UpstreamResponseTime is { } t ? t.ToString("0.000", ic) : "-")} {(e.UpstreamStatus is { } s ? s.ToString(ic) : "-")} {e.RequestId}";
    }
}

using Podnet.Cluster.Images.Http;
using Podnet.Cluster.Images.Programs;
using Xunit;

namespace Podnet.Cluster.Tests.Images;

public sealed class IngressNginxPagesTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 21, 12, 0, 5, TimeSpan.Zero);

    [Fact]
    public void DefaultBackend404_IsNginxsPageWithoutVersion()
    {
        var r = IngressNginxPages.Page(404, T);
        Assert.Equal("Not Found", r.Reason);
        Assert.Equal("<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", System.Text.Encoding.ASCII.GetString(r.Body));
        Assert.Equal(146, r.Body.Length);
        Assert.Equal(
            "HTTP/1.1 404 Not Found\r\nServer: nginx\r\nDate: Sat, 21 Nov 2026 12:00:05 GMT\r\nContent-Type: text/html\r\nContent-Length: 146\r\nConnection: keep-alive\r\n\r\n",
            System.Text.Encoding.ASCII.GetString(HttpWire.Format(r, includeBody: false)));
    }

    [Theory]
    [InlineData(503, "Service Temporarily Unavailable", 190)]
    [InlineData(403, "Forbidden", 146)]
    [InlineData(308, "Permanent Redirect", 164)]
    [InlineData(502, "Bad Gateway", 150)]
    public void ErrorPages_HaveNginxsReasonsAndLengths(int status, string reason, int length)
    {
        var r = IngressNginxPages.Page(status, T, status == 308 ? "https://a/" : null);
        Assert.Equal(reason, r.Reason);
        Assert.Equal(length, r.Body.Length);
        Assert.Equal(status == 308 ? "https://a/" : null, r.Header("Location"));
    }

    [Fact]
    public void AccessLog_IsIngressNginxDefaultFormat()
    {
        var line = IngressNginxPages.AccessLog(new IngressNginxPages.AccessLogEntry(
            "198.51.100.100", T, "GET /app1 HTTP/1.1", 200, 12, null, "curl/8.5.0", 92, 0.004, "default-app1-80", "10.244.1.3:8080", 12, 0.003, 200,
            "0123456789abcdef0123456789abcdef"));
        Assert.Equal("198.51.100.100 - - [21/Nov/2026:12:00:05 +0000] \"GET /app1 HTTP/1.1\" 200 12 \"-\" \"curl/8.5.0\" 92 0.004 [default-app1-80] [] 10.244.1.3:8080 12 0.003 200 0123456789abcdef0123456789abcdef", line);
        var redirect = IngressNginxPages.AccessLog(new IngressNginxPages.AccessLogEntry(
            "198.51.100.100", T, "GET / HTTP/1.1", 308, 164, null, null, 80, 0, "default-s-80", null, null, null, null, "00000000000000000000000000000000"));
        Assert.EndsWith("308 164 \"-\" \"-\" 80 0.000 [default-s-80] [] - - - - 00000000000000000000000000000000", redirect);
    }

    [Fact]
    public void ProxyHeaders_AreIngressNginxs_ClientSuppliedForwardingHeadersAreReplaced()
    {
        var req = new HttpRequest("GET", "/x?y=1", "HTTP/1.1", [("Host", "myapp.example.com"), ("User-Agent", "curl/8.5.0"), ("X-Forwarded-For", "6.6.6.6"), ("Accept", "*/*")], []);
        var h = IngressNginxProgram.ProxyHeaders(req, "http", "198.51.100.100", "abc");
        Assert.Equal(
            ["Host: myapp.example.com", "X-Request-ID: abc", "X-Real-IP: 198.51.100.100", "X-Forwarded-For: 198.51.100.100", "X-Forwarded-Host: myapp.example.com",
             "X-Forwarded-Port: 80", "X-Forwarded-Proto: http", "X-Forwarded-Scheme: http", "X-Scheme: http", "X-Original-URI: /x?y=1", "User-Agent: curl/8.5.0", "Accept: */*"],
            h.Select(x => x.Name + ": " + x.Value).ToList());
    }
}

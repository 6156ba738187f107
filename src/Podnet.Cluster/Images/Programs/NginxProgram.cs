using System.Globalization;
using Podnet.Cluster.Images.Http;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Wire;

namespace Podnet.Cluster.Images.Programs;

/// <summary>
/// The <c>nginx</c> image: HTTP/1.1 on port 80 serving the default "Welcome to nginx!" page at <c>/</c>,
/// 404 elsewhere, and the combined access log on stdout with the client address the socket saw.
/// </summary>
public sealed class NginxProgram(string version = "1.27.3", int port = 80, string? page = null) : ContainerProgram
{
    /// <summary>The stock index.html of the nginx image (615 bytes).</summary>
    public const string DefaultPage =
        "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }\n" +
        "body { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n" +
        "<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\n" +
        "working. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n" +
        "<a href=\"http://nginx.org/\">nginx.org</a>.<br/>\nCommercial support is available at\n" +
        "<a href=\"http://nginx.com/\">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n";

    /// <inheritdoc/>
    public override string ProcessName => "nginx";

    /// <inheritdoc/>
    public override async Task<int> RunAsync(ProcessContext ctx)
    {
        var body = page ?? DefaultPage;
        var (serving, err) = HttpServer.Start(ctx, port, (req, client) =>
        {
            var date = ctx.Now.ToString("ddd, dd MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture) + " GMT";
            HttpResponse resp = req.Path is "/" or "/index.html"
                ? HttpResponse.Text(200, "OK", body, "text/html", ("Server", "nginx/" + version), ("Date", date))
                : HttpResponse.Text(404, "Not Found",
                    "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/" + version + "</center>\r\n</body>\r\n</html>\r\n",
                    "text/html", ("Server", "nginx/" + version), ("Date", date));
            var stamp = ctx.Now.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture);
            ctx.Log.Line($"{Ipv4Address.Format(client.Address)} - - [{stamp}] \"{req.Method} {req.Target} {req.Version}\" {resp.Status.ToString(CultureInfo.InvariantCulture)} {resp.Body.Length.ToString(CultureInfo.InvariantCulture)} \"-\" \"{req.Header("User-Agent") ?? "-"}\" \"-\"");
            return resp;
        });
        if (serving is null)
        {
            var stamp = ctx.Now.ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture);
            ctx.Log.Line($"{stamp} [emerg] 1#1: bind() to 0.0.0.0:{port.ToString(CultureInfo.InvariantCulture)} failed ({(int)err}: {err.Message()})");
            ctx.Log.Line($"nginx: [emerg] bind() to 0.0.0.0:{port.ToString(CultureInfo.InvariantCulture)} failed ({(int)err}: {err.Message()})");
            return 1;
        }
        ctx.Log.Line("/docker-entrypoint.sh: Configuration complete; ready for start up");
        await serving;
        return 0;
    }
}

using System.Globalization;
using Podnet.Cluster.Images.Http;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Wire;

namespace Podnet.Cluster.Images.Programs;

/// <summary>
/// <c>registry.k8s.io/e2e-test-images/agnhost</c>, the subcommands Kubernetes' network e2e tests use:
/// <c>netexec</c> (HTTP on <c>--http-port</c>, default 8080: <c>/</c>, <c>/hostname</c>, <c>/clientip</c>,
/// <c>/echo?msg=</c>, <c>/healthz</c>), <c>serve-hostname</c> (the hostname on 9376, or <c>--port</c>),
/// <c>porter</c> (for each <c>SERVE_PORT_N=V</c> in the environment, V on port N) and <c>pause</c>.
/// </summary>
public sealed class AgnhostProgram(string subcommand, IReadOnlyList<string> flags) : ContainerProgram
{
    /// <inheritdoc/>
    public override string ProcessName => "agnhost";

    /// <summary>The subcommand.</summary>
    public string Subcommand => subcommand;

    private int Flag(string name, int dflt)
    {
        for (int i = 0; i < flags.Count; i++)
        {
            var f = flags[i].TrimStart('-');
            if (f.StartsWith(name + "=", StringComparison.Ordinal) && int.TryParse(f[(name.Length + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var v)) return v;
            if (f == name && i + 1 < flags.Count && int.TryParse(flags[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out v)) return v;
        }
        return dflt;
    }

    /// <inheritdoc/>
    public override async Task<int> RunAsync(ProcessContext ctx)
    {
        switch (subcommand)
        {
            case "netexec":
            {
                var port = Flag("http-port", 8080);
                ctx.Log.Line($"I0000 00:00:00.000000       1 log.go:245] Started HTTP server on port {port.ToString(CultureInfo.InvariantCulture)}");
                var (serving, err) = HttpServer.Start(ctx, port, (req, client) => NetExec(ctx, req, client));
                if (serving is null) return BindFailed(ctx, port, err);
                var udpPort = Flag("udp-port", 8081);
                var (udp, uerr) = ctx.Namespace.Udp.Bind(0, (ushort)udpPort);
                if (udp is null) return BindFailed(ctx, udpPort, uerr, "udp");
                ctx.Log.Line($"I0000 00:00:00.000000       1 log.go:245] Started UDP server on port {udpPort.ToString(CultureInfo.InvariantCulture)}");
                _ = UdpLoop(ctx, udp);
                await serving;
                return 0;
            }
            case "serve-hostname":
            {
                var port = Flag("port", 9376);
                var (serving, err) = HttpServer.Start(ctx, port, (_, _) => HttpResponse.Text(200, "OK", ctx.Hostname));
                if (serving is null) return BindFailed(ctx, port, err);
                ctx.Log.Line($"Serving on port {port.ToString(CultureInfo.InvariantCulture)}.");
                await serving;
                return 0;
            }
            case "porter":
            {
                var tasks = new List<Task>();
                foreach (var (k, v) in ctx.Environment.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    if (!k.StartsWith("SERVE_PORT_", StringComparison.Ordinal) || !int.TryParse(k[11..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)) continue;
                    var (serving, err) = HttpServer.Start(ctx, port, (_, _) => HttpResponse.Text(200, "OK", v));
                    if (serving is null) return BindFailed(ctx, port, err);
                    tasks.Add(serving);
                }
                await Task.WhenAll(tasks);
                return 0;
            }
            case "pause":
                ctx.Log.Line("Paused");
                await new TaskCompletionSource().Task;
                return 0;
            default:
                ctx.Log.Line($"Error: unknown command \"{subcommand}\" for \"agnhost\"");
                return 1;
        }
    }

    private static int BindFailed(ProcessContext ctx, int port, Errno err, string proto = "tcp")
    {
        ctx.Log.Line($"F0000 00:00:00.000000       1 netexec.go:0] listen {proto} :{port.ToString(CultureInfo.InvariantCulture)}: bind: {err.Message().ToLowerInvariant()}");
        return 255;
    }

    private static HttpResponse NetExec(ProcessContext ctx, HttpRequest req, Ipv4Endpoint client)
    {
        switch (req.Path)
        {
            case "/":
                return HttpResponse.Text(200, "OK", "NOW: " + ctx.Now.ToString("yyyy-MM-dd HH:mm:ss.fffffff +0000 UTC", CultureInfo.InvariantCulture));
            case "/hostname":
                return HttpResponse.Text(200, "OK", ctx.Hostname);
            case "/clientip":
                return HttpResponse.Text(200, "OK", client.ToString());
            case "/echo":
                return HttpResponse.Text(200, "OK", req.Query("msg") ?? "");
            case "/healthz":
                return HttpResponse.Text(200, "OK", "");
            case "/header":
                return HttpResponse.Text(200, "OK", req.Header(req.Query("key") ?? "") ?? "");
            default:
                return HttpResponse.Text(404, "Not Found", "404 page not found\n");
        }
    }

    private static async Task UdpLoop(ProcessContext ctx, UdpSocket udp)
    {
        while (true)
        {
            var r = await udp.ReceiveAsync();
            if (r.Error == Errno.EINVAL) return;
            if (!r.Ok) continue;
            var text = System.Text.Encoding.UTF8.GetString(r.Data).Trim();
            var reply = text switch
            {
                "hostname" => ctx.Hostname,
                "clientip" => r.From.ToString(),
                _ when text.StartsWith("echo ", StringComparison.Ordinal) => text[5..],
                _ => "",
            };
            udp.SendTo(System.Text.Encoding.UTF8.GetBytes(reply), r.From.Address, r.From.Port);
        }
    }
}

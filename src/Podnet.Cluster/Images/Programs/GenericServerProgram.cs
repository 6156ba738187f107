using System.Globalization;
using System.Text;
using Podnet.Cluster.Images.Http;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Wire;

namespace Podnet.Cluster.Images.Programs;

/// <summary>
/// What Podnet runs for an image it does not know: a server on each declared container port that
/// answers with the pod's name and the client's address (HTTP when the client speaks HTTP, one
/// line otherwise; UDP ports echo the same line). <c>describe pod</c> says so.
/// </summary>
public sealed class GenericServerProgram(string image) : ContainerProgram
{
    /// <summary>The note shown for such containers.</summary>
    public static string Note(string image) => $"image \"{image}\" is not emulated: running Podnet's generic server on the declared ports";

    /// <inheritdoc/>
    public override string ProcessName => image.Split('/')[^1].Split(':')[0].Split('@')[0];

    /// <inheritdoc/>
    public override async Task<int> RunAsync(ProcessContext ctx)
    {
        ctx.Log.Line("podnet: " + Note(image));
        var tasks = new List<Task>();
        foreach (var (port, proto) in ctx.Ports)
        {
            if (proto == "UDP")
            {
                var (u, uerr) = ctx.Namespace.Udp.Bind(0, (ushort)port);
                if (u is null) return Fail(ctx, "udp", port, uerr);
                tasks.Add(UdpLoop(ctx, u));
                continue;
            }
            var (l, err) = ctx.Namespace.Tcp.Listen(0, (ushort)port, 511);
            if (l is null) return Fail(ctx, "tcp", port, err);
            ctx.Log.Line($"listening on :{port.ToString(CultureInfo.InvariantCulture)}");
            tasks.Add(AcceptLoop(ctx, l, port));
        }
        if (tasks.Count == 0) tasks.Add(new TaskCompletionSource().Task);
        await Task.WhenAll(tasks);
        return 0;
    }

    private static int Fail(ProcessContext ctx, string proto, int port, Errno err)
    {
        ctx.Log.Line($"listen {proto} :{port.ToString(CultureInfo.InvariantCulture)}: bind: {err.Message().ToLowerInvariant()}");
        return 1;
    }

    private static string Answer(ProcessContext ctx, Ipv4Endpoint client, int port) =>
        $"pod {ctx.PodNamespace}/{ctx.PodName} port {port.ToString(CultureInfo.InvariantCulture)}: client {Ipv4Address.Format(client.Address)}:{client.Port.ToString(CultureInfo.InvariantCulture)}\n";

    private static async Task AcceptLoop(ProcessContext ctx, TcpListener l, int port)
    {
        while (true)
        {
            var s = await l.AcceptAsync();
            if (s is null) return;
            _ = Serve(ctx, s, port);
        }
    }

    private static async Task Serve(ProcessContext ctx, TcpSocket s, int port)
    {
        var buf = new byte[4096];
        var r = await s.ReceiveAsync(buf, TimeSpan.FromSeconds(1));
        var text = r.Count > 0 ? Encoding.Latin1.GetString(buf, 0, r.Count) : "";
        var line = Answer(ctx, s.RemoteEndpoint, port);
        if (text.Length > 0 && text.Contains(" HTTP/1.", StringComparison.Ordinal))
        {
            var method = text.Split(' ')[0];
            s.Send(HttpWire.Format(HttpResponse.Text(200, "OK", line, "text/plain; charset=utf-8", ("Connection", "close")), method != "HEAD"));
            ctx.Log.Line($"{Ipv4Address.Format(s.RemoteEndpoint.Address)} \"{text.Split("\r\n")[0]}\" 200");
        }
        else
        {
            s.Send(Encoding.UTF8.GetBytes(line));
        }
        s.Shutdown();
        await s.ReadToEndAsync(TimeSpan.FromSeconds(5));
        s.Close();
    }

    private static async Task UdpLoop(ProcessContext ctx, UdpSocket u)
    {
        while (true)
        {
            var r = await u.ReceiveAsync();
            if (r.Error == Errno.EINVAL) return;
            if (!r.Ok) continue;
            u.SendTo(Encoding.UTF8.GetBytes(Answer(ctx, r.From, u.LocalEndpoint.Port)), r.From.Address, r.From.Port);
        }
    }
}

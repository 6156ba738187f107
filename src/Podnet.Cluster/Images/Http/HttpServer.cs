using Podnet.Kernel.Sockets;

namespace Podnet.Cluster.Images.Http;

/// <summary>
/// An HTTP/1.1 server loop on an emulated TCP listener (keep-alive until the client closes); the
/// handler sees the request and the client's address as the server's socket saw it (after any NAT).
/// </summary>
public static class HttpServer
{
    /// <summary>Listens on 0.0.0.0:<paramref name="port"/>; returns the bind error at once, else serves until the loop stops.</summary>
    public static (Task? Serving, Errno Error) Start(ProcessContext ctx, int port, Func<HttpRequest, Ipv4Endpoint, HttpResponse> handler)
    {
        var (listener, err) = ctx.Namespace.Tcp.Listen(0, (ushort)port, 511);
        if (listener is null) return (null, err);
        return (AcceptLoop(listener, handler), Errno.None);
    }

    private static async Task AcceptLoop(TcpListener listener, Func<HttpRequest, Ipv4Endpoint, HttpResponse> handler)
    {
        while (true)
        {
            var s = await listener.AcceptAsync();
            if (s is null) return;
            _ = Serve(s, handler);
        }
    }

    private static async Task Serve(TcpSocket s, Func<HttpRequest, Ipv4Endpoint, HttpResponse> handler)
    {
        while (true)
        {
            var msg = await HttpWire.ReadMessageAsync(s, null, bodyUntilClose: false);
            if (msg is null)
            {
                s.Close();
                return;
            }
            var req = HttpWire.ParseRequest(msg.Value.Head, msg.Value.Body);
            if (req is null)
            {
                s.Send(HttpWire.Format(HttpResponse.Text(400, "Bad Request", "400 Bad Request\n", "text/plain", ("Connection", "close"))));
                s.Close();
                return;
            }
            var resp = handler(req, s.RemoteEndpoint);
            s.Send(HttpWire.Format(resp, req.Method != "HEAD"));
            if (string.Equals(req.Header("Connection"), "close", StringComparison.OrdinalIgnoreCase))
            {
                s.Close();
                return;
            }
        }
    }
}

using Podnet.Cluster.Images.Http;
using Podnet.Kernel.Sockets;

namespace Podnet.Cluster.Images.Tls;

/// <summary>
/// An HTTPS (HTTP/1.1 over TLS) server on an emulated TCP listener: nginx's
/// <c>listen 443 ssl</c> with one <c>ssl_certificate</c> per <c>server_name</c>. Each accepted
/// connection runs <see cref="TlsServer.AuthenticateAsync(Stream, Func{string?, TlsCertificate}, TlsServerOptions?)"/>,
/// then serves keep-alive requests on the decrypted stream until the client closes.
/// </summary>
public static class HttpsServer
{
    /// <summary>
    /// Listens on 0.0.0.0:<paramref name="port"/>; returns the bind error at once, else serves until the
    /// loop stops. <paramref name="handshakeFailed"/> is told of every failed handshake (nginx's error log line).
    /// </summary>
    public static (Task? Serving, Errno Error) Start(ProcessContext ctx, int port, Func<string?, TlsCertificate> selectCertificate,
        Func<HttpRequest, TlsConnectionInfo, Task<HttpResponse>> handler, Action<Ipv4Endpoint, string>? handshakeFailed = null)
    {
        var (listener, err) = ctx.Namespace.Tcp.Listen(0, (ushort)port, 511);
        if (listener is null) return (null, err);
        return (AcceptLoop(listener, selectCertificate, handler, handshakeFailed), Errno.None);
    }

    private static async Task AcceptLoop(TcpListener listener, Func<string?, TlsCertificate> select,
        Func<HttpRequest, TlsConnectionInfo, Task<HttpResponse>> handler, Action<Ipv4Endpoint, string>? failed)
    {
        while (true)
        {
            var s = await listener.AcceptAsync();
            if (s is null) return;
            _ = ServeConnectionAsync(s, select, handler, failed);
        }
    }

    /// <summary>
    /// Terminates TLS on one accepted connection and serves its requests: the building block for a
    /// server that accepts itself (an ingress controller listening on 443).
    /// </summary>
    public static async Task ServeConnectionAsync(TcpSocket socket, Func<string?, TlsCertificate> select,
        Func<HttpRequest, TlsConnectionInfo, Task<HttpResponse>> handler, Action<Ipv4Endpoint, string>? failed = null)
    {
        var transport = new TcpSocketStream(socket);
        var tls = await TlsServer.AuthenticateAsync(transport, select);
        if (!tls.Succeeded)
        {
            failed?.Invoke(socket.RemoteEndpoint, tls.Error ?? "handshake failed");
            transport.Dispose();
            return;
        }
        var ssl = tls.Stream!;
        var info = TlsConnectionInfo.Of(ssl, socket.RemoteEndpoint);
        var pending = new StreamHttp.Pending();
        while (true)
        {
            var msg = await StreamHttp.ReadMessageAsync(ssl, bodyUntilClose: false, pending: pending);
            if (msg is null) break;
            var req = HttpWire.ParseRequest(msg.Value.Head, msg.Value.Body);
            if (req is null)
            {
                await WriteAsync(ssl, HttpWire.Format(HttpResponse.Text(400, "Bad Request", "400 Bad Request\n", "text/plain", ("Connection", "close"))));
                break;
            }
            var resp = await handler(req, info);
            if (!await WriteAsync(ssl, HttpWire.Format(resp, req.Method != "HEAD"))) break;
            if (string.Equals(req.Header("Connection"), "close", StringComparison.OrdinalIgnoreCase)) break;
        }
        await ssl.CloseAsync();
    }

    /// <summary>Writes to a TLS stream; false when the connection is gone.</summary>
    public static async Task<bool> WriteAsync(Stream ssl, byte[] bytes)
    {
        try
        {
            await ssl.WriteAsync(bytes);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}

using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Podnet.Cluster.Dns.Wire;

namespace Podnet.Cluster.Dns.Server;

/// <summary>A real DNS server on the host's sockets (what CoreDNS's <c>dns://.:53</c> listener is): UDP and TCP on
/// one address, every request going through <see cref="DnsRequestProcessor"/> to an <see cref="IDnsHandler"/>.
/// Memory is bounded under a flood: a fixed number of UDP loops with one buffer each (the kernel drops what they
/// cannot take), at most <see cref="DnsServerOptions.MaxTcpConnections"/> TCP connections, each with an idle
/// timeout and a 64 KiB frame buffer.</summary>
public sealed class DnsServer : IAsyncDisposable
{
    private readonly DnsServerOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private Socket? _udp;
    private Socket? _tcp;
    private int _tcpOpen;
    private long _tcpRejected;

    /// <summary>A server answering through <paramref name="handler"/>; call <see cref="Start"/>.</summary>
    public DnsServer(IDnsHandler handler, DnsServerOptions? options = null)
    {
        _options = options ?? new DnsServerOptions();
        Processor = new DnsRequestProcessor(handler);
    }

    /// <summary>Request counters.</summary>
    public DnsRequestProcessor Processor { get; }

    /// <summary>The bound address (the real port when 0 was asked).</summary>
    public IPEndPoint LocalEndPoint { get; private set; } = DnsServerOptions.DefaultListen;

    /// <summary>TCP connections open now.</summary>
    public int OpenTcpConnections => Volatile.Read(ref _tcpOpen);

    /// <summary>TCP connections closed at accept because the limit was reached.</summary>
    public long RejectedTcpConnections => Interlocked.Read(ref _tcpRejected);

    /// <summary>Binds UDP and TCP and starts serving. Throws <see cref="SocketException"/> when the address is taken.</summary>
    public void Start()
    {
        var listen = _options.Listen;
        for (var attempt = 0; ; attempt++)
        {
            var udp = new Socket(listen.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            var tcp = new Socket(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                udp.ReceiveBufferSize = 4 << 20;
                udp.Bind(listen);
                var bound = (IPEndPoint)udp.LocalEndPoint!;
                tcp.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                tcp.Bind(bound);
                tcp.Listen(128);
                _udp = udp;
                _tcp = tcp;
                LocalEndPoint = bound;
                break;
            }
            catch (SocketException) when (listen.Port == 0 && attempt < 20)
            {
                udp.Dispose();
                tcp.Dispose();
            }
            catch
            {
                udp.Dispose();
                tcp.Dispose();
                throw;
            }
        }
        for (var i = 0; i < Math.Max(1, _options.UdpWorkers); i++) _loops.Add(Task.Run(() => UdpLoop(_stop.Token)));
        _loops.Add(Task.Run(() => AcceptLoop(_stop.Token)));
    }

    private async Task UdpLoop(CancellationToken ct)
    {
        var buf = new byte[65535];
        EndPoint any = new IPEndPoint(LocalEndPoint.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!ct.IsCancellationRequested)
        {
            SocketReceiveFromResult r;
            try
            {
                r = await _udp!.ReceiveFromAsync(buf, SocketFlags.None, any, ct);
            }
            catch (OperationCanceledException) { break; }
            catch (ObjectDisposedException) { break; }
            catch (SocketException) { continue; }
            byte[]? reply;
            try
            {
                reply = Processor.Process(buf.AsSpan(0, r.ReceivedBytes), udp: true);
            }
            catch (Exception)
            {
                continue; // Never reached by design (the processor catches); a bug must not kill the loop.
            }
            if (reply is null) continue;
            try
            {
                await _udp.SendToAsync(reply, SocketFlags.None, r.RemoteEndPoint, ct);
            }
            catch (OperationCanceledException) { break; }
            catch (ObjectDisposedException) { break; }
            catch (SocketException) { }
        }
    }

    private async Task AcceptLoop(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket conn;
            try
            {
                conn = await _tcp!.AcceptAsync(ct);
            }
            catch (OperationCanceledException) { break; }
            catch (ObjectDisposedException) { break; }
            catch (SocketException) { continue; }
            if (Interlocked.Increment(ref _tcpOpen) > _options.MaxTcpConnections)
            {
                Interlocked.Decrement(ref _tcpOpen);
                Interlocked.Increment(ref _tcpRejected);
                conn.Dispose();
                continue;
            }
            _ = Task.Run(() => ServeTcp(conn, ct), CancellationToken.None);
        }
    }

    private async Task ServeTcp(Socket conn, CancellationToken ct)
    {
        try
        {
            var len = new byte[2];
            var body = new byte[65535];
            for (var n = 0; n < _options.MaxQueriesPerTcpConnection; n++)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
                idle.CancelAfter(_options.TcpIdleTimeout);
                if (!await ReadExactly(conn, len, idle.Token)) break;
                int size = BinaryPrimitives.ReadUInt16BigEndian(len);
                if (!await ReadExactly(conn, body.AsMemory(0, size), idle.Token)) break;
                var reply = Processor.Process(body.AsSpan(0, size), udp: false);
                if (reply is null)
                {
                    // Not a query we can answer at all (short header or a response): the stream may be desynchronised.
                    break;
                }
                await conn.SendAsync(DnsTcpFraming.Frame(reply), SocketFlags.None, idle.Token);
            }
        }
        catch (OperationCanceledException) { }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
        finally
        {
            try { conn.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
            conn.Dispose();
            Interlocked.Decrement(ref _tcpOpen);
        }
    }

    private static async Task<bool> ReadExactly(Socket s, Memory<byte> buf, CancellationToken ct)
    {
        var got = 0;
        while (got < buf.Length)
        {
            var n = await s.ReceiveAsync(buf[got..], SocketFlags.None, ct);
            if (n == 0) return false;
            got += n;
        }
        return true;
    }

    /// <summary>Stops listening and waits for the loops to end.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _udp?.Dispose();
        _tcp?.Dispose();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException) { }
        _stop.Dispose();
    }
}

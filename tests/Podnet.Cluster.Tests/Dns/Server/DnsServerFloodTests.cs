using System.Net;
using System.Net.Sockets;
using Podnet.Cluster.Dns.Server;
using Podnet.Cluster.Dns.Wire;
using Podnet.Cluster.Tests.Dns.Wire;
using Xunit;

namespace Podnet.Cluster.Tests.Dns.Server;

public class DnsServerFloodTests
{
    [Fact]
    public async Task Server_survives_20000_garbage_datagrams_and_still_answers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var s = new DnsServer(new TestZoneHandler(), new DnsServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), UdpWorkers = 2 });
        s.Start();
        using (var flood = new UdpClient())
        {
            flood.Connect(s.LocalEndPoint);
            var sent = 0;
            foreach (var p in DnsParserFuzzTests.Packets(20_000, 7))
            {
                if (p.Length == 0) continue;
                flood.Send(p);
                if (++sent % 500 == 0)
                {
                    // Drain what came back so our own socket buffer does not fill; replies are allowed, not required.
                    while (flood.Available > 0) flood.Client.Receive(new byte[65535]);
                    await Task.Yield();
                }
            }
        }
        using var c = new UdpClient();
        c.Connect(s.LocalEndPoint);
        // The flood may still be queued in the kernel: retry the valid query until its own reply comes back.
        DnsMessage? answer = null;
        for (var attempt = 0; attempt < 50 && answer is null; attempt++)
        {
            await c.SendAsync(DnsMessageWriter.Write(DnsMessage.Query((ushort)(1000 + attempt), "alive.test", DnsRecordType.A)), ct);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                while (answer is null)
                {
                    var r = await c.ReceiveAsync(wait.Token);
                    var m = DnsMessageReader.Parse(r.Buffer).Message;
                    if (m is { Header.Id: >= 1000 }) answer = m;
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
        }
        Assert.NotNull(answer);
        Assert.Equal("alive.test.\t30\tIN\tA\t10.0.0.5", answer!.Answers[0].ToString());
        Assert.True(s.Processor.Received > 1000);
    }

    [Fact]
    public async Task Tcp_connections_are_bounded_and_garbage_frames_close_the_connection()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var s = new DnsServer(new TestZoneHandler(), new DnsServerOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 0), MaxTcpConnections = 8, TcpIdleTimeout = TimeSpan.FromSeconds(30),
        });
        s.Start();
        var clients = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 40; i++)
            {
                var t = new TcpClient();
                await t.ConnectAsync(s.LocalEndPoint, ct);
                clients.Add(t);
            }
            // Accepting is asynchronous: wait until the server has seen all 40 (no timing assertion, just progress).
            while (s.OpenTcpConnections + s.RejectedTcpConnections < 40) await Task.Delay(10, ct);
            Assert.True(s.OpenTcpConnections <= 8);
            Assert.Equal(32, s.RejectedTcpConnections);
        }
        finally
        {
            foreach (var t in clients) t.Dispose();
        }
        while (s.OpenTcpConnections > 0) await Task.Delay(10, ct);

        // A frame too short to hold a header: the server closes the connection (reads 0 bytes).
        using (var bad = new TcpClient())
        {
            await bad.ConnectAsync(s.LocalEndPoint, ct);
            var st = bad.GetStream();
            await st.WriteAsync(new byte[] { 0, 3, 1, 2, 3 }, ct);
            Assert.Equal(0, await st.ReadAsync(new byte[10], ct));
        }

        using var good = new TcpClient();
        await good.ConnectAsync(s.LocalEndPoint, ct);
        var gs = good.GetStream();
        await gs.WriteAsync(DnsTcpFraming.Frame(DnsMessageWriter.Write(DnsMessage.Query(3, "tcp.test", DnsRecordType.A))), ct);
        var lenBuf = new byte[2];
        await gs.ReadExactlyAsync(lenBuf, ct);
        var body = new byte[(lenBuf[0] << 8) | lenBuf[1]];
        await gs.ReadExactlyAsync(body, ct);
        Assert.Equal("tcp.test.\t30\tIN\tA\t10.0.0.3", DnsMessageReader.Parse(body).Message!.Answers[0].ToString());
    }
}

using System.Net.Security;
using Podnet.Cluster.Images.Tls;
using Podnet.Kernel.Simulation;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Wire;
using Xunit;

namespace Podnet.Cluster.Tests.Images.Tls;

/// <summary>The Stream over an emulated TCP connection, alone and under SslStream, on one namespace's loopback.</summary>
public sealed class TcpSocketStreamTests
{
    private static NetNamespace Host(out World world)
    {
        world = new World(5);
        var ns = world.CreateNamespace("host");
        ns.SetUp(ns.Loopback, true);
        return ns;
    }

    [Fact]
    public void PlainBytes_BothWays_ThenEndOfStream()
    {
        var ns = Host(out var world);
        var (listener, _) = ns.Tcp.Listen(0, 7000);
        string got = "";
        var r = world.Run(async () =>
        {
            var accept = listener!.AcceptAsync();
            var (c, e) = await ns.Tcp.ConnectAsync(Ipv4Address.Parse("127.0.0.1"), 7000);
            Assert.Equal(Podnet.Kernel.Sockets.Errno.None, e);
            var s = await accept;
            await using var client = new TcpSocketStream(c);
            await using var srv = new TcpSocketStream(s!);
            await client.WriteAsync("hello"u8.ToArray());
            client.ShutdownWrite();
            var buf = new byte[64];
            int n, total = 0;
            while ((n = await srv.ReadAsync(buf.AsMemory(total))) > 0) total += n;
            got = System.Text.Encoding.ASCII.GetString(buf, 0, total);
            Assert.True(srv.PeerClosed);
        }, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30));
        Assert.Equal(RunOutcome.Completed, r.Outcome);
        Assert.Equal("hello", got);
    }

    [Fact]
    public void SslStream_HandshakeAndData_CompleteOnTheLoop()
    {
        var ns = Host(out var world);
        var (listener, _) = ns.Tcp.Listen(0, 8443);
        var log = new List<string>();
        string reply = "";
        Task? serverTask = null;
        var r = world.Run(async () =>
        {
            serverTask = Serve();
            var (c, _) = await ns.Tcp.ConnectAsync(Ipv4Address.Parse("127.0.0.1"), 8443);
            var transport = new TcpSocketStream(c);
            var ssl = new SslStream(transport);
            log.Add("client handshake");
            await transport.Guard(ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "a.example.com",
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            }));
            log.Add("client done " + ssl.SslProtocol);
            await transport.Guard(ssl.WriteAsync("ping"u8.ToArray()).AsTask());
            var buf = new byte[16];
            int n = await transport.Guard(ssl.ReadAsync(buf).AsTask());
            reply = System.Text.Encoding.ASCII.GetString(buf, 0, n);
            await serverTask;
        }, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30));

        async Task Serve()
        {
            var s = await listener!.AcceptAsync();
            log.Add("accepted");
            var t = await TlsServer.AuthenticateAsync(new TcpSocketStream(s!), _ => TlsTestPki.A.Certificate);
            log.Add("server done " + t.ServerName + " " + t.Error);
            var buf = new byte[16];
            int n = await t.Stream!.ReadAsync(buf);
            await t.Stream.WriteAsync(buf.AsMemory(0, n));
        }

        Assert.True(r.Outcome == RunOutcome.Completed, r.Outcome + " " + r.Exception + " " + serverTask?.Exception + string.Join(" | ", log));
        Assert.Equal("ping", reply);
    }
}

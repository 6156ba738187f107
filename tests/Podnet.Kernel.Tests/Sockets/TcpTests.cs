using System.Text;
using Podnet.Kernel.Simulation;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Wire;
using Xunit;
using static Podnet.Kernel.Tests.Topo;

namespace Podnet.Kernel.Tests.Sockets;

public class TcpTests
{
    [Fact]
    public void Request_and_response_over_a_veth()
    {
        var (w, a, b) = TwoHosts();
        var (l, e) = b.Tcp.Listen(0, 80);
        Assert.Equal(Errno.None, e);
        string? got = null, reply = null;
        Ipv4Endpoint? peer = null;
        w.Loop.Start(async () =>
        {
            var s = (await l!.AcceptAsync())!;
            peer = s.RemoteEndpoint;
            var buf = new byte[100];
            var r = await s.ReceiveAsync(buf);
            got = Encoding.ASCII.GetString(buf, 0, r.Count);
            s.Send("pong"u8);
            s.Close();
        });
        var res = Run(w, async () =>
        {
            var (s, err) = await a.Tcp.ConnectAsync(Ip("10.0.0.2"), 80);
            Assert.Equal(Errno.None, err);
            s.Send("ping"u8);
            reply = Encoding.ASCII.GetString(await s.ReadToEndAsync());
            s.Close();
        });
        Assert.Equal(RunOutcome.Completed, res.Outcome);
        Assert.Equal("ping", got);
        Assert.Equal("pong", reply);
        Assert.Equal(Ip("10.0.0.1"), peer!.Value.Address);
        Assert.InRange(peer.Value.Port, 32768, 60999);
    }

    [Fact]
    public void No_listener_is_refused_at_once()
    {
        var (w, a, _) = TwoHosts();
        Errno err = Errno.None;
        var res = Run(w, async () => (_, err) = await a.Tcp.ConnectAsync(Ip("10.0.0.2"), 81));
        Assert.True(res.Completed);
        Assert.Equal(Errno.ECONNREFUSED, err);
        Assert.True(res.VirtualTime < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Syn_into_a_blackhole_retransmits_then_times_out_in_virtual_time()
    {
        var (w, l, r, _) = Routed();
        Ok(r.AddRoute(new Route(Ipv4Prefix.Parse("10.9.0.0/16"), RouteType.Blackhole, 0, null, 0, RouteScope.Universe, null, 0)));
        Errno err = Errno.None;
        var res = Run(w, async () => (_, err) = await l.Tcp.ConnectAsync(Ip("10.9.0.1"), 80));
        Assert.True(res.Completed);
        Assert.Equal(Errno.ETIMEDOUT, err);
        // 1+2+4+8+16+32+64 s: Linux's tcp_syn_retries=6.
        Assert.Equal(TimeSpan.FromSeconds(127), res.VirtualTime);
        Assert.True(res.RealTime < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void Connect_timeout_option_ends_earlier()
    {
        var (w, l, r, _) = Routed();
        Ok(r.AddRoute(new Route(Ipv4Prefix.Parse("10.9.0.0/16"), RouteType.Blackhole, 0, null, 0, RouteScope.Universe, null, 0)));
        Errno err = Errno.None;
        var res = Run(w, async () => (_, err) = await l.Tcp.ConnectAsync(Ip("10.9.0.1"), 80, new TcpConnectOptions { Timeout = TimeSpan.FromSeconds(10) }));
        Assert.Equal(Errno.ETIMEDOUT, err);
        Assert.Equal(TimeSpan.FromSeconds(10), res.VirtualTime);
    }

    [Fact]
    public void Local_blackhole_route_is_einval_and_no_route_is_enetunreach()
    {
        var (w, a, _) = TwoHosts();
        Ok(a.AddRoute(new Route(Ipv4Prefix.Parse("10.8.0.0/16"), RouteType.Blackhole, 0, null, 0, RouteScope.Universe, null, 0)));
        Errno e1 = Errno.None, e2 = Errno.None;
        Run(w, async () =>
        {
            (_, e1) = await a.Tcp.ConnectAsync(Ip("10.8.0.1"), 80);
            (_, e2) = await a.Tcp.ConnectAsync(Ip("192.0.2.1"), 80);
        });
        Assert.Equal(Errno.EINVAL, e1);
        Assert.Equal(Errno.ENETUNREACH, e2);
    }

    [Fact]
    public void Unanswered_arp_gives_no_route_to_host()
    {
        var (w, a, _) = TwoHosts();
        Errno err = Errno.None;
        var res = Run(w, async () => (_, err) = await a.Tcp.ConnectAsync(Ip("10.0.0.77"), 80));
        Assert.Equal(Errno.EHOSTUNREACH, err);
        Assert.Equal("No route to host", err.Message());
        Assert.Equal(TimeSpan.FromSeconds(3), res.VirtualTime);
        Assert.Equal(NudState.Failed, a.Neighbours.Single(n => n.Address == Ip("10.0.0.77")).StateAt(w.Loop.Now));
    }

    [Fact]
    public void Bind_rules_follow_linux()
    {
        var (_, a, _) = TwoHosts();
        Assert.Equal(Errno.None, a.Tcp.Listen(Ip("10.0.0.1"), 8080).Error);
        Assert.Equal(Errno.EADDRINUSE, a.Tcp.Listen(0, 8080).Error);
        Assert.Equal(Errno.None, a.Tcp.Listen(Ip("127.0.0.1"), 8080).Error);
        Assert.Equal(Errno.EADDRINUSE, a.Tcp.Listen(Ip("127.0.0.1"), 8080, reuseAddress: true).Error);
        Assert.Equal(Errno.EADDRNOTAVAIL, a.Tcp.Listen(Ip("10.0.0.99"), 8081).Error);
        var (any, _) = a.Tcp.Listen(0, 9090);
        Assert.Equal(Errno.EADDRINUSE, a.Tcp.Listen(Ip("10.0.0.1"), 9090).Error);
        any!.Close();
        Assert.Equal(Errno.None, a.Tcp.Listen(Ip("10.0.0.1"), 9090).Error);
    }

    [Fact]
    public void Localhost_is_per_namespace()
    {
        var (w, a, b) = TwoHosts();
        b.Tcp.Listen(Ip("127.0.0.1"), 6379);
        Errno err = Errno.None;
        Run(w, async () => (_, err) = await a.Tcp.ConnectAsync(Ip("127.0.0.1"), 6379));
        Assert.Equal(Errno.ECONNREFUSED, err);
        a.Tcp.Listen(Ip("127.0.0.1"), 6379);
        Run(w, async () => (_, err) = await a.Tcp.ConnectAsync(Ip("127.0.0.1"), 6379));
        Assert.Equal(Errno.None, err);
    }

    [Fact]
    public void Many_connections_across_a_bridge()
    {
        var (w, _, _, hosts) = BridgeWithThree();
        var (l, _) = hosts[1].Tcp.Listen(0, 80);
        w.Loop.Start(async () =>
        {
            while (true)
            {
                var s = await l!.AcceptAsync();
                if (s == null) return;
                var buf = new byte[200];
                var r = await s.ReceiveAsync(buf);
                s.Send(buf.AsSpan(0, r.Count));
                s.Close();
            }
        });
        int ok = 0;
        var res = Run(w, async () =>
        {
            var req = new byte[100];
            for (int i = 0; i < 500; i++)
            {
                var (s, e) = await hosts[0].Tcp.ConnectAsync(Ip("10.0.0.12"), 80);
                Assert.Equal(Errno.None, e);
                s.Send(req);
                var buf = new byte[200];
                var r = await s.ReceiveAsync(buf);
                if (r.Count == 100) ok++;
                s.Close();
            }
        });
        Assert.True(res.Completed, res.ToString());
        Assert.Equal(500, ok);
        Assert.Equal(RunOutcome.Idle, w.Loop.RunUntilIdle(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)).Outcome);
        Assert.Empty(hosts[0].Tcp.Connections);
        Assert.Empty(hosts[1].Tcp.Connections);
    }
}

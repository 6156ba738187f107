using System.Text;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Tracing;
using Podnet.Kernel.Wire;
using Xunit;
using static Podnet.Kernel.Tests.Topo;

namespace Podnet.Kernel.Tests.Sockets;

public class UdpIcmpTests
{
    [Fact]
    public void Udp_echo_and_the_receiver_sees_the_sender_address()
    {
        var (w, a, b) = TwoHosts();
        var (srv, e) = b.Udp.Bind(0, 53);
        Assert.Equal(Errno.None, e);
        UdpReceiveResult got = default;
        string? answer = null;
        var r = Run(w, async () =>
        {
            var c = a.Udp.Open();
            Assert.Equal(Errno.None, c.Connect(Ip("10.0.0.2"), 53));
            c.Send("query"u8);
            got = await srv!.ReceiveAsync();
            srv.SendTo("answer"u8, got.From.Address, got.From.Port);
            var back = await c.ReceiveAsync(TimeSpan.FromSeconds(1));
            answer = Encoding.ASCII.GetString(back.Data);
        });
        Assert.True(r.Completed);
        Assert.Equal("query", Encoding.ASCII.GetString(got.Data));
        Assert.Equal(Ip("10.0.0.1"), got.From.Address);
        Assert.Equal("answer", answer);
    }

    [Fact]
    public void Port_unreachable_is_econnrefused_on_a_connected_socket()
    {
        var (w, a, _) = TwoHosts();
        Errno err = Errno.None;
        Run(w, async () =>
        {
            var c = a.Udp.Open();
            c.Connect(Ip("10.0.0.2"), 9);
            c.Send("x"u8);
            err = (await c.ReceiveAsync(TimeSpan.FromSeconds(2))).Error;
        });
        Assert.Equal(Errno.ECONNREFUSED, err);
        Assert.Equal(1, w.GetNamespace("b")!.Counters.UdpNoPorts);
    }

    [Fact]
    public void Unconnected_socket_times_out_with_eagain()
    {
        var (w, a, _) = TwoHosts();
        Errno err = Errno.None;
        var r = Run(w, async () =>
        {
            var c = a.Udp.Open();
            c.SendTo("x"u8, Ip("10.0.0.2"), 9);
            err = (await c.ReceiveAsync(TimeSpan.FromSeconds(5))).Error;
        });
        Assert.Equal(Errno.EAGAIN, err);
        Assert.Equal(TimeSpan.FromSeconds(5), r.VirtualTime);
    }

    [Fact]
    public void Udp_bind_rules_and_reuseaddr()
    {
        var (_, a, _) = TwoHosts();
        Assert.Equal(Errno.None, a.Udp.Bind(0, 5000).Error);
        Assert.Equal(Errno.EADDRINUSE, a.Udp.Bind(Ip("10.0.0.1"), 5000).Error);
        Assert.Equal(Errno.None, a.Udp.Bind(Ip("10.0.0.1"), 5001, reuseAddress: true).Error);
        Assert.Equal(Errno.None, a.Udp.Bind(Ip("10.0.0.1"), 5001, reuseAddress: true).Error);
        Assert.Equal(Errno.EADDRNOTAVAIL, a.Udp.Bind(Ip("10.9.9.9"), 5002).Error);
        var (s, _) = a.Udp.Bind(0, 0);
        Assert.InRange(s!.LocalEndpoint.Port, 32768, 60999);
    }

    [Fact]
    public void Ping_across_a_router_decrements_ttl()
    {
        var (w, l, _, _) = Routed();
        PingReply reply = default;
        Run(w, async () => reply = await l.Icmp.PingAsync(Ip("10.2.0.2"), TimeSpan.FromSeconds(1)));
        Assert.Equal(PingStatus.Reply, reply.Status);
        Assert.Equal(63, reply.Ttl);
        Assert.Equal(Ip("10.2.0.2"), reply.From);
    }

    [Fact]
    public void Ttl_one_gets_time_exceeded_from_the_router_and_traceroute_lists_hops()
    {
        var (w, l, _, _) = Routed();
        var hops = new List<string>();
        Run(w, async () =>
        {
            for (byte ttl = 1; ttl <= 5; ttl++)
            {
                var r = await l.Icmp.PingAsync(Ip("10.2.0.2"), TimeSpan.FromSeconds(1), ttl, ttl);
                hops.Add($"{r.Status} {Ipv4Address.Format(r.From)}");
                if (r.Status == PingStatus.Reply) break;
            }
        });
        Assert.Equal(["TimeExceeded 10.1.0.1", "Reply 10.2.0.2"], hops);
    }

    [Fact]
    public void Udp_traceroute_probes_report_time_exceeded_and_port_unreachable()
    {
        var (w, l, _, _) = Routed();
        var seen = new List<string>();
        Run(w, async () =>
        {
            for (byte ttl = 1; ttl <= 3; ttl++)
            {
                var s = l.Udp.Open();
                s.ReceiveErrors = true;
                s.Ttl = ttl;
                s.SendTo(new byte[32], Ip("10.2.0.2"), (ushort)(33433 + ttl));
                var r = await s.ReceiveAsync(TimeSpan.FromSeconds(5));
                seen.Add($"{Ipv4Address.Format(r.ErrorOrigin)} {(r.TimeExceeded ? "ttl" : r.Error.ToString())}");
                s.Close();
                if (!r.TimeExceeded) break;
            }
        });
        Assert.Equal(["10.1.0.1 ttl", "10.2.0.2 ECONNREFUSED"], seen);
    }

    [Fact]
    public void Forwarding_off_drops_silently()
    {
        var (w, l, r, _) = Routed(forward: false);
        PingReply reply = default;
        Run(w, async () => reply = await l.Icmp.PingAsync(Ip("10.2.0.2"), TimeSpan.FromSeconds(1)));
        Assert.Equal(PingStatus.Timeout, reply.Status);
        Assert.Equal(1, r.Counters.InAddrErrors);
    }

    [Fact]
    public void Router_without_route_answers_net_unreachable()
    {
        var (w, l, _, _) = Routed();
        Errno err = Errno.None;
        var trace = new FlowTrace();
        Run(w, async () => (_, err) = await l.Tcp.ConnectAsync(Ip("192.0.2.9"), 80, new TcpConnectOptions { Trace = trace }));
        Assert.Equal(Errno.ENETUNREACH, err);
        trace.Complete(err);
        Assert.Equal(TraceOutcome.NoRoute, trace.Outcome);
        Assert.Contains(trace.Steps, s => s.Kind == TraceStepKind.Error && s.Text.Contains("net unreachable"));
    }

    [Fact]
    public void Routing_loop_ends_by_ttl()
    {
        var (w, l, r, rt) = Routed();
        // router sends 10.50/16 to right, right sends it back to router: a loop.
        Ok(r.AddRoute(new Route(Ipv4Prefix.Parse("10.50.0.0/16"), RouteType.Unicast, Ip("10.2.0.2"), null, 0, RouteScope.Universe, null, 0)));
        rt.Sysctls.Set("net.ipv4.ip_forward", "1");
        PingReply reply = default;
        Run(w, async () => reply = await l.Icmp.PingAsync(Ip("10.50.0.1"), TimeSpan.FromSeconds(1)));
        Assert.Equal(PingStatus.TimeExceeded, reply.Status);
        Assert.True(r.Counters.ForwDatagrams + rt.Counters.ForwDatagrams >= 60);
    }
}

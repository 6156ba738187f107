using Podnet.Kernel.Netfilter;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Wire;
using Xunit;
using static Podnet.Kernel.Tests.Topo;

namespace Podnet.Kernel.Tests.Stack;

/// <summary>The stack calls netfilter at Linux's hook points and applies what it rewrote (the seam of INetfilter.cs).</summary>
public class NetfilterHookTests
{
    /// <summary>A scripted netfilter: records hooks and runs a per-hook action.</summary>
    private sealed class Scripted : INetfilter
    {
        public List<string> Seen { get; } = [];
        public Func<NetfilterHook, NetfilterPacket, NetfilterVerdict>? Action { get; set; }

        public NetfilterVerdict Process(NetfilterHook hook, NetfilterPacket p)
        {
            Seen.Add($"{hook} {p.Protocol} {Ipv4Address.Format(p.Source)}:{p.SourcePort}>{Ipv4Address.Format(p.Destination)}:{p.DestinationPort} in={p.InInterface} out={p.OutInterface}{(p.Bridged ? $" bridged {p.PhysInInterface}>{p.PhysOutInterface}" : "")}");
            return Action?.Invoke(hook, p) ?? NetfilterVerdict.Accept;
        }
    }

    [Fact]
    public void Forwarded_local_and_output_packets_pass_the_linux_hooks()
    {
        var (w, l, r, rt) = Routed();
        var nfR = new Scripted();
        var nfRt = new Scripted();
        var nfL = new Scripted();
        r.Netfilter = nfR;
        rt.Netfilter = nfRt;
        l.Netfilter = nfL;
        var udp = rt.Udp.Bind(0, 53).Socket!;
        Run(w, async () =>
        {
            var s = l.Udp.Open();
            s.Bind(0, 5000);
            s.SendTo("q"u8, Ip("10.2.0.2"), 53);
            await udp.ReceiveAsync();
        });
        Assert.Equal(["Output 17 10.1.0.2:5000>10.2.0.2:53 in= out=eth0", "Postrouting 17 10.1.0.2:5000>10.2.0.2:53 in= out=eth0"], nfL.Seen);
        Assert.Equal(["Prerouting 17 10.1.0.2:5000>10.2.0.2:53 in=l0 out=", "Forward 17 10.1.0.2:5000>10.2.0.2:53 in=l0 out=r0", "Postrouting 17 10.1.0.2:5000>10.2.0.2:53 in=l0 out=r0"], nfR.Seen);
        Assert.Equal(["Prerouting 17 10.1.0.2:5000>10.2.0.2:53 in=eth0 out=", "Input 17 10.1.0.2:5000>10.2.0.2:53 in=eth0 out="], nfRt.Seen);
    }

    [Fact]
    public void Dnat_at_prerouting_reroutes_and_the_receiver_sees_the_rewritten_packet()
    {
        var (w, l, r, rt) = Routed();
        // 10.96.0.10:80 is a "virtual" address nobody has; the router DNATs it to right:8080 and un-NATs replies.
        uint vip = Ip("10.96.0.10"), backend = Ip("10.2.0.2");
        Ok(l.AddRoute(new Route(Ipv4Prefix.Parse("10.96.0.0/16"), RouteType.Unicast, Ip("10.1.0.1"), null, 0, RouteScope.Universe, null, 0)));
        r.Netfilter = new Scripted
        {
            Action = (hook, p) =>
            {
                if (hook == NetfilterHook.Prerouting && p.Destination == vip && p.DestinationPort == 80)
                {
                    p.Destination = backend;
                    p.DestinationPort = 8080;
                }
                else if (hook == NetfilterHook.Postrouting && p.Source == backend && p.SourcePort == 8080)
                {
                    p.Source = vip;
                    p.SourcePort = 80;
                }
                return NetfilterVerdict.Accept;
            },
        };
        var (listener, _) = rt.Tcp.Listen(0, 8080);
        Ipv4Endpoint? serverSaw = null;
        w.Loop.Start(async () => { var s = await listener!.AcceptAsync(); serverSaw = s!.LocalEndpoint; s.Send("hi"u8); s.Close(); });
        byte[] got = [];
        Errno err = Errno.ENOTCONN;
        var res = Run(w, async () =>
        {
            var (s, e) = await l.Tcp.ConnectAsync(vip, 80);
            err = e;
            got = await s.ReadToEndAsync();
        });
        Assert.True(res.Completed);
        Assert.Equal(Errno.None, err);
        Assert.Equal("hi"u8.ToArray(), got);
        Assert.Equal(new Ipv4Endpoint(backend, 8080), serverSaw);
    }

    [Fact]
    public void Reject_with_tcp_reset_refuses_and_drop_times_out()
    {
        var (w, l, r, rt) = Routed();
        rt.Tcp.Listen(0, 80);
        var nf = new Scripted();
        r.Netfilter = nf;
        nf.Action = (hook, p) => hook == NetfilterHook.Forward && p.DestinationPort == 80 ? NetfilterVerdict.Reject(RejectWith.TcpReset) : NetfilterVerdict.Accept;
        Errno e1 = Errno.None, e2 = Errno.None, e3 = Errno.None;
        Run(w, async () => (_, e1) = await l.Tcp.ConnectAsync(Ip("10.2.0.2"), 80));
        nf.Action = (hook, p) => hook == NetfilterHook.Forward && p.DestinationPort == 80 ? NetfilterVerdict.Drop : NetfilterVerdict.Accept;
        Run(w, async () => (_, e2) = await l.Tcp.ConnectAsync(Ip("10.2.0.2"), 80, new TcpConnectOptions { Timeout = TimeSpan.FromSeconds(3) }));
        nf.Action = (hook, p) => hook == NetfilterHook.Forward && p.DestinationPort == 80 ? NetfilterVerdict.Reject(RejectWith.IcmpHostProhibited) : NetfilterVerdict.Accept;
        Run(w, async () => (_, e3) = await l.Tcp.ConnectAsync(Ip("10.2.0.2"), 80));
        Assert.Equal(Errno.ECONNREFUSED, e1);
        Assert.Equal(Errno.ETIMEDOUT, e2);
        Assert.Equal(Errno.EHOSTUNREACH, e3);
    }

    [Fact]
    public void Output_drop_is_eperm()
    {
        var (w, a, _) = TwoHosts();
        a.Netfilter = new Scripted { Action = (hook, _) => hook == NetfilterHook.Output ? NetfilterVerdict.Drop : NetfilterVerdict.Accept };
        var s = a.Udp.Open();
        Assert.Equal(Errno.EPERM, s.SendTo("x"u8, Ip("10.0.0.2"), 53));
    }

    [Fact]
    public void Bridged_ipv4_passes_netfilter_only_with_bridge_nf_call_iptables()
    {
        var (w, host, _, hosts) = BridgeWithThree();
        var nf = new Scripted();
        host.Netfilter = nf;
        Run(w, async () => await hosts[0].Icmp.PingAsync(Ip("10.0.0.12"), TimeSpan.FromSeconds(1)));
        Assert.Empty(nf.Seen);
        host.Sysctls.Set("net.bridge.bridge-nf-call-iptables", "1");
        Run(w, async () => await hosts[0].Icmp.PingAsync(Ip("10.0.0.12"), TimeSpan.FromSeconds(1)));
        Assert.Contains("Prerouting 1 10.0.0.11:0>10.0.0.12:0 in=br0 out= bridged p1>", nf.Seen);
        Assert.Contains("Forward 1 10.0.0.11:0>10.0.0.12:0 in=br0 out=br0 bridged p1>p2", nf.Seen);
        Assert.Contains("Postrouting 1 10.0.0.12:0>10.0.0.11:0 in=br0 out=br0 bridged p2>p1", nf.Seen);
    }

    [Fact]
    public void Destination_rewritten_at_input_is_routed_out_through_postrouting()
    {
        // IPVS: a packet to a local virtual address is rewritten at INPUT to a real server elsewhere.
        var (w, l, r, rt) = Routed();
        Ok(r.AddDummy("kube-ipvs0", out var dummy));
        Addr(r, dummy!, "10.96.0.1/32");
        Ok(l.AddRoute(new Route(Ipv4Prefix.Parse("10.96.0.0/16"), RouteType.Unicast, Ip("10.1.0.1"), null, 0, RouteScope.Universe, null, 0)));
        var nf = new Scripted
        {
            Action = (hook, p) =>
            {
                if (hook == NetfilterHook.Input && p.Destination == Ip("10.96.0.1")) p.Destination = Ip("10.2.0.2");
                if (hook == NetfilterHook.Postrouting && p.Source == Ip("10.2.0.2")) p.Source = Ip("10.96.0.1");
                return NetfilterVerdict.Accept;
            },
        };
        r.Netfilter = nf;
        PingReply reply = default;
        Run(w, async () => reply = await l.Icmp.PingAsync(Ip("10.96.0.1"), TimeSpan.FromSeconds(1)));
        Assert.Equal(PingStatus.Reply, reply.Status);
        Assert.Equal(Ip("10.96.0.1"), reply.From);
        Assert.Contains(nf.Seen, s => s.StartsWith("Postrouting 1 10.1.0.2:0>10.2.0.2:0 in=l0 out=r0", StringComparison.Ordinal));
    }

    [Fact]
    public void Data_dropped_mid_connection_is_retransmitted_in_virtual_time()
    {
        var (w, l, r, rt) = Routed();
        var (listener, _) = rt.Tcp.Listen(0, 80);
        byte[] received = [];
        w.Loop.Start(async () => { var s = await listener!.AcceptAsync(); received = await s!.ReadToEndAsync(); });
        int dropsLeft = 3;
        r.Netfilter = new Scripted { Action = (hook, p) => hook == NetfilterHook.Forward && p.Length > 1000 && dropsLeft-- > 0 ? NetfilterVerdict.Drop : NetfilterVerdict.Accept };
        var payload = new byte[10_000];
        new Random(1).NextBytes(payload);
        var res = Run(w, async () =>
        {
            var (s, e) = await l.Tcp.ConnectAsync(Ip("10.2.0.2"), 80);
            Assert.Equal(Errno.None, e);
            s.Send(payload);
            s.Close();
            await w.Loop.Delay(TimeSpan.FromSeconds(10));
        });
        Assert.True(res.Completed);
        Assert.Equal(payload, received);
        // The server never closes: the client's orphaned FIN_WAIT2 socket goes after tcp_fin_timeout (60 s).
        Assert.Single(l.Tcp.Connections);
        w.Loop.RunFor(TimeSpan.FromSeconds(61), TimeSpan.FromSeconds(10));
        Assert.Empty(l.Tcp.Connections);
    }
}

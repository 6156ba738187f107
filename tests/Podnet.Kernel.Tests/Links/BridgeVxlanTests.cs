using Podnet.Kernel.Links;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Tools;
using Podnet.Kernel.Tracing;
using Podnet.Kernel.Wire;
using Xunit;
using static Podnet.Kernel.Tests.Topo;

namespace Podnet.Kernel.Tests.Links;

public class BridgeVxlanTests
{
    [Fact]
    public void Bridge_learns_forwards_known_unicast_and_ages_entries()
    {
        var (w, host, br, hosts) = BridgeWithThree();
        PingReply r = default;
        var cap3 = PacketCapture.Start(host.GetDevice("p3")!);
        Run(w, async () => r = await hosts[0].Icmp.PingAsync(Ip("10.0.0.12"), TimeSpan.FromSeconds(1)));
        Assert.Equal(PingStatus.Reply, r.Status);
        var macs = br.Fdb.Where(e => !e.IsLocal).ToDictionary(e => e.Mac, e => e.Port.Name);
        Assert.Equal("p1", macs[hosts[0].GetDevice("eth0")!.Mac]);
        Assert.Equal("p2", macs[hosts[1].GetDevice("eth0")!.Mac]);
        // h3 saw only the broadcast ARP request (flooded), not the unicast echo.
        Assert.Single(cap3.Lines);
        Assert.Contains("ARP, Request who-has 10.0.0.12 tell 10.0.0.11", cap3.Lines[0]);
        var show = KernelShell.Execute(w, host, "bridge fdb show br br0").Stdout;
        Assert.Contains($"{hosts[0].GetDevice("eth0")!.Mac} dev p1 master br0 \n", show);
        w.Loop.RunFor(TimeSpan.FromSeconds(301), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(br.Fdb, e => !e.IsLocal);
    }

    [Fact]
    public void Unknown_unicast_is_flooded()
    {
        var (w, host, _, hosts) = BridgeWithThree();
        Ok(hosts[0].SetNeighbour(hosts[0].GetDevice("eth0")!, Ip("10.0.0.12"), hosts[1].GetDevice("eth0")!.Mac, NudState.Permanent, false));
        var cap3 = PacketCapture.Start(host.GetDevice("p3")!);
        Run(w, async () =>
        {
            var s = hosts[0].Udp.Open();
            s.SendTo("x"u8, Ip("10.0.0.12"), 7);
            await w.Loop.Delay(TimeSpan.FromMilliseconds(1));
        });
        Assert.Contains(cap3.Lines, l => l.Contains("10.0.0.11.") && l.Contains("> 10.0.0.12.7: UDP, length 1"));
    }

    [Fact]
    public void Bridge_address_is_the_gateway_for_routed_traffic()
    {
        var (w, host, _, hosts) = BridgeWithThree();
        host.Sysctls.Set("net.ipv4.ip_forward", "1");
        Ok(host.AddDummy("ext", out var ext));
        Addr(host, ext!, "192.168.50.1/24");
        PingReply toBridge = default, toOther = default;
        Run(w, async () =>
        {
            toBridge = await hosts[0].Icmp.PingAsync(Ip("10.0.0.1"), TimeSpan.FromSeconds(1));
            toOther = await hosts[0].Icmp.PingAsync(Ip("192.168.50.1"), TimeSpan.FromSeconds(1));
        });
        Assert.Equal(PingStatus.Reply, toBridge.Status);
        Assert.Equal(64, toBridge.Ttl);
        Assert.Equal(PingStatus.Reply, toOther.Status);
    }

    [Fact]
    public void Hairpin_lets_a_frame_leave_by_its_ingress_port()
    {
        var (w, host, br, hosts) = BridgeWithThree();
        var p1 = host.GetDevice("p1")!;
        var h1Mac = hosts[0].GetDevice("eth0")!.Mac;
        var cap = PacketCapture.Start(hosts[0].GetDevice("eth0")!);
        // A frame from h1 addressed to h1's own MAC: without hairpin the bridge drops it.
        Frame Self()
        {
            var f = new Frame(14 + 28);
            new EthernetHeader(h1Mac, MacAddress.Parse("02:00:00:00:99:99"), EtherType.Arp).Write(f.Span);
            new ArpPacket(ArpPacket.Request, MacAddress.Parse("02:00:00:00:99:99"), Ip("10.0.0.99"), MacAddress.Zero, Ip("10.0.0.11")).Write(f.Span[14..]);
            return f;
        }
        br.AddStatic(h1Mac, p1);
        int before = cap.Count;
        p1.Receive(Self());
        w.Loop.RunUntilIdle(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        Assert.Equal(before, cap.Count);
        p1.PortSettings.Hairpin = true;
        p1.Receive(Self());
        w.Loop.RunUntilIdle(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        Assert.True(cap.Count > before);
    }

    [Fact]
    public void Vxlan_carries_traffic_between_two_hosts_over_an_underlay()
    {
        var w = new World(3);
        var n1 = Ns(w, "n1");
        var n2 = Ns(w, "n2");
        var sh = new[] { "n1", "n2" };
        Assert.Equal(0, KernelShell.Execute(w, n1, "ip link add eth0 type veth peer name eth0 netns n2").ExitCode);
        foreach (var (ns, i) in new[] { (n1, 1), (n2, 2) })
        {
            foreach (var cmd in new[]
            {
                $"ip addr add 192.168.1.{i}/24 dev eth0", "ip link set eth0 up",
                $"ip link add vx0 type vxlan id 42 dstport 4789 local 192.168.1.{i} dev eth0",
                $"bridge fdb append 00:00:00:00:00:00 dev vx0 dst 192.168.1.{3 - i}",
                $"ip addr add 10.10.0.{i}/24 dev vx0", "ip link set vx0 up",
            })
            {
                var r = KernelShell.Execute(w, ns, cmd);
                Assert.True(r.ExitCode == 0, cmd + ": " + r.Stderr);
            }
        }
        Assert.Equal(1450, n1.GetDevice("vx0")!.Mtu);
        n2.Tcp.Listen(0, 80);
        var underlay = PacketCapture.Start(n1.GetDevice("eth0")!);
        Errno err = Errno.ENOTCONN;
        Ipv4Endpoint? peer = null;
        w.Loop.Start(async () => { var (l, _) = (n2.Tcp.Listeners.First(), 0); var s = await l.AcceptAsync(); peer = s!.RemoteEndpoint; });
        Run(w, async () => (_, err) = await n1.Tcp.ConnectAsync(Ip("10.10.0.2"), 80));
        w.Loop.RunUntilIdle(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        Assert.Equal(Errno.None, err);
        Assert.Equal(Ip("10.10.0.1"), peer!.Value.Address);
        Assert.Contains(underlay.Lines, l => l.Contains("> 192.168.1.2.4789: VXLAN, flags [I] (0x08), vni 42"));
        // Learning recorded n2's inner MAC behind 192.168.1.2.
        var learned = ((Vxlan)n1.GetDevice("vx0")!).Fdb.Single(e => e.Mac == n2.GetDevice("vx0")!.Mac);
        Assert.Equal(Ip("192.168.1.2"), learned.Destination);
        Assert.Contains($"{n2.GetDevice("vx0")!.Mac} dev vx0 dst 192.168.1.2 self \n", KernelShell.Execute(w, n1, "bridge fdb show").Stdout);
    }

    [Fact]
    public void Vxlan_without_fdb_entries_drops()
    {
        var w = new World(3);
        var n1 = Ns(w, "n1");
        KernelShell.Execute(w, n1, "ip link add vx0 type vxlan id 1 dstport 8472");
        KernelShell.Execute(w, n1, "ip addr add 10.10.0.1/24 dev vx0");
        KernelShell.Execute(w, n1, "ip link set vx0 up");
        PingReply r = default;
        Run(w, async () => r = await n1.Icmp.PingAsync(Ip("10.10.0.2"), TimeSpan.FromSeconds(5)));
        // ARP cannot leave (no FDB entry), so the neighbour fails and ping sees "Destination Host Unreachable", as on Linux.
        Assert.Equal(PingStatus.Unreachable, r.Status);
        Assert.Equal(1, r.Code);
        Assert.True(n1.GetDevice("vx0")!.Counters.TxDropped > 0);
    }

    [Fact]
    public void Malformed_frames_are_dropped_and_counted_never_thrown()
    {
        var (w, a, b) = TwoHosts();
        var eth = b.GetDevice("veth1")!;
        var rnd = new Random(5);
        for (int i = 0; i < 2000; i++)
        {
            var f = new Frame(rnd.Next(0, 120));
            rnd.NextBytes(f.Span);
            if (f.Length >= 14 && i % 2 == 0)
            {
                eth.Mac.Write(f.Span);
                f.Span[12] = 0x08;
                f.Span[13] = (byte)(i % 4 == 0 ? 0x00 : 0x06);
            }
            eth.Receive(f);
        }
        w.Loop.RunUntilIdle(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
        Assert.True(b.Counters.InHdrErrors + b.Counters.ArpMalformed + b.Counters.OtherHostDrops > 1000);
    }
}

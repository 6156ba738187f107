using Podnet.Kernel.Stack;
using Podnet.Kernel.Tools;
using Podnet.Kernel.Wire;
using Xunit;
using static Podnet.Kernel.Tests.Topo;

namespace Podnet.Kernel.Tests.Stack;

public class InputValidationTests
{
    private static Frame TcpSyn(NetNamespace to, string dev, uint src, uint dst, ushort dport, bool corrupt)
    {
        var f = new Frame(14 + 20 + 20);
        new EthernetHeader(to.GetDevice(dev)!.Mac, MacAddress.Parse("02:00:00:00:00:99"), EtherType.Ipv4).Write(f.Span);
        new Ipv4Header(0, 40, 1, 0, 64, IpProtocol.Tcp, src, dst).Write(f.Span[14..]);
        new TcpHeader(40000, dport, 1000, 0, TcpFlags.Syn, 1000).Write(f.Span[34..], src, dst);
        if (corrupt) f.Span[34 + 4] ^= 0xFF; // sequence number changed after the checksum was computed
        return f;
    }

    [Fact]
    public void Injected_segments_with_a_bad_checksum_are_dropped_and_counted()
    {
        var (w, a, b) = TwoHosts();
        b.Tcp.Listen(0, 80);
        var eth = b.GetDevice("veth1")!;
        eth.Receive(TcpSyn(b, "veth1", Ip("10.0.0.1"), Ip("10.0.0.2"), 80, corrupt: true));
        w.Loop.RunUntilIdle(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        Assert.Equal(1, b.Counters.TcpInErrs);
        Assert.Empty(b.Tcp.Connections);
        eth.Receive(TcpSyn(b, "veth1", Ip("10.0.0.1"), Ip("10.0.0.2"), 80, corrupt: false));
        w.Loop.RunUntilIdle(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(5));
        // The valid SYN was answered: a's stack, which never sent it, resets the SYN-ACK.
        Assert.Equal(1, a.Counters.TcpOutRsts);
        Assert.Equal(1, b.Counters.TcpInErrs);
    }

    [Fact]
    public void Martian_loopback_source_from_a_wire_is_dropped_unless_route_localnet()
    {
        var (w, _, b) = TwoHosts();
        b.Tcp.Listen(0, 80);
        var eth = b.GetDevice("veth1")!;
        eth.Receive(TcpSyn(b, "veth1", Ip("10.0.0.1"), Ip("127.0.0.1"), 80, corrupt: false));
        w.Loop.RunUntilIdle(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(5));
        Assert.Equal(1, b.Counters.MartianDrops);
        b.Sysctls.Set("net.ipv4.conf.veth1.route_localnet", "1");
        eth.Receive(TcpSyn(b, "veth1", Ip("10.0.0.1"), Ip("127.0.0.1"), 80, corrupt: false));
        w.Loop.RunUntilIdle(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(5));
        Assert.Equal(1, b.Counters.MartianDrops);
        Assert.Equal(1, b.Counters.InDelivers);
    }

    [Fact]
    public void Strict_rp_filter_drops_a_source_routed_elsewhere()
    {
        var (w, l, r, _) = Routed();
        r.Sysctls.Set("net.ipv4.conf.all.rp_filter", "1");
        var eth = r.GetDevice("l0")!;
        var f = new Frame(14 + 20 + 8 + 8);
        new EthernetHeader(eth.Mac, MacAddress.Parse("02:00:00:00:00:99"), EtherType.Ipv4).Write(f.Span);
        new Ipv4Header(0, 36, 1, 0, 64, IpProtocol.Icmp, Ip("10.2.0.7"), Ip("10.1.0.1")).Write(f.Span[14..]);
        new IcmpHeader(IcmpHeader.EchoRequest, 0, 1, 1).Write(f.Span[34..]);
        eth.Receive(f);
        w.Loop.RunUntilIdle(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        Assert.Equal(1, r.Counters.MartianDrops);
        Assert.Equal(0, r.Counters.InDelivers);
    }

    [Fact]
    public void Tool_errors_are_messages_not_exceptions()
    {
        var w = new World();
        var ns = w.CreateNamespace("x");
        Assert.Equal("Cannot open network namespace \"nope\": No such file or directory\n", KernelShell.Execute(w, ns, "ip -n nope link").Stderr);
        Assert.Equal("Cannot create namespace file \"/run/netns/x\": File exists\n", KernelShell.Execute(w, ns, "ip netns add x").Stderr);
        Assert.Equal(1, KernelShell.Execute(w, ns, "ip link set dev ghost up").ExitCode);
        Assert.Equal("Error: inet prefix is expected rather than \"10.0.0.300/24\".\n", KernelShell.Execute(w, ns, "ip addr add 10.0.0.300/24 dev lo").Stderr);
        Assert.Equal(127, KernelShell.Execute(w, ns, "frobnicate").ExitCode);
        Assert.Equal(2, KernelShell.Execute(w, ns, "ip link add q type wireguard").ExitCode);
        Assert.Contains("vxlan: destination port not specified", KernelShell.Execute(w, ns, "ip link add vx type vxlan id 5").Stderr);
        Assert.Equal(8472, ((Podnet.Kernel.Links.Vxlan)ns.GetDevice("vx")!).DestinationPort);
        var exec = KernelShell.Execute(w, null, "ip netns exec x ip link show lo");
        Assert.Equal(0, exec.ExitCode);
        Assert.StartsWith("1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n", exec.Stdout);
        // Random junk never throws.
        var rnd = new Random(3);
        string[] words = ["ip", "link", "add", "set", "dev", "type", "veth", "peer", "name", "route", "via", "10.0.0.1", "addr", "bridge", "fdb", "neigh", "lladdr", "up", "down", "mtu", "netns", "x", "sysctl", "-w", "get", "del", "blackhole", "0/0", "metric"];
        for (int i = 0; i < 2000; i++)
        {
            var line = string.Join(' ', Enumerable.Range(0, rnd.Next(1, 9)).Select(_ => words[rnd.Next(words.Length)]));
            KernelShell.Execute(w, ns, line);
        }
    }
}

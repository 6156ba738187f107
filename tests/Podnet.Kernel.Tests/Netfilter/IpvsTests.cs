using Podnet.Kernel.Netfilter;
using Xunit;

namespace Podnet.Kernel.Tests.Netfilter;

/// <summary>IPVS is not in the test machine's kernel: these check the behaviour documented in reference/kube-proxy.md §4.</summary>
public class IpvsTests
{
    private static Podnet.Kernel.Netfilter.Netfilter Node(out TestHost host)
    {
        // kube-ipvs0 holds the cluster IP, so it is local
        var nf = TestHost.Create(out host, "192.168.0.2", "10.96.0.10");
        host.InterfaceAddress["eth0"] = TestHost.Ip("192.168.0.2");
        return nf;
    }

    [Fact]
    public void RoundRobinMasqueradeForwardingAndListing()
    {
        var nf = Node(out var host);
        Assert.Equal(0, nf.Ipvsadm(["-A", "-t", "10.96.0.10:80", "-s", "rr"]).ExitCode);
        Assert.Equal(0, nf.Ipvsadm(["-a", "-t", "10.96.0.10:80", "-r", "10.244.1.2:8080", "-m", "-w", "1"]).ExitCode);
        Assert.Equal(0, nf.Ipvsadm(["-a", "-t", "10.96.0.10:80", "-r", "10.244.2.2:8080", "-m", "-w", "1"]).ExitCode);
        var seen = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            var p = Pkt.Tcp("10.244.3.3:" + (1000 + i), "10.96.0.10:80", Pkt.Syn, "cni0");
            Assert.Equal(NetfilterVerdictKind.Accept, nf.Deliver(p).Kind);
            Assert.False(host.IsLocalAddress(p.Destination)); // the stack now forwards it
            p.OutInterface = "eth0";
            Assert.Equal(NetfilterVerdictKind.Accept, nf.Process(NetfilterHook.Postrouting, p).Kind);
            seen.Add(p.Dst());
        }
        Assert.Equal(["10.244.1.2:8080", "10.244.2.2:8080", "10.244.1.2:8080", "10.244.2.2:8080"], seen);
        // the reply from the real server is rewritten back to the virtual service
        var reply = Pkt.Tcp("10.244.1.2:8080", "10.244.3.3:1000", Pkt.SynAck, "eth0", "cni0");
        Assert.Equal(NetfilterVerdictKind.Accept, nf.Forward(reply).Kind);
        Assert.Equal("10.96.0.10:80", reply.Src());
        var ack = Pkt.Tcp("10.244.3.3:1000", "10.96.0.10:80", Pkt.Ack, "cni0");
        nf.Deliver(ack);
        Assert.Equal("10.244.1.2:8080", ack.Dst());
        Assert.Equal(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "TCP  10.96.0.10:80 rr\n" +
            "  -> 10.244.1.2:8080              Masq    1      1          1         \n" +
            "  -> 10.244.2.2:8080              Masq    1      0          2         \n",
            nf.Ipvsadm(["-Ln"]).Stdout);
    }

    [Fact]
    public void WeightedRoundRobinFollowsWeights()
    {
        var nf = Node(out _);
        nf.Ipvsadm(["-A", "-u", "10.96.0.10:53", "-s", "wrr"]);
        nf.Ipvsadm(["-a", "-u", "10.96.0.10:53", "-r", "10.0.0.1:53", "-m", "-w", "3"]);
        nf.Ipvsadm(["-a", "-u", "10.96.0.10:53", "-r", "10.0.0.2:53", "-m", "-w", "1"]);
        var counts = new Dictionary<string, int>();
        for (int i = 0; i < 40; i++)
        {
            var p = Pkt.Udp("10.1.1.1:" + (2000 + i), "10.96.0.10:53");
            nf.Deliver(p);
            counts[p.Dst()] = counts.GetValueOrDefault(p.Dst()) + 1;
        }
        Assert.Equal(30, counts["10.0.0.1:53"]);
        Assert.Equal(10, counts["10.0.0.2:53"]);
    }

    [Fact]
    public void SourceHashAndPersistenceKeepClients()
    {
        var nf = Node(out var host);
        nf.Ipvsadm(["-A", "-t", "10.96.0.10:80", "-s", "sh"]);
        nf.Ipvsadm(["-A", "-t", "10.96.0.10:81", "-s", "rr", "-p", "10800"]);
        foreach (var port in new[] { "80", "81" })
            for (int k = 1; k <= 3; k++) nf.Ipvsadm(["-a", "-t", "10.96.0.10:" + port, "-r", $"10.0.0.{k}:80", "-m"]);
        foreach (var port in new[] { 80, 81 })
        {
            string? first = null;
            for (int i = 0; i < 10; i++)
            {
                var p = Pkt.Tcp("10.9.9.9:" + (3000 + i), "10.96.0.10:" + port, Pkt.Syn);
                nf.Deliver(p);
                first ??= p.Dst();
                Assert.Equal(first, p.Dst());
            }
        }
        Assert.Contains("TCP  10.96.0.10:81 rr persistent 10800\n", nf.Ipvsadm(["-L", "-n"]).Stdout);
    }

    [Fact]
    public void LeastConnectionAndNoDestination()
    {
        var nf = Node(out _);
        nf.Ipvsadm(["-A", "-t", "10.96.0.10:80", "-s", "lc"]);
        Assert.Equal(NetfilterVerdict.Reject(RejectWith.IcmpPortUnreachable), nf.Deliver(Pkt.Tcp("10.9.9.9:1", "10.96.0.10:80", Pkt.Syn)));
        nf.Ipvsadm(["-a", "-t", "10.96.0.10:80", "-r", "10.0.0.1:80", "-m"]);
        nf.Ipvsadm(["-a", "-t", "10.96.0.10:80", "-r", "10.0.0.2:80", "-m"]);
        var a = Pkt.Tcp("10.9.9.9:2", "10.96.0.10:80", Pkt.Syn);
        var b = Pkt.Tcp("10.9.9.9:3", "10.96.0.10:80", Pkt.Syn);
        nf.Deliver(a);
        nf.Deliver(b);
        Assert.NotEqual(a.Dst(), b.Dst());
        Assert.Equal(new ToolResult(2, "", "Destination already exists\n"), nf.Ipvsadm(["-a", "-t", "10.96.0.10:80", "-r", "10.0.0.2:80", "-m"]));
        Assert.Equal(new ToolResult(2, "", "No such service\n"), nf.Ipvsadm(["-D", "-t", "10.96.0.11:80"]));
        Assert.Equal(0, nf.Ipvsadm(["-C"]).ExitCode);
        Assert.Equal(3, nf.Ipvsadm(["-Ln"]).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void KubeProxyIpvsModeMasqueradesViaIpsetAndMark()
    {
        var nf = Node(out var host);
        nf.Ipset(["create", "KUBE-CLUSTER-IP", "hash:ip,port"]);
        nf.Ipset(["add", "KUBE-CLUSTER-IP", "10.96.0.10,tcp:80"]);
        Assert.Equal("", nf.IptablesRestore(string.Join('\n',
            "*nat", ":PREROUTING ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]", ":KUBE-SERVICES - [0:0]", ":KUBE-POSTROUTING - [0:0]", ":KUBE-MARK-MASQ - [0:0]",
            "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
            "-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING",
            "-A KUBE-SERVICES -m comment --comment \"Kubernetes service cluster ip + port for masquerade purpose\" -m set --match-set KUBE-CLUSTER-IP dst,dst ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ",
            "-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT",
            "-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000",
            "-A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN",
            "-A KUBE-POSTROUTING -j MARK --xor-mark 0x00004000",
            "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully",
            "COMMIT", "")).Stderr);
        nf.Ipvsadm(["-A", "-t", "10.96.0.10:80", "-s", "rr"]);
        nf.Ipvsadm(["-a", "-t", "10.96.0.10:80", "-r", "10.244.1.2:80", "-m"]);
        var p = Pkt.Tcp("192.168.7.7:4444", "10.96.0.10:80", Pkt.Syn, "eth0");
        nf.Deliver(p);
        p.OutInterface = "eth0";
        nf.Process(NetfilterHook.Postrouting, p);
        Assert.Equal("10.244.1.2:80", p.Dst());
        Assert.Equal("192.168.0.2", TestHost.Ip(p.Source));
        var reply = Pkt.Tcp("10.244.1.2:80", p.Src(), Pkt.SynAck, "eth0", "eth0");
        nf.Forward(reply);
        Assert.Equal("10.96.0.10:80", reply.Src());
        Assert.Equal("192.168.7.7:4444", reply.Dst());
    }
}

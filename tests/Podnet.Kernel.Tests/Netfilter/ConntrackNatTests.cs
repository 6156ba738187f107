using Podnet.Kernel.Netfilter;
using Podnet.Kernel.Netfilter.Conntrack;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Podnet.Kernel.Tests.Netfilter;

public class ConntrackNatTests
{
    private const string KubeLike = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :KUBE-SERVICES - [0:0]
        :KUBE-MARK-MASQ - [0:0]
        :KUBE-POSTROUTING - [0:0]
        :KUBE-SVC-A - [0:0]
        :KUBE-SEP-1 - [0:0]
        :KUBE-SEP-2 - [0:0]
        -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
        -A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
        -A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
        -A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN
        -A KUBE-POSTROUTING -j MARK --xor-mark 0x00004000
        -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
        -A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000
        -A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-A
        -A KUBE-SVC-A -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
        -A KUBE-SVC-A -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-1
        -A KUBE-SVC-A -m comment --comment "ns1/svc1:p80 -> 10.180.0.2:80" -j KUBE-SEP-2
        -A KUBE-SEP-1 -m comment --comment ns1/svc1:p80 -s 10.180.0.1 -j KUBE-MARK-MASQ
        -A KUBE-SEP-1 -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80
        -A KUBE-SEP-2 -m comment --comment ns1/svc1:p80 -s 10.180.0.2 -j KUBE-MARK-MASQ
        -A KUBE-SEP-2 -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.2:80
        COMMIT

        """;

    [Fact]
    public void DnatWithReverseNatForReplies()
    {
        var nf = TestHost.Create(out _, "192.168.0.2");
        Assert.Equal("", nf.IptablesRestore(KubeLike).Stderr);
        var syn = Pkt.Tcp("10.0.0.5:40000", "172.30.0.41:80", Pkt.Syn, "cni0", "eth0");
        Assert.Equal(NetfilterVerdictKind.Accept, nf.Forward(syn).Kind);
        Assert.Equal("10.0.0.5:40000", syn.Src()); // pod source: no masquerade
        var backend = syn.Dst();
        Assert.StartsWith("10.180.0.", backend);
        var synack = Pkt.Tcp(backend, "10.0.0.5:40000", Pkt.SynAck, "eth0", "cni0");
        nf.Forward(synack);
        Assert.Equal("172.30.0.41:80", synack.Src());
        Assert.Equal("10.0.0.5:40000", synack.Dst());
        var ack = Pkt.Tcp("10.0.0.5:40000", "172.30.0.41:80", Pkt.Ack, "cni0", "eth0");
        nf.Forward(ack);
        Assert.Equal(backend, ack.Dst());
        var entry = Assert.Single(nf.Conntrack.Entries(TimeSpan.FromSeconds(1000)));
        Assert.Equal(TcpConntrackState.Established, entry.TcpState);
        var list = nf.ConntrackCommand(["-L"]);
        var backendIp = backend.Split(':')[0];
        Assert.Equal($"tcp      6 431999 ESTABLISHED src=10.0.0.5 dst=172.30.0.41 sport=40000 dport=80 src={backendIp} dst=10.0.0.5 sport=80 dport=40000 [ASSURED] mark=0 use=1\n", list.Stdout);
        Assert.Equal("conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.\n", list.Stderr);
    }

    [Fact]
    public void MasqueradeOfMarkedTrafficAndReplies()
    {
        var nf = TestHost.Create(out var host, "192.168.0.2");
        host.InterfaceAddress["eth0"] = TestHost.Ip("192.168.0.2");
        nf.IptablesRestore(KubeLike);
        var syn = Pkt.Tcp("192.168.5.5:50000", "172.30.0.41:80", Pkt.Syn, "eth1", "eth0");
        nf.Forward(syn);
        Assert.Equal("192.168.0.2", syn.Src().Split(':')[0]);
        Assert.Equal(0u, syn.Mark); // KUBE-POSTROUTING cleared the masquerade bit
        var e = Assert.Single(nf.Conntrack.Entries(host.Now));
        Assert.True(e.SourceNat && e.DestinationNat);
        var reply = Pkt.Tcp(syn.Dst(), syn.Src(), Pkt.SynAck, "eth0", "eth1");
        nf.Forward(reply);
        Assert.Equal("172.30.0.41:80", reply.Src());
        Assert.Equal("192.168.5.5:50000", reply.Dst());
        Assert.DoesNotContain("[UNREPLIED]", ConntrackTable.Format(e, host.Now), StringComparison.Ordinal);
        var line = ConntrackTable.Format(e, host.Now);
        Assert.Contains("SYN_RECV src=192.168.5.5 dst=172.30.0.41 sport=50000 dport=80 src=10.180.0.", line, StringComparison.Ordinal);
        Assert.Contains(" dst=192.168.0.2 sport=80 dport=", line, StringComparison.Ordinal);
    }

    [Fact]
    public void SnatPortClashesArePicked()
    {
        var nf = TestHost.Create(out var host);
        nf.IptablesRestore("*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 10.0.0.0/8 -j SNAT --to-source 1.2.3.4\nCOMMIT\n");
        // two clients use the same source port towards the same server
        var a = Pkt.Udp("10.0.0.1:5000", "8.8.8.8:53");
        var b = Pkt.Udp("10.0.0.2:5000", "8.8.8.8:53");
        nf.Forward(a);
        nf.Forward(b);
        Assert.Equal("1.2.3.4:5000", a.Src());
        Assert.Equal("1.2.3.4", b.Src().Split(':')[0]);
        Assert.NotEqual(a.Src(), b.Src());
        var replyB = Pkt.Udp("8.8.8.8:53", b.Src());
        nf.Forward(replyB);
        Assert.Equal("10.0.0.2:5000", replyB.Dst());
    }

    [Fact]
    public void RandomFullySnatStillUnique()
    {
        var nf = TestHost.Create(out _);
        nf.IptablesRestore("*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -p udp -j SNAT --to-source 1.2.3.4:1000-1003 --random-fully\nCOMMIT\n");
        var ports = new HashSet<string>();
        for (int i = 0; i < 4; i++)
        {
            var p = Pkt.Udp("10.0.0." + (i + 1) + ":5000", "8.8.8.8:53");
            nf.Forward(p);
            ports.Add(p.Src());
        }
        Assert.Equal(4, ports.Count);
        Assert.All(ports, s => Assert.InRange(int.Parse(s.Split(':')[1]), 1000, 1003));
    }

    [Fact]
    public void IcmpErrorIsRelatedAndReverseTranslated()
    {
        var nf = TestHost.Create(out _);
        nf.IptablesRestore("*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -d 10.96.0.10/32 -p udp --dport 53 -j DNAT --to-destination 10.244.1.2:53\nCOMMIT\n*filter\n:FORWARD DROP [0:0]\n-A FORWARD -m conntrack --ctstate NEW,RELATED,ESTABLISHED -j ACCEPT\nCOMMIT\n");
        var q = Pkt.Udp("10.244.2.3:40000", "10.96.0.10:53");
        Assert.Equal(NetfilterVerdictKind.Accept, nf.Forward(q).Kind);
        var inner = Pkt.Udp("10.244.2.3:40000", "10.244.1.2:53");
        var err = new NetfilterPacket { Protocol = 1, IcmpType = 3, IcmpCode = 3, Source = TestHost.Ip("10.244.1.2"), Destination = TestHost.Ip("10.244.2.3"), IcmpEmbedded = inner, Length = 70 };
        Assert.Equal(NetfilterVerdictKind.Accept, nf.Forward(err).Kind);
        Assert.Equal(ConntrackState.Related, ((ConntrackRef)err.Conntrack!).State);
        Assert.Equal("10.96.0.10", TestHost.Ip(err.Source));
        Assert.Equal("10.96.0.10:53", inner.Dst());
    }

    [Fact]
    public void InvalidPacketsAndTcpStateMachineWithTimeouts()
    {
        var nf = TestHost.Create(out var host, "10.0.0.1");
        nf.IptablesRestore("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m conntrack --ctstate INVALID -j DROP\nCOMMIT\n");
        Assert.Equal(NetfilterVerdictKind.Drop, nf.Deliver(Pkt.Tcp("10.0.0.2:1", "10.0.0.1:80", Pkt.SynAck)).Kind);
        Assert.Equal(NetfilterVerdictKind.Drop, nf.Deliver(Pkt.Tcp("10.0.0.2:1", "10.0.0.1:80", Pkt.Rst)).Kind);
        nf.Deliver(Pkt.Tcp("10.0.0.2:2", "10.0.0.1:80", Pkt.Syn));
        var e = Assert.Single(nf.Conntrack.Entries(host.Now));
        Assert.Equal(TcpConntrackState.SynSent, e.TcpState);
        nf.Send(Pkt.Tcp("10.0.0.1:80", "10.0.0.2:2", Pkt.SynAck));
        Assert.Equal(TcpConntrackState.SynRecv, e.TcpState);
        nf.Deliver(Pkt.Tcp("10.0.0.2:2", "10.0.0.1:80", Pkt.Ack));
        Assert.Equal(TcpConntrackState.Established, e.TcpState);
        Assert.True(e.Assured);
        nf.Deliver(Pkt.Tcp("10.0.0.2:2", "10.0.0.1:80", Pkt.FinAck));
        Assert.Equal(TcpConntrackState.FinWait, e.TcpState);
        nf.Send(Pkt.Tcp("10.0.0.1:80", "10.0.0.2:2", Pkt.Ack));
        Assert.Equal(TcpConntrackState.CloseWait, e.TcpState);
        nf.Send(Pkt.Tcp("10.0.0.1:80", "10.0.0.2:2", Pkt.FinAck));
        Assert.Equal(TcpConntrackState.LastAck, e.TcpState);
        nf.Deliver(Pkt.Tcp("10.0.0.2:2", "10.0.0.1:80", Pkt.Ack));
        Assert.Equal(TcpConntrackState.TimeWait, e.TcpState);
        Assert.StartsWith("tcp      6 119 TIME_WAIT ", ConntrackTable.Format(e, host.Now));
        host.Now += TimeSpan.FromSeconds(121);
        Assert.Empty(nf.Conntrack.Entries(host.Now));
    }

    // a netfilter at 10.0.0.1 with the rules loaded by iptables-restore or nft -f
    private static Podnet.Kernel.Netfilter.Netfilter WithRules(string tool, string rules, out TestHost host)
    {
        var nf = TestHost.Create(out host, "10.0.0.1");
        var r = tool == "nft" ? nf.Nft(["-f", "-"], rules) : nf.IptablesRestore(rules);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return nf;
    }

    // a rule whose match needs conntrack (a host's usual INVALID drop), so that the namespace tracks
    private static void NeedConntrack(Podnet.Kernel.Netfilter.Netfilter nf) =>
        Assert.Equal(0, nf.IptablesRestore("*filter\n-A INPUT -m conntrack --ctstate INVALID -j DROP\nCOMMIT\n").ExitCode);

    [Fact]
    public void NamespaceWithoutConntrackUsersTracksNothing()
    {
        // Linux registers conntrack's hooks in a namespace only while its ruleset needs them
        var nf = TestHost.Create(out var host, "10.0.0.1");
        Assert.False(nf.Tracking);
        nf.Deliver(Pkt.Udp("10.0.0.2:5353", "10.0.0.1:53"));
        Assert.Equal(0, nf.IptablesRestore("*filter\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -m mark --mark 0x1 -j DROP\nCOMMIT\n").ExitCode);
        Assert.False(nf.Tracking);
        nf.Deliver(Pkt.Tcp("10.0.0.2:1000", "10.0.0.1:22", Pkt.Syn));
        Assert.Empty(nf.Conntrack.Entries(host.Now));
        Assert.Equal("", nf.ConntrackCommand(["-L"]).Stdout);
    }

    [Theory]
    [InlineData("iptables", "*filter\n-A INPUT -m state --state INVALID -j DROP\nCOMMIT\n")]
    [InlineData("iptables", "*filter\n-A INPUT -m conntrack --ctstate NEW -j ACCEPT\nCOMMIT\n")]
    [InlineData("iptables", "*mangle\n-A PREROUTING -j CONNMARK --restore-mark\nCOMMIT\n")]
    [InlineData("iptables", "*nat\n-A POSTROUTING -o eth0 -j MASQUERADE\nCOMMIT\n")]
    [InlineData("nft", "table ip t { chain c { type filter hook input priority 0; ct state invalid drop; }; }")]
    [InlineData("nft", "table ip t { chain c { type filter hook prerouting priority 0; ct mark set 0x1; }; }")]
    [InlineData("nft", "table ip t { chain c { type filter hook input priority 0; }; chain d { ip daddr 10.0.0.9 dnat to 10.0.0.1; }; }")]
    public void RulesThatNeedConntrackTurnItOnWhileTheyAreLoaded(string tool, string rules)
    {
        var nf = WithRules(tool, rules, out var host);
        Assert.True(nf.Tracking);
        nf.Deliver(Pkt.Udp("10.0.0.2:5353", "10.0.0.1:53"));
        Assert.Single(nf.Conntrack.Entries(host.Now));
        // the rules go: new packets are no longer tracked, what was tracked stays until it times out
        var flush = tool == "nft" ? nf.Nft(["flush", "ruleset"]) : nf.IptablesRestore(rules.Split('\n')[0] + "\nCOMMIT\n");
        Assert.Equal(0, flush.ExitCode);
        Assert.False(nf.Tracking);
        nf.Deliver(Pkt.Udp("10.0.0.3:5353", "10.0.0.1:53"));
        Assert.Single(nf.Conntrack.Entries(host.Now));
    }

    [Theory]
    [InlineData("iptables", "*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:KUBE-X - [0:0]\n-A POSTROUTING -j KUBE-X\n-A KUBE-X -j RETURN\nCOMMIT\n")]
    [InlineData("nft", "table ip t { chain c { type nat hook postrouting priority 100; }; }")]
    public void NatChainsThatDoNoNatDoNotTrack(string tool, string rules)
    {
        var nf = WithRules(tool, rules, out var host);
        Assert.False(nf.Tracking);
        nf.Deliver(Pkt.Udp("10.0.0.2:5353", "10.0.0.1:53"));
        Assert.Empty(nf.Conntrack.Entries(host.Now));
    }

    [Fact]
    public void UdpTimeoutsUnrepliedThenStream()
    {
        var nf = TestHost.Create(out var host, "10.0.0.1");
        NeedConntrack(nf);
        nf.Deliver(Pkt.Udp("10.0.0.2:5353", "10.0.0.1:53"));
        var e = Assert.Single(nf.Conntrack.Entries(host.Now));
        Assert.Equal("udp      17 29 src=10.0.0.2 dst=10.0.0.1 sport=5353 dport=53 [UNREPLIED] src=10.0.0.1 dst=10.0.0.2 sport=53 dport=5353 mark=0 use=1", ConntrackTable.Format(e, host.Now));
        nf.Send(Pkt.Udp("10.0.0.1:53", "10.0.0.2:5353"));
        Assert.Equal(host.Now + TimeSpan.FromSeconds(30), e.Expires);
        Assert.False(e.Assured);
        host.Now += TimeSpan.FromSeconds(3);
        nf.Deliver(Pkt.Udp("10.0.0.2:5353", "10.0.0.1:53"));
        Assert.True(e.Assured);
        Assert.Equal(host.Now + TimeSpan.FromSeconds(120), e.Expires);
        host.Now += TimeSpan.FromSeconds(119);
        Assert.Single(nf.Conntrack.Entries(host.Now));
        host.Now += TimeSpan.FromSeconds(2);
        Assert.Empty(nf.Conntrack.Entries(host.Now));
    }

    [Fact]
    public void IcmpEchoTrackedAndListed()
    {
        var nf = TestHost.Create(out var host, "10.0.0.1");
        NeedConntrack(nf);
        nf.Deliver(Pkt.Ping("10.0.0.2", "10.0.0.1", 77));
        nf.Send(Pkt.Ping("10.0.0.1", "10.0.0.2", 77, reply: true));
        var e = Assert.Single(nf.Conntrack.Entries(host.Now));
        Assert.Equal("icmp     1 29 src=10.0.0.2 dst=10.0.0.1 type=8 code=0 id=77 src=10.0.0.1 dst=10.0.0.2 type=0 code=0 id=77 mark=0 use=1", ConntrackTable.Format(e, host.Now));
    }

    [Fact]
    public void ConntrackDeleteWithFilters()
    {
        var nf = TestHost.Create(out var host, "10.0.0.1");
        NeedConntrack(nf);
        nf.Deliver(Pkt.Udp("10.0.0.2:1000", "10.0.0.1:53"));
        nf.Deliver(Pkt.Udp("10.0.0.3:1000", "10.0.0.1:53"));
        nf.Deliver(Pkt.Tcp("10.0.0.3:1000", "10.0.0.1:80", Pkt.Syn));
        var r = nf.ConntrackCommand(["-D", "-p", "udp", "--orig-src", "10.0.0.3"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("conntrack v1.4.7 (conntrack-tools): 1 flow entries have been deleted.\n", r.Stderr);
        Assert.Equal(2, nf.Conntrack.Entries(host.Now).Count);
        var none = nf.ConntrackCommand(["-D", "-p", "udp", "-s", "10.9.9.9"]);
        Assert.Equal(1, none.ExitCode);
        Assert.Equal("conntrack v1.4.7 (conntrack-tools): 0 flow entries have been deleted.\n", none.Stderr);
        Assert.Equal(2, nf.ConntrackCommand(["-L", "-p", "tcp"]).ExitCode == 0 ? 2 : 0);
        Assert.Equal(2, nf.ConntrackCommand(["-x"]).ExitCode);
    }

    [Fact]
    public void StatisticSplitsConnectionsEvenly()
    {
        var nf = TestHost.Create(out _);
        nf.IptablesRestore(KubeLike);
        int n = 4000, first = 0;
        for (int i = 0; i < n; i++)
        {
            var p = Pkt.Tcp($"10.1.{i / 250}.{i % 250 + 1}:{10000 + i}", "172.30.0.41:80", Pkt.Syn, "cni0", "eth0");
            nf.Forward(p);
            if (p.Dst() == "10.180.0.1:80") first++;
        }
        // p = 0.5, n = 4000: 5 standard deviations is about 158
        Assert.InRange(first, 2000 - 160, 2000 + 160);
    }

    [Fact]
    public void ProbabilityIsStoredAsTheKernelDoes()
    {
        var nf = TestHost.Create(out _);
        nf.IptablesRestore("*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -m statistic --mode random --probability 0.2000000000 -j ACCEPT\nCOMMIT\n");
        Assert.Contains("--probability 0.20000000019", nf.IptablesSave());
    }

    [Fact]
    public void NatTableIsOnlyConsultedForTheFirstPacket()
    {
        var nf = TestHost.Create(out _);
        nf.IptablesRestore("*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.9:80\nCOMMIT\n");
        nf.Forward(Pkt.Tcp("1.1.1.1:1", "2.2.2.2:80", Pkt.Syn));
        nf.Forward(Pkt.Tcp("1.1.1.1:1", "2.2.2.2:80", Pkt.Ack));
        var save = nf.IptablesSave("nat", counters: true);
        Assert.Contains("[1:60] -A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.9:80", save);
    }

    [Fact]
    public void TuplesInvertToThemselvesTwice()
    {
        Prop.ForAll<uint, uint, int>((s, d, ports) =>
        {
            var t = new ConntrackTuple(6, s, d, (ushort)ports, (ushort)(ports >> 16));
            return t.Invert().Invert() == t && t.Invert().Source == d;
        }).QuickCheckThrowOnFailure();
    }
}

using System.Text.RegularExpressions;
using Podnet.Kernel.Netfilter;
using Xunit;

namespace Podnet.Kernel.Tests.Netfilter;

/// <summary>
/// The same rule set loaded into a real router namespace (real iptables-restore / nft / ipset) and into the
/// emulator; the same connections; the outcomes must agree (answers, NATed addresses, reject kinds,
/// statistical splits, conntrack entries). Needs root and iproute2/iptables/nftables/conntrack/ipset/python3.
/// </summary>
[Collection("real-netns")]
public class DifferentialTests
{
    private static void SkipUnlessLab()
    {
        if (RealKernelLab.Unavailable() is { } why) Assert.Skip("real-kernel differential test skipped: " + why);
    }

    /// <summary>The emulated router: addresses as the lab router has them.</summary>
    private static Podnet.Kernel.Netfilter.Netfilter EmuRouter(out TestHost host)
    {
        var nf = TestHost.Create(out host, "10.10.1.1", "10.10.2.1");
        host.InterfaceAddress["rc"] = TestHost.Ip("10.10.1.1");
        host.InterfaceAddress["rs"] = TestHost.Ip("10.10.2.1");
        return nf;
    }

    /// <summary>
    /// One emulated TCP connection from 10.10.1.2:sport through the router, answered by the server at 10.10.2.2
    /// (listening on <paramref name="listening"/>), as the real client would report it.
    /// </summary>
    private static string EmuConnect(Podnet.Kernel.Netfilter.Netfilter nf, TestHost host, string dst, int sport, int[] listening)
    {
        var client = "10.10.1.2:" + sport;
        var syn = Pkt.Tcp(client, dst, Pkt.Syn, "rc");
        bool local = host.IsLocalAddress(TestHost.Ip(dst.Split(':')[0]));
        var v = nf.Process(NetfilterHook.Prerouting, syn);
        if (v.Kind == NetfilterVerdictKind.Accept)
        {
            local = host.IsLocalAddress(syn.Destination);
            if (local) v = nf.Process(NetfilterHook.Input, syn);
            else
            {
                syn.OutInterface = "rs";
                v = nf.Process(NetfilterHook.Forward, syn);
                if (v.Kind == NetfilterVerdictKind.Accept) v = nf.Process(NetfilterHook.Postrouting, syn);
            }
        }
        if (v.Kind == NetfilterVerdictKind.Drop) return "timeout";
        if (v.Kind == NetfilterVerdictKind.Reject)
            return v.RejectWith is RejectWith.IcmpHostUnreachable or RejectWith.IcmpNetUnreachable ? "unreachable" : "refused";
        bool listens = !local && TestHost.Ip(syn.Destination) == "10.10.2.2" && listening.Contains(syn.DestinationPort);
        string seenBy = syn.Src();
        int serverPort = syn.DestinationPort;
        // the server side answers through the router (a RST when nothing listens)
        NetfilterPacket Back(byte flags)
        {
            var p = Pkt.Tcp(TestHost.Ip(syn.Destination) + ":" + serverPort, seenBy, flags, local ? null : "rs", "rc");
            if (local) { nf.Process(NetfilterHook.Output, p); nf.Process(NetfilterHook.Postrouting, p); }
            else nf.Forward(p);
            return p;
        }
        NetfilterPacket Forth(byte flags)
        {
            var p = Pkt.Tcp(client, dst, flags, "rc", local ? null : "rs");
            if (local) nf.Deliver(p); else nf.Forward(p);
            return p;
        }
        if (!listens)
        {
            Back(Pkt.Rst | Pkt.Ack);
            return "refused";
        }
        var synack = Back(Pkt.SynAck);
        if (synack.Dst() != client || synack.Src() != dst) return "timeout"; // the client would not accept it
        Forth(Pkt.Ack);
        Back(Pkt.Ack | 0x08);
        Back(Pkt.FinAck);
        Forth(Pkt.Ack);
        Forth(Pkt.FinAck);
        Back(Pkt.Ack);
        host.Now += TimeSpan.FromMilliseconds(1);
        return $"{seenBy} {serverPort}";
    }

    private static string NoTimeouts(string conntrack) => Regex.Replace(conntrack, @"^(\S+\s+\d+) \d+ ", "$1 T ", RegexOptions.Multiline);

    private static void LoadBoth(RealKernelLab lab, Podnet.Kernel.Netfilter.Netfilter nf, string iptables)
    {
        lab.In(lab.Router, "iptables-restore", iptables);
        var r = nf.IptablesRestore(iptables);
        Assert.Equal("", r.Stderr);
    }

    private const string DnatRules = "*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.10.2.2:8080\nCOMMIT\n";

    [Fact]
    public void DnatWithReverseNatAndConntrackEntry()
    {
        SkipUnlessLab();
        using var lab = new RealKernelLab();
        var nf = EmuRouter(out var host);
        LoadBoth(lab, nf, DnatRules);
        lab.StartServer(8080);
        var real = lab.Connect("10.96.0.10", 80, firstPort: 40000);
        var emu = EmuConnect(nf, host, "10.96.0.10:80", 40000, [8080]);
        Assert.Equal(["10.10.1.2:40000 8080"], real);
        Assert.Equal(real[0], emu);
        var realCt = lab.In(lab.Router, "conntrack -L -p tcp");
        var emuCt = nf.ConntrackCommand(["-L", "-p", "tcp"]).Stdout;
        Assert.Equal(NoTimeouts(realCt), NoTimeouts(emuCt));
    }

    [Fact]
    public void MasqueradeToTheOutgoingInterfaceAddress()
    {
        SkipUnlessLab();
        using var lab = new RealKernelLab();
        var nf = EmuRouter(out var host);
        LoadBoth(lab, nf, DnatRules.Replace("COMMIT", ":POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o rs -j MASQUERADE\nCOMMIT"));
        lab.StartServer(8080);
        var real = lab.Connect("10.96.0.10", 80, firstPort: 41000);
        Assert.Equal(["10.10.2.1:41000 8080"], real);
        Assert.Equal(real[0], EmuConnect(nf, host, "10.96.0.10:80", 41000, [8080]));
        Assert.Equal(NoTimeouts(lab.In(lab.Router, "conntrack -L -p tcp")), NoTimeouts(nf.ConntrackCommand(["-L", "-p", "tcp"]).Stdout));
    }

    [Fact]
    public void SnatToAFixedAddress()
    {
        SkipUnlessLab();
        using var lab = new RealKernelLab();
        var nf = EmuRouter(out var host);
        LoadBoth(lab, nf, "*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 10.10.1.0/24 -d 10.10.2.2/32 -j SNAT --to-source 10.10.2.1\nCOMMIT\n");
        lab.StartServer(8080);
        var real = lab.Connect("10.10.2.2", 8080, firstPort: 42000);
        Assert.Equal(["10.10.2.1:42000 8080"], real);
        Assert.Equal(real[0], EmuConnect(nf, host, "10.10.2.2:8080", 42000, [8080]));
    }

    [Theory]
    [InlineData("-j REJECT", "refused")]
    [InlineData("-j REJECT --reject-with tcp-reset", "refused")]
    [InlineData("-j REJECT --reject-with icmp-host-unreachable", "unreachable")]
    [InlineData("-j DROP", "timeout")]
    public void RejectVersusDrop(string target, string outcome)
    {
        SkipUnlessLab();
        using var lab = new RealKernelLab();
        var nf = EmuRouter(out var host);
        LoadBoth(lab, nf, $"*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -p tcp -m tcp --dport 8080 {target}\nCOMMIT\n");
        lab.StartServer(8080);
        var real = lab.Connect("10.10.2.2", 8080, firstPort: 43000, timeout: 0.5);
        Assert.Equal([outcome], real);
        Assert.Equal(outcome, EmuConnect(nf, host, "10.10.2.2:8080", 43000, [8080]));
    }

    /// <summary>
    /// Linux registers conntrack's hooks in a namespace only while its ruleset needs them: the router
    /// tracks the forwarded connection under a conntrack match, a NAT or CONNMARK target, an nft ct or
    /// dnat expression, and not with no rules, plain filter rules or nat chains that do no NAT.
    /// </summary>
    [Theory]
    [InlineData("none", "")]
    [InlineData("iptables", "*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n")]
    [InlineData("iptables", "*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:KUBE-X - [0:0]\n-A POSTROUTING -j KUBE-X\n-A KUBE-X -j RETURN\nCOMMIT\n")]
    [InlineData("iptables", "*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -m conntrack --ctstate INVALID -j DROP\nCOMMIT\n")]
    [InlineData("iptables", "*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j CONNMARK --restore-mark\nCOMMIT\n")]
    [InlineData("iptables", "*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o lo -j MASQUERADE\nCOMMIT\n")]
    [InlineData("nft", "table ip t {\n chain c {\n  type nat hook postrouting priority 100;\n }\n}\n")]
    [InlineData("nft", "table ip t {\n chain c {\n  type filter hook forward priority 0;\n  ct mark set 0x1\n }\n}\n")]
    [InlineData("nft", "table ip t {\n chain c {\n  type filter hook forward priority 0;\n }\n chain d {\n  ip daddr 10.0.0.9 dnat to 10.0.0.1\n }\n}\n")]
    public void ConntrackRunsOnlyWhereTheRulesNeedIt(string tool, string rules)
    {
        SkipUnlessLab();
        using var lab = new RealKernelLab();
        var nf = EmuRouter(out var host);
        if (tool == "iptables") LoadBoth(lab, nf, rules);
        else if (tool == "nft")
        {
            lab.In(lab.Router, "nft -f -", rules);
            var r = nf.Nft(["-f", "-"], rules);
            Assert.Equal("", r.Stderr);
        }
        lab.StartServer(8080);
        var real = lab.Connect("10.10.2.2", 8080, firstPort: 44000);
        Assert.Equal(["10.10.1.2:44000 8080"], real);
        Assert.Equal(real[0], EmuConnect(nf, host, "10.10.2.2:8080", 44000, [8080]));
        var realCt = NoTimeouts(lab.In(lab.Router, "conntrack -L -p tcp"));
        Assert.Equal(realCt, NoTimeouts(nf.ConntrackCommand(["-L", "-p", "tcp"]).Stdout));
        Assert.Equal(realCt != "", nf.Tracking);
    }

    [Fact]
    public void StatisticSplitWithinBounds()
    {
        SkipUnlessLab();
        using var lab = new RealKernelLab();
        var nf = EmuRouter(out var host);
        LoadBoth(lab, nf, string.Join('\n', "*nat", ":PREROUTING ACCEPT [0:0]", ":SVC - [0:0]",
            "-A PREROUTING -d 10.96.0.10/32 -p tcp --dport 80 -j SVC",
            "-A SVC -m statistic --mode random --probability 0.3333333333 -p tcp -j DNAT --to-destination 10.10.2.2:8080",
            "-A SVC -m statistic --mode random --probability 0.5000000000 -p tcp -j DNAT --to-destination 10.10.2.2:8081",
            "-A SVC -p tcp -j DNAT --to-destination 10.10.2.2:8082", "COMMIT", ""));
        lab.StartServer(8080, 8081, 8082);
        const int n = 300;
        var real = lab.Connect("10.96.0.10", 80, n, firstPort: 44000);
        var emu = Enumerable.Range(0, n).Select(i => EmuConnect(nf, host, "10.96.0.10:80", 44000 + i, [8080, 8081, 8082])).ToList();
        foreach (var list in new[] { real, emu })
        {
            Assert.Equal(n, list.Count);
            foreach (var port in new[] { "8080", "8081", "8082" })
            {
                // each endpoint gets 1/3: mean 100, 5 standard deviations ~ 41
                int c = list.Count(l => l.EndsWith(" " + port, StringComparison.Ordinal));
                Assert.InRange(c, 100 - 41, 100 + 41);
            }
        }
    }

    [Fact]
    public void NftNumgenSplitWithinBounds()
    {
        SkipUnlessLab();
        using var lab = new RealKernelLab();
        var nf = EmuRouter(out var host);
        const string rules = "add table ip t\nadd chain ip t pre { type nat hook prerouting priority dstnat ; }\nadd chain ip t a\nadd chain ip t b\n" +
            "add rule ip t pre ip daddr 10.96.0.10 tcp dport 80 numgen random mod 2 vmap { 0 : goto a , 1 : goto b }\n" +
            "add rule ip t a meta l4proto tcp dnat to 10.10.2.2:8080\nadd rule ip t b meta l4proto tcp dnat to 10.10.2.2:8081\n";
        lab.In(lab.Router, "nft -f -", rules);
        Assert.Equal("", nf.Nft(["-f", "-"], rules).Stderr);
        lab.StartServer(8080, 8081);
        const int n = 300;
        var real = lab.Connect("10.96.0.10", 80, n, firstPort: 45000);
        var emu = Enumerable.Range(0, n).Select(i => EmuConnect(nf, host, "10.96.0.10:80", 45000 + i, [8080, 8081])).ToList();
        foreach (var list in new[] { real, emu })
        {
            int a = list.Count(l => l.EndsWith(" 8080", StringComparison.Ordinal));
            int b = list.Count(l => l.EndsWith(" 8081", StringComparison.Ordinal));
            Assert.Equal(n, a + b);
            Assert.InRange(a, 150 - 44, 150 + 44);
        }
        // the listings agree too (no sets here, so element order does not matter)
        Assert.Equal(lab.In(lab.Router, "nft list ruleset"), nf.Nft(["list", "ruleset"]).Stdout);
    }

    [Fact]
    public void KubeProxyMarkAndMasqueradeFlow()
    {
        SkipUnlessLab();
        using var lab = new RealKernelLab();
        var nf = EmuRouter(out var host);
        var rules = string.Join('\n', "*nat", ":PREROUTING ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]", ":KUBE-SERVICES - [0:0]", ":KUBE-MARK-MASQ - [0:0]",
            ":KUBE-POSTROUTING - [0:0]", ":KUBE-SVC-X - [0:0]", ":KUBE-SEP-Y - [0:0]",
            "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
            "-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING",
            "-A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN",
            "-A KUBE-POSTROUTING -j MARK --xor-mark 0x00004000",
            "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully",
            "-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000",
            "-A KUBE-SERVICES -m comment --comment \"ns/svc:http cluster IP\" -m tcp -p tcp -d 10.96.0.10 --dport 80 -j KUBE-SVC-X",
            "-A KUBE-SVC-X -m comment --comment \"ns/svc:http cluster IP\" -m tcp -p tcp -d 10.96.0.10 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ",
            "-A KUBE-SVC-X -m comment --comment \"ns/svc:http -> 10.10.2.2:8080\" -j KUBE-SEP-Y",
            "-A KUBE-SEP-Y -m comment --comment ns/svc:http -s 10.10.2.2 -j KUBE-MARK-MASQ",
            "-A KUBE-SEP-Y -m comment --comment ns/svc:http -m tcp -p tcp -j DNAT --to-destination 10.10.2.2:8080",
            "COMMIT", "");
        LoadBoth(lab, nf, rules);
        Assert.Equal(lab.In(lab.Router, "iptables-save -t nat").Split('\n').Where(l => !l.StartsWith('#')), nf.IptablesSave("nat").Split('\n').Where(l => !l.StartsWith('#')));
        lab.StartServer(8080);
        var real = lab.Connect("10.96.0.10", 80, firstPort: 46000);
        Assert.Single(real);
        Assert.StartsWith("10.10.2.1:", real[0]); // masqueraded (the port is random: --random-fully)
        var emu = EmuConnect(nf, host, "10.96.0.10:80", 46000, [8080]);
        Assert.StartsWith("10.10.2.1:", emu);
        Assert.EndsWith(" 8080", emu);
    }

    [Fact]
    public void AddrtypeLocalNodePort()
    {
        SkipUnlessLab();
        using var lab = new RealKernelLab();
        var nf = EmuRouter(out var host);
        LoadBoth(lab, nf, "*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -m addrtype --dst-type LOCAL -p tcp -m tcp --dport 30080 -j DNAT --to-destination 10.10.2.2:8080\nCOMMIT\n");
        lab.StartServer(8080);
        foreach (var (dst, port) in new[] { ("10.10.1.1", 47000), ("10.10.2.1", 47001), ("10.10.2.2", 47002) })
        {
            var real = lab.Connect(dst, 30080, firstPort: port);
            Assert.Single(real);
            Assert.Equal(real[0], EmuConnect(nf, host, dst + ":30080", port, [8080]));
        }
    }

    [Fact]
    public void MultiportWithStatefulFilter()
    {
        SkipUnlessLab();
        using var lab = new RealKernelLab();
        var nf = EmuRouter(out var host);
        LoadBoth(lab, nf, "*filter\n:FORWARD DROP [0:0]\n-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A FORWARD -p tcp -m multiport --dports 8080,9000:9100 -j ACCEPT\nCOMMIT\n");
        lab.StartServer(8080, 8081, 9050);
        foreach (var (port, sport) in new[] { (8080, 48000), (8081, 48001), (9050, 48002) })
        {
            var real = lab.Connect("10.10.2.2", port, firstPort: sport, timeout: 0.5);
            Assert.Equal(real[0], EmuConnect(nf, host, "10.10.2.2:" + port, sport, [8080, 8081, 9050]));
        }
    }

    [Fact]
    public void IpsetMatch()
    {
        SkipUnlessLab();
        using var lab = new RealKernelLab();
        var nf = EmuRouter(out var host);
        foreach (var cmd in new[] { "ipset create allowed hash:ip,port", "ipset add allowed 10.10.2.2,tcp:8080" })
        {
            lab.In(lab.Router, cmd);
            Assert.Equal(0, nf.Ipset(cmd.Split(' ').Skip(1).ToList()).ExitCode);
        }
        LoadBoth(lab, nf, "*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -p tcp -m conntrack --ctstate NEW -m set ! --match-set allowed dst,dst -j REJECT\nCOMMIT\n");
        lab.StartServer(8080, 8081);
        foreach (var (port, sport) in new[] { (8080, 49000), (8081, 49001) })
        {
            var real = lab.Connect("10.10.2.2", port, firstPort: sport);
            Assert.Equal(real[0], EmuConnect(nf, host, "10.10.2.2:" + port, sport, [8080, 8081]));
        }
        Assert.Equal(lab.In(lab.Router, "ipset list allowed").Split('\n').Where(l => !l.StartsWith("Header") && !l.StartsWith("Size")),
            nf.Ipset(["list", "allowed"]).Stdout.Split('\n').Where(l => !l.StartsWith("Header") && !l.StartsWith("Size")));
    }

    [Fact]
    public void BridgeWithBrNetfilterPhysdev()
    {
        SkipUnlessLab();
        if (!File.Exists("/proc/sys/net/bridge/bridge-nf-call-iptables")) Assert.Skip("br_netfilter is not loaded on this kernel");
        using var lab = new RealKernelLab(bridge: true);
        var nf = TestHost.Create(out var host);
        var rules = "*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -m physdev --physdev-in vbc --physdev-is-bridged -p tcp -m tcp --dport 8081 -j DROP\nCOMMIT\n";
        LoadBoth(lab, nf, rules);
        lab.StartServer(8080, 8081);
        foreach (var (port, sport) in new[] { (8080, 50000), (8081, 50001) })
        {
            var real = lab.Connect("10.10.3.3", port, firstPort: sport, timeout: 0.5);
            var syn = Pkt.Tcp("10.10.3.2:" + sport, "10.10.3.3:" + port, Pkt.Syn, "br0", "br0");
            syn.Bridged = true;
            syn.PhysInInterface = "vbc";
            syn.PhysOutInterface = "vbs";
            var v = nf.Forward(syn);
            var emu = v.Kind == NetfilterVerdictKind.Drop ? "timeout" : $"10.10.3.2:{sport} {port}";
            Assert.Equal(real[0], emu);
        }
    }
}

[CollectionDefinition("real-netns", DisableParallelization = true)]
public class RealNetnsCollection
{
}

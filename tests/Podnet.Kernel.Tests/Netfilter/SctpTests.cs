using System.Buffers.Binary;
using Podnet.Kernel.Links;
using Podnet.Kernel.Netfilter;
using Podnet.Kernel.Wire;
using Xunit;
using static Podnet.Kernel.Tests.Topo;

namespace Podnet.Kernel.Tests.Netfilter;

/// <summary><c>-p sctp</c> and <c>-m sctp --sport/--dport</c> (xt_sctp), and NAT of SCTP packets in the stack.</summary>
public class SctpTests
{
    private const string Rules =
        "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n" +
        "-A INPUT -p sctp -m sctp --dport 80 -j ACCEPT\n" +
        "-A INPUT -p sctp -m sctp ! --sport 1000:2000 -j DROP\n" +
        "-A INPUT -p sctp --dport 81 -j ACCEPT\n" +
        "COMMIT\n";

    // recorded from iptables v1.8.9 (nf_tables) on Debian 12 after `iptables-restore` of Rules (dates stripped)
    private const string RealSave =
        "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n" +
        "-A INPUT -p sctp -m sctp --dport 80 -j ACCEPT\n" +
        "-A INPUT -p sctp -m sctp ! --sport 1000:2000 -j DROP\n" +
        "-A INPUT -p sctp -m sctp --dport 81 -j ACCEPT\n" +
        "COMMIT\n";

    private const string RealList =
        "Chain INPUT (policy ACCEPT 0 packets, 0 bytes)\n" +
        " pkts bytes target     prot opt in     out     source               destination         \n" +
        "    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp dpt:80\n" +
        "    0     0 DROP       132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp spts:!1000:2000\n" +
        "    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp dpt:81\n" +
        "\n" +
        "Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)\n" +
        " pkts bytes target     prot opt in     out     source               destination         \n" +
        "\n" +
        "Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)\n" +
        " pkts bytes target     prot opt in     out     source               destination         \n";

    private static string StripDates(string s) =>
        string.Join('\n', s.Split('\n').Where(l => !l.StartsWith("# Generated", StringComparison.Ordinal) && !l.StartsWith("# Completed", StringComparison.Ordinal)));

    [Fact]
    public void SctpRulesLoadSaveAndListAsRealIptables()
    {
        var nf = TestHost.Create(out _);
        var r = nf.IptablesRestore(Rules);
        Assert.Equal("", r.Stderr);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(RealSave, StripDates(nf.IptablesSave()));
        Assert.Equal(RealList, nf.IptablesCommand("-L", "-n", "-v").Stdout);
    }

    [Fact]
    public void SctpMatchWithoutSctpProtocolIsRefused()
    {
        // the kernel's xt_sctp refuses it (real iptables-nft: "RULE_APPEND failed (Invalid argument)", exit 4)
        var nf = TestHost.Create(out _);
        var r = nf.IptablesRestore("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -m sctp --dport 80 -j ACCEPT\nCOMMIT\n");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("Invalid argument", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("-m sctp", nf.IptablesSave(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData((byte)132, (ushort)5000, (ushort)80, NetfilterVerdictKind.Accept)]
    [InlineData((byte)132, (ushort)5000, (ushort)99, NetfilterVerdictKind.Drop)]
    [InlineData((byte)132, (ushort)1500, (ushort)99, NetfilterVerdictKind.Accept)]
    [InlineData((byte)6, (ushort)5000, (ushort)99, NetfilterVerdictKind.Accept)]
    public void SctpPortsDecide(byte protocol, ushort sport, ushort dport, NetfilterVerdictKind expected)
    {
        var nf = TestHost.Create(out _);
        Assert.Equal(0, nf.IptablesRestore(Rules).ExitCode);
        var p = new NetfilterPacket { Protocol = protocol, Source = Ip("10.0.0.1"), Destination = Ip("10.0.0.2"), SourcePort = sport, DestinationPort = dport, TcpFlags = 0x02, InInterface = "eth0", Length = 60 };
        Assert.Equal(NetfilterVerdictKind.Accept, nf.Process(NetfilterHook.Prerouting, p).Kind);
        Assert.Equal(expected, nf.Process(NetfilterHook.Input, p).Kind);
    }

    [Fact]
    public void RealIptablesRestoreAcceptsAndSavesTheSameText()
    {
        if (RealKernelLab.Unavailable() is { } why) Assert.Skip("real-kernel differential test skipped: " + why);
        using var lab = new RealKernelLab();
        lab.In(lab.Router, "iptables-restore --test", Rules);
        lab.In(lab.Router, "iptables-restore", Rules);
        var real = StripDates(lab.In(lab.Router, "iptables-save -t filter"));
        var nf = TestHost.Create(out _);
        Assert.Equal(0, nf.IptablesRestore(Rules).ExitCode);
        Assert.Equal(real, StripDates(nf.IptablesSave("filter")));
        Assert.Equal(lab.In(lab.Router, "iptables -L INPUT -n -v"), nf.IptablesCommand("-L", "INPUT", "-n", "-v").Stdout);
        var bad = RealKernelLab.Run($"ip netns exec {lab.Router} iptables-restore --noflush", "*filter\n-A INPUT -p tcp -m sctp --dport 80 -j ACCEPT\nCOMMIT\n");
        Assert.NotEqual(0, bad.Code);
    }

    /// <summary>An SCTP packet DNATed by a router reaches the backend with the new address and port and a valid CRC32c.</summary>
    [Fact]
    public void DnatRewritesSctpPortsAndChecksum()
    {
        var (w, _, r, rt) = Routed();
        var nf = new Podnet.Kernel.Netfilter.Netfilter(r, r.Name);
        r.Netfilter = nf;
        Assert.Equal(0, nf.IptablesRestore("*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p sctp -m sctp --dport 80 -j DNAT --to-destination 10.2.0.2:8080\nCOMMIT\n").ExitCode);
        var tap = new RecordingTap();
        rt.GetDevice("eth0")!.AddTap(tap);
        var seen = tap.Seen.Where(s => !s.Outgoing).Select(s => s.Bytes);
        var l0 = r.GetDevice("l0")!;
        l0.Receive(SctpPacket(l0.Mac, Ip("10.1.0.2"), Ip("10.1.0.1"), 5000, 80));
        w.Loop.RunUntilIdle(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
        var got = Assert.Single(seen, f => f.Length > 14 + 20 && f[12] == 0x08 && f[13] == 0x00 && f[14 + 9] == 132);
        var ip = got.AsSpan(14);
        Assert.Equal(Ip("10.2.0.2"), BinaryPrimitives.ReadUInt32BigEndian(ip[16..]));
        var sctp = ip[20..];
        Assert.Equal(5000, BinaryPrimitives.ReadUInt16BigEndian(sctp));
        Assert.Equal(8080, BinaryPrimitives.ReadUInt16BigEndian(sctp[2..]));
        Assert.Equal(ReferenceCrc32c(sctp), BinaryPrimitives.ReadUInt32LittleEndian(sctp[8..]));
        Assert.Single(nf.Conntrack.Entries(w.Loop.Now));
    }

    /// <summary>An SCTP INIT-like packet (common header + one 20-byte chunk) with a correct checksum.</summary>
    private static Frame SctpPacket(MacAddress to, uint src, uint dst, ushort sport, ushort dport)
    {
        const int sctpLen = 12 + 20;
        var f = new Frame(14 + 20 + sctpLen);
        new EthernetHeader(to, MacAddress.Parse("02:00:00:00:00:99"), EtherType.Ipv4).Write(f.Span);
        new Ipv4Header(0, 20 + sctpLen, 1, 0, 64, 132, src, dst).Write(f.Span[14..]);
        var s = f.Span[34..];
        BinaryPrimitives.WriteUInt16BigEndian(s, sport);
        BinaryPrimitives.WriteUInt16BigEndian(s[2..], dport);
        BinaryPrimitives.WriteUInt32BigEndian(s[4..], 0);          // verification tag 0 for INIT
        s[12] = 1;                                                  // chunk type INIT
        BinaryPrimitives.WriteUInt16BigEndian(s[14..], 20);         // chunk length
        BinaryPrimitives.WriteUInt32BigEndian(s[16..], 0x01020304); // initiate tag
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], ReferenceCrc32c(s));
        return f;
    }

    /// <summary>Bitwise CRC32c (Castagnoli, reflected 0x82F63B78) over the packet with the checksum field taken as zero.</summary>
    private static uint ReferenceCrc32c(ReadOnlySpan<byte> sctp)
    {
        uint crc = 0xFFFFFFFF;
        for (int i = 0; i < sctp.Length; i++)
        {
            byte b = i is >= 8 and < 12 ? (byte)0 : sctp[i];
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
        }
        return ~crc;
    }

    [Fact]
    public void ReferenceCrc32cMatchesTheRfc3720Vector()
    {
        // RFC 3720 B.4: 32 bytes of zeros give 0x8A9136AA; here bytes 8..11 are the (zeroed) checksum field
        Assert.Equal(0x8A9136AAu, ReferenceCrc32c(new byte[32]));
    }
}

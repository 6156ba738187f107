using FsCheck;
using FsCheck.Fluent;
using Podnet.Kernel.Wire;
using Xunit;

namespace Podnet.Kernel.Tests.Wire;

public class WireTests
{
    // A real IPv4 header (UDP, 192.168.0.1 -> 192.168.0.199) with its checksum 0xb861.
    private static readonly byte[] KnownIpv4 = Convert.FromHexString("4500007300004000401" + "1b861c0a80001c0a800c7");

    [Fact]
    public void Parses_a_literal_ipv4_header_and_verifies_its_checksum()
    {
        var buf = new byte[0x73];
        KnownIpv4.CopyTo(buf, 0);
        Assert.True(Ipv4Header.TryParse(buf, out var h, out var err));
        Assert.Equal(Ipv4ParseError.None, err);
        Assert.Equal(IpProtocol.Udp, h.Protocol);
        Assert.Equal(64, h.Ttl);
        Assert.Equal("192.168.0.1", Ipv4Address.Format(h.Source));
        Assert.Equal("192.168.0.199", Ipv4Address.Format(h.Destination));
        Assert.Equal(0x73, h.TotalLength);
        buf[11] ^= 1;
        Assert.False(Ipv4Header.TryParse(buf, out _, out err));
        Assert.Equal(Ipv4ParseError.BadChecksum, err);
    }

    [Fact]
    public void Writing_a_header_reproduces_the_literal_bytes()
    {
        var h = new Ipv4Header(0, 0x73, 0, 0x4000, 64, IpProtocol.Udp, Ipv4Address.Parse("192.168.0.1"), Ipv4Address.Parse("192.168.0.199"));
        var b = new byte[20];
        h.Write(b);
        Assert.Equal(KnownIpv4, b);
    }

    [Fact]
    public void Rejects_truncated_and_lying_headers()
    {
        Assert.False(Ipv4Header.TryParse(KnownIpv4.AsSpan(0, 19), out _, out var e1));
        Assert.Equal(Ipv4ParseError.Truncated, e1);
        Assert.False(Ipv4Header.TryParse(KnownIpv4, out _, out var e2)); // total length 0x73 > 20 bytes present
        Assert.Equal(Ipv4ParseError.BadTotalLength, e2);
        var v6 = (byte[])KnownIpv4.Clone();
        v6[0] = 0x65;
        Assert.False(Ipv4Header.TryParse(v6, out _, out var e3));
        Assert.Equal(Ipv4ParseError.BadVersion, e3);
    }

    [Fact]
    public void Parses_a_literal_arp_request()
    {
        var b = Convert.FromHexString("0001080006040001" + "020000000001" + "0a000001" + "000000000000" + "0a000002");
        Assert.True(ArpPacket.TryParse(b, out var arp));
        Assert.Equal(ArpPacket.Request, arp.Operation);
        Assert.Equal("02:00:00:00:00:01", arp.SenderMac.ToString());
        Assert.Equal("10.0.0.2", Ipv4Address.Format(arp.TargetIp));
        b[7] = 9; // unknown operation
        Assert.False(ArpPacket.TryParse(b, out _));
    }

    [Fact]
    public void Parses_a_literal_vxlan_header()
    {
        Assert.True(VxlanHeader.TryParse(Convert.FromHexString("0800000000002a00"), out var vx));
        Assert.Equal(42u, vx.Vni);
        Assert.False(VxlanHeader.TryParse(Convert.FromHexString("0000000000002a00"), out _));
    }

    [Fact]
    public void Mac_and_prefix_text_round_trip()
    {
        Assert.True(MacAddress.TryParse("02:5f:1a:62:85:8a", out var m));
        Assert.Equal("02:5f:1a:62:85:8a", m.ToString());
        Assert.False(MacAddress.TryParse("02:5f:1a:62:85", out _));
        Assert.Equal("10.244.0.0/16", Ipv4Prefix.Parse("10.244.0.0/16").ToString());
        Assert.True(Ipv4Prefix.Parse("10.244.0.0/16").Contains(Ipv4Address.Parse("10.244.200.1")));
        Assert.False(Ipv4Prefix.TryParse("10.0.0.0/33", out _));
        Assert.False(Ipv4Address.TryParse("1.2.3.256", out _));
        Assert.False(Ipv4Address.TryParse("1.2.3", out _));
        Assert.False(Ipv4Address.TryParse("1.2.3.4.5", out _));
    }

    [Fact]
    public void Tcp_segments_round_trip_with_valid_checksums()
    {
        Prop.ForAll<uint, ulong, byte[]>((ports, seqAck, payload) =>
        {
            ushort sp = (ushort)(ports >> 16), dp = (ushort)ports;
            uint seq = (uint)(seqAck >> 32), ack = (uint)seqAck;
            payload ??= [];
            var h = new TcpHeader(sp, dp, seq, ack, TcpFlags.Psh | TcpFlags.Ack, 64240, 20, (ushort)(sp % 2 == 0 ? 1460 : 0));
            var seg = new byte[h.WrittenSize + payload.Length];
            payload.CopyTo(seg, h.WrittenSize);
            h.Write(seg, 0x0A000001, 0x0A000002);
            return TcpHeader.TryParse(seg, 0x0A000001, 0x0A000002, out var back)
                && back with { HeaderLength = 20 } == h with { HeaderLength = 20 }
                && !TcpHeader.TryParse(seg, 0x0A000001, 0x0A000003, out _);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Udp_and_ipv4_round_trip()
    {
        Prop.ForAll<ulong, uint, byte[]>((addrs, ports, payload) =>
        {
            uint src = (uint)(addrs >> 32), dst = (uint)addrs;
            ushort sp = (ushort)(ports >> 16), dp = (ushort)ports;
            payload ??= [];
            if (payload.Length > 1400) payload = payload[..1400];
            int total = 20 + 8 + payload.Length;
            var b = new byte[total];
            payload.CopyTo(b, 28);
            new Ipv4Header(0, (ushort)total, 7, Ipv4Header.DontFragment, 64, IpProtocol.Udp, src, dst).Write(b);
            UdpHeader.Write(b.AsSpan(20), sp, dp, src, dst);
            return Ipv4Header.TryParse(b, out var ip, out _) && ip.Source == src && ip.Destination == dst
                && UdpHeader.TryParse(b.AsSpan(20), src, dst, out var u) && u.SourcePort == sp && u.DestinationPort == dp && u.Length == 8 + payload.Length;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Parsers_never_throw_on_random_bytes()
    {
        Prop.ForAll<byte[]>(bytes =>
        {
            bytes ??= [];
            Ipv4Header.TryParse(bytes, out _, out _);
            ArpPacket.TryParse(bytes, out _);
            TcpHeader.TryParse(bytes, 1, 2, out _);
            UdpHeader.TryParse(bytes, 1, 2, out _);
            IcmpHeader.TryParse(bytes, out _);
            VxlanHeader.TryParse(bytes, out _);
            EthernetHeader.TryParse(bytes, out _);
            Podnet.Kernel.Tracing.Tcpdump.Summary(bytes);
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Checksum_of_data_with_its_checksum_is_zero()
    {
        Prop.ForAll<byte[]>(bytes =>
        {
            bytes ??= [];
            var b = new byte[(bytes.Length | 1) + 3];
            bytes.CopyTo(b, 2);
            var sum = Checksum.Compute(b);
            b[0] = (byte)(sum >> 8);
            b[1] = (byte)sum;
            return Checksum.Compute(b) == 0;
        }).QuickCheckThrowOnFailure();
    }
}

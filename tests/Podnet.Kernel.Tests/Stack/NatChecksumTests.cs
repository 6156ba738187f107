using FsCheck;
using FsCheck.Fluent;
using Podnet.Kernel.Netfilter;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Wire;
using Xunit;

namespace Podnet.Kernel.Tests.Stack;

/// <summary>
/// The NAT write-back adjusts TCP/UDP checksums incrementally (RFC 1624); it must give exactly the
/// bytes of writing the new addresses and ports and summing the whole segment again.
/// </summary>
public class NatChecksumTests
{
    private static byte[] Packet(bool tcp, uint src, uint dst, ushort sp, ushort dp, byte[] payload)
    {
        int l4 = tcp ? 20 : 8;
        var b = new byte[20 + l4 + payload.Length];
        payload.CopyTo(b, 20 + l4);
        new Ipv4Header(0, (ushort)b.Length, 7, Ipv4Header.DontFragment, 64, tcp ? IpProtocol.Tcp : IpProtocol.Udp, src, dst).Write(b);
        if (tcp) new TcpHeader(sp, dp, 1000, 2000, TcpFlags.Psh | TcpFlags.Ack, 64240, 20, 0).Write(b.AsSpan(20), src, dst);
        else UdpHeader.Write(b.AsSpan(20), sp, dp, src, dst);
        return b;
    }

    private static byte[] FullRewrite(byte[] original, bool tcp, uint src, uint dst, ushort sp, ushort dp)
    {
        var b = (byte[])original.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(12), src);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(16), dst);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(20), sp);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(22), dp);
        Ipv4Header.FixChecksum(b);
        if (tcp) TcpHeader.FixChecksum(b.AsSpan(20), src, dst);
        else if (b[26] != 0 || b[27] != 0) UdpHeader.FixChecksum(b.AsSpan(20), src, dst);
        return b;
    }

    private static byte[] IncrementalRewrite(byte[] original, uint src, uint dst, ushort sp, ushort dp)
    {
        var b = (byte[])original.Clone();
        var p = new NetfilterPacket { Source = src, Destination = dst, SourcePort = sp, DestinationPort = dp };
        Assert.True(NetNamespace.TryRewriteIncremental(b, p));
        return b;
    }

    [Fact]
    public void Incremental_checksum_update_equals_a_full_recompute()
    {
        Prop.ForAll<ulong, ulong, byte[]>((addrs, newAddrs, payload) =>
        {
            bool tcp = (addrs & 1) == 0;
            payload ??= [];
            if (payload.Length > 1400) payload = payload[..1400];
            uint src = (uint)(addrs >> 32), dst = (uint)addrs;
            uint nsrc = (uint)(newAddrs >> 32), ndst = (uint)newAddrs;
            ushort sp = (ushort)(addrs >> 7), dp = (ushort)(addrs >> 23);
            ushort nsp = (ushort)(newAddrs >> 5), ndp = (ushort)(newAddrs >> 41);
            var original = Packet(tcp, src, dst, sp, dp, payload);
            var full = FullRewrite(original, tcp, nsrc, ndst, nsp, ndp);
            var incremental = IncrementalRewrite(original, nsrc, ndst, nsp, ndp);
            return full.AsSpan().SequenceEqual(incremental);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_dnat_rewrite_leaves_a_segment_that_verifies_under_its_new_addresses()
    {
        var original = Packet(tcp: true, 0x0A000001, 0xAC1E0001, 40000, 80, new byte[100]);
        var b = IncrementalRewrite(original, 0x0A000001, 0x0A00000B, 40000, 8080);
        Assert.True(Ipv4Header.TryParse(b, out var ip, out _));
        Assert.Equal(0x0A00000Bu, ip.Destination);
        Assert.True(TcpHeader.TryParse(b.AsSpan(20), 0x0A000001, 0x0A00000B, out var h));
        Assert.Equal(8080, h.DestinationPort);
    }

    [Fact]
    public void A_udp_datagram_without_checksum_keeps_none()
    {
        var original = Packet(tcp: false, 0x0A000001, 0xAC1E0001, 5353, 53, new byte[10]);
        original[26] = original[27] = 0;
        var b = IncrementalRewrite(original, 0x0A000001, 0x0A00000B, 5353, 53);
        Assert.Equal(0, b[26]);
        Assert.Equal(0, b[27]);
        Assert.Equal(FullRewrite(original, tcp: false, 0x0A000001, 0x0A00000B, 5353, 53), b);
    }
}

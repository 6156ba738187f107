using System.Buffers.Binary;

namespace Podnet.Kernel.Wire;

/// <summary>TCP header flags (the low byte of the flags field).</summary>
[Flags]
public enum TcpFlags : byte
{
    None = 0,
    Fin = 0x01,
    Syn = 0x02,
    Rst = 0x04,
    Psh = 0x08,
    Ack = 0x10,
    Urg = 0x20,
}

/// <summary>A TCP header (<c>struct tcphdr</c>, RFC 9293). Of the options only MSS is read and written.</summary>
public readonly record struct TcpHeader(
    ushort SourcePort, ushort DestinationPort, uint Sequence, uint Acknowledgment, TcpFlags Flags, ushort Window,
    int HeaderLength = 20, ushort Mss = 0)
{
    public const int MinSize = 20;

    /// <summary>Checked parse: data offset within bounds and the checksum over the pseudo-header.</summary>
    public static bool TryParse(ReadOnlySpan<byte> segment, uint source, uint destination, out TcpHeader header, bool verifyChecksum = true)
    {
        header = default;
        if (segment.Length < MinSize) return false;
        int off = (segment[12] >> 4) * 4;
        if (off < MinSize || off > segment.Length) return false;
        if (verifyChecksum && Checksum.Finish(Checksum.Add(Checksum.PseudoHeader(source, destination, IpProtocol.Tcp, segment.Length), segment)) != 0) return false;
        ushort mss = 0;
        var opts = segment[MinSize..off];
        while (opts.Length > 0)
        {
            byte kind = opts[0];
            if (kind == 0) break;
            if (kind == 1) { opts = opts[1..]; continue; }
            if (opts.Length < 2 || opts[1] < 2 || opts[1] > opts.Length) return false;
            if (kind == 2 && opts[1] == 4) mss = BinaryPrimitives.ReadUInt16BigEndian(opts[2..]);
            opts = opts[opts[1]..];
        }
        header = new TcpHeader(BinaryPrimitives.ReadUInt16BigEndian(segment), BinaryPrimitives.ReadUInt16BigEndian(segment[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(segment[4..]), BinaryPrimitives.ReadUInt32BigEndian(segment[8..]),
            (TcpFlags)(segment[13] & 0x3F), BinaryPrimitives.ReadUInt16BigEndian(segment[14..]), off, mss);
        return true;
    }

    /// <summary>The header size <see cref="Write"/> produces (24 with an MSS option).</summary>
    public int WrittenSize => Mss != 0 ? 24 : 20;

    /// <summary>Writes the header (with the MSS option when set) and the checksum over <paramref name="segment"/> (payload in place).</summary>
    public void Write(Span<byte> segment, uint source, uint destination)
    {
        int off = WrittenSize;
        BinaryPrimitives.WriteUInt16BigEndian(segment, SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(segment[2..], DestinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(segment[4..], Sequence);
        BinaryPrimitives.WriteUInt32BigEndian(segment[8..], Acknowledgment);
        segment[12] = (byte)((off / 4) << 4);
        segment[13] = (byte)Flags;
        BinaryPrimitives.WriteUInt16BigEndian(segment[14..], Window);
        segment[18] = 0;
        segment[19] = 0;
        if (Mss != 0)
        {
            segment[20] = 2;
            segment[21] = 4;
            BinaryPrimitives.WriteUInt16BigEndian(segment[22..], Mss);
        }
        FixChecksum(segment, source, destination);
    }

    public static void FixChecksum(Span<byte> segment, uint source, uint destination)
    {
        segment[16] = 0;
        segment[17] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(segment[16..], Checksum.Finish(Checksum.Add(Checksum.PseudoHeader(source, destination, IpProtocol.Tcp, segment.Length), segment)));
    }
}

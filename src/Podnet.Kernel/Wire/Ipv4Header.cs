using System.Buffers.Binary;

namespace Podnet.Kernel.Wire;

/// <summary>Why a received IPv4 packet was rejected by <see cref="Ipv4Header.TryParse"/> (the kernel's IPSTATS_MIB_* reasons).</summary>
public enum Ipv4ParseError
{
    None,
    Truncated,
    BadVersion,
    BadHeaderLength,
    BadTotalLength,
    BadChecksum,
    Fragment,
}

/// <summary>An IPv4 header (<c>struct iphdr</c>, RFC 791). Options are skipped, not interpreted.</summary>
public readonly record struct Ipv4Header(
    byte Tos, ushort TotalLength, ushort Identification, ushort FlagsAndFragment, byte Ttl, byte Protocol,
    uint Source, uint Destination, int HeaderLength = 20)
{
    public const int MinSize = 20;
    public const ushort DontFragment = 0x4000;

    public int PayloadLength => TotalLength - HeaderLength;

    /// <summary>Checked parse as <c>ip_rcv_core()</c> does: version, IHL, total length within the buffer, header checksum.</summary>
    public static bool TryParse(ReadOnlySpan<byte> b, out Ipv4Header header, out Ipv4ParseError error)
    {
        header = default;
        if (b.Length < MinSize) { error = Ipv4ParseError.Truncated; return false; }
        if (b[0] >> 4 != 4) { error = Ipv4ParseError.BadVersion; return false; }
        int ihl = (b[0] & 15) * 4;
        if (ihl < MinSize || ihl > b.Length) { error = Ipv4ParseError.BadHeaderLength; return false; }
        ushort total = BinaryPrimitives.ReadUInt16BigEndian(b[2..]);
        if (total < ihl || total > b.Length) { error = Ipv4ParseError.BadTotalLength; return false; }
        if (Checksum.Compute(b[..ihl]) != 0) { error = Ipv4ParseError.BadChecksum; return false; }
        ushort frag = BinaryPrimitives.ReadUInt16BigEndian(b[6..]);
        if ((frag & 0x3FFF) != 0) { error = Ipv4ParseError.Fragment; return false; }
        header = new Ipv4Header(b[1], total, BinaryPrimitives.ReadUInt16BigEndian(b[4..]), frag, b[8], b[9],
            BinaryPrimitives.ReadUInt32BigEndian(b[12..]), BinaryPrimitives.ReadUInt32BigEndian(b[16..]), ihl);
        error = Ipv4ParseError.None;
        return true;
    }

    /// <summary>Writes a 20-byte header (no options) with a correct checksum.</summary>
    public void Write(Span<byte> b)
    {
        b[0] = 0x45;
        b[1] = Tos;
        BinaryPrimitives.WriteUInt16BigEndian(b[2..], TotalLength);
        BinaryPrimitives.WriteUInt16BigEndian(b[4..], Identification);
        BinaryPrimitives.WriteUInt16BigEndian(b[6..], FlagsAndFragment);
        b[8] = Ttl;
        b[9] = Protocol;
        b[10] = 0;
        b[11] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(b[12..], Source);
        BinaryPrimitives.WriteUInt32BigEndian(b[16..], Destination);
        BinaryPrimitives.WriteUInt16BigEndian(b[10..], Checksum.Compute(b[..MinSize]));
    }

    /// <summary>Recomputes the header checksum in place (after a TTL decrement or NAT).</summary>
    public static void FixChecksum(Span<byte> b)
    {
        int ihl = (b[0] & 15) * 4;
        b[10] = 0;
        b[11] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(b[10..], Checksum.Compute(b[..ihl]));
    }
}

using System.Buffers.Binary;

namespace Podnet.Kernel.Wire;

/// <summary>A UDP header (<c>struct udphdr</c>, RFC 768), 8 bytes.</summary>
public readonly record struct UdpHeader(ushort SourcePort, ushort DestinationPort, ushort Length, ushort Checksum)
{
    public const int Size = 8;

    /// <summary>Checked parse: length field within bounds; checksum (if non-zero) verified over the pseudo-header.</summary>
    public static bool TryParse(ReadOnlySpan<byte> segment, uint source, uint destination, out UdpHeader header, bool verifyChecksum = true)
    {
        header = default;
        if (segment.Length < Size) return false;
        ushort len = BinaryPrimitives.ReadUInt16BigEndian(segment[4..]);
        if (len < Size || len > segment.Length) return false;
        ushort sum = BinaryPrimitives.ReadUInt16BigEndian(segment[6..]);
        if (verifyChecksum && sum != 0 && Wire.Checksum.Finish(Wire.Checksum.Add(Wire.Checksum.PseudoHeader(source, destination, IpProtocol.Udp, len), segment[..len])) != 0) return false;
        header = new UdpHeader(BinaryPrimitives.ReadUInt16BigEndian(segment), BinaryPrimitives.ReadUInt16BigEndian(segment[2..]), len, sum);
        return true;
    }

    /// <summary>Writes the header and the checksum over <paramref name="segment"/> (payload already in place).</summary>
    public static void Write(Span<byte> segment, ushort sourcePort, ushort destinationPort, uint source, uint destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(segment, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(segment[2..], destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(segment[4..], (ushort)segment.Length);
        segment[6] = 0;
        segment[7] = 0;
        FixChecksum(segment, source, destination);
    }

    public static void FixChecksum(Span<byte> segment, uint source, uint destination)
    {
        segment[6] = 0;
        segment[7] = 0;
        ushort sum = Wire.Checksum.Finish(Wire.Checksum.Add(Wire.Checksum.PseudoHeader(source, destination, IpProtocol.Udp, segment.Length), segment));
        BinaryPrimitives.WriteUInt16BigEndian(segment[6..], sum == 0 ? (ushort)0xFFFF : sum);
    }
}

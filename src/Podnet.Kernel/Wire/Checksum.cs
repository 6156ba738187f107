using System.Buffers.Binary;

namespace Podnet.Kernel.Wire;

/// <summary>The Internet checksum (RFC 1071) as used by IPv4, ICMP, TCP and UDP.</summary>
public static class Checksum
{
    /// <summary>Adds the 16-bit big-endian words of <paramref name="data"/> to a running 32-bit sum.</summary>
    public static uint Add(uint sum, ReadOnlySpan<byte> data)
    {
        ulong s = sum;
        int i = 0;
        for (; i + 4 <= data.Length; i += 4) s += BinaryPrimitives.ReadUInt32BigEndian(data[i..]);
        for (; i + 2 <= data.Length; i += 2) s += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (i < data.Length) s += (uint)data[i] << 8;
        while ((s >> 16) != 0) s = (s & 0xFFFF) + (s >> 16);
        return (uint)s;
    }

    /// <summary>Folds a running sum to 16 bits and complements it.</summary>
    public static ushort Finish(uint sum)
    {
        while ((sum >> 16) != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

    public static ushort Compute(ReadOnlySpan<byte> data) => Finish(Add(0, data));

    /// <summary>The TCP/UDP pseudo-header sum: source, destination, protocol, length.</summary>
    public static uint PseudoHeader(uint source, uint destination, byte protocol, int length) =>
        (source >> 16) + (source & 0xFFFF) + (destination >> 16) + (destination & 0xFFFF) + protocol + (uint)length;
}

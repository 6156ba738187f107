using System.Buffers.Binary;

namespace Podnet.Kernel.Wire;

/// <summary>An ICMP header (<c>struct icmphdr</c>, RFC 792): type, code and the 4-byte rest (echo id/seq, or unused).</summary>
public readonly record struct IcmpHeader(byte Type, byte Code, ushort Identifier, ushort Sequence)
{
    public const int Size = 8;
    public const byte EchoReply = 0;
    public const byte DestinationUnreachable = 3;
    public const byte EchoRequest = 8;
    public const byte TimeExceeded = 11;

    public const byte CodeNetUnreachable = 0;
    public const byte CodeHostUnreachable = 1;
    public const byte CodeProtocolUnreachable = 2;
    public const byte CodePortUnreachable = 3;
    public const byte CodeFragmentationNeeded = 4;
    public const byte CodeNetProhibited = 9;
    public const byte CodeHostProhibited = 10;
    public const byte CodeAdminProhibited = 13;

    public bool IsError => Type is DestinationUnreachable or TimeExceeded;

    /// <summary>Checked parse of a whole ICMP message: at least 8 bytes and a valid checksum.</summary>
    public static bool TryParse(ReadOnlySpan<byte> message, out IcmpHeader header, bool verifyChecksum = true)
    {
        header = default;
        if (message.Length < Size || (verifyChecksum && Checksum.Compute(message) != 0)) return false;
        header = new IcmpHeader(message[0], message[1], BinaryPrimitives.ReadUInt16BigEndian(message[4..]), BinaryPrimitives.ReadUInt16BigEndian(message[6..]));
        return true;
    }

    /// <summary>Writes the header then computes the checksum over <paramref name="message"/> (header + payload already in place).</summary>
    public void Write(Span<byte> message)
    {
        message[0] = Type;
        message[1] = Code;
        message[2] = 0;
        message[3] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(message[4..], Identifier);
        BinaryPrimitives.WriteUInt16BigEndian(message[6..], Sequence);
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], Checksum.Compute(message));
    }
}

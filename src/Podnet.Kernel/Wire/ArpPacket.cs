using System.Buffers.Binary;

namespace Podnet.Kernel.Wire;

/// <summary>An ARP packet for IPv4 over Ethernet (RFC 826), 28 bytes.</summary>
public readonly record struct ArpPacket(ushort Operation, MacAddress SenderMac, uint SenderIp, MacAddress TargetMac, uint TargetIp)
{
    public const int Size = 28;
    public const ushort Request = 1;
    public const ushort Reply = 2;

    /// <summary>Checked parse: hardware type 1, protocol 0x0800, lengths 6/4, operation 1 or 2.</summary>
    public static bool TryParse(ReadOnlySpan<byte> b, out ArpPacket arp)
    {
        arp = default;
        if (b.Length < Size) return false;
        if (BinaryPrimitives.ReadUInt16BigEndian(b) != 1 || BinaryPrimitives.ReadUInt16BigEndian(b[2..]) != EtherType.Ipv4 || b[4] != 6 || b[5] != 4) return false;
        ushort op = BinaryPrimitives.ReadUInt16BigEndian(b[6..]);
        if (op is not (Request or Reply)) return false;
        arp = new ArpPacket(op, MacAddress.Read(b[8..]), BinaryPrimitives.ReadUInt32BigEndian(b[14..]), MacAddress.Read(b[18..]), BinaryPrimitives.ReadUInt32BigEndian(b[24..]));
        return true;
    }

    public void Write(Span<byte> b)
    {
        BinaryPrimitives.WriteUInt16BigEndian(b, 1);
        BinaryPrimitives.WriteUInt16BigEndian(b[2..], EtherType.Ipv4);
        b[4] = 6;
        b[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(b[6..], Operation);
        SenderMac.Write(b[8..]);
        BinaryPrimitives.WriteUInt32BigEndian(b[14..], SenderIp);
        TargetMac.Write(b[18..]);
        BinaryPrimitives.WriteUInt32BigEndian(b[24..], TargetIp);
    }
}

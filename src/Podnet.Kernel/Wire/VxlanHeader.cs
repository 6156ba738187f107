using System.Buffers.Binary;

namespace Podnet.Kernel.Wire;

/// <summary>A VXLAN header (RFC 7348): flags with the I bit and a 24-bit VNI; 8 bytes after the outer UDP header.</summary>
public readonly record struct VxlanHeader(uint Vni)
{
    public const int Size = 8;
    /// <summary>Outer Ethernet + IPv4 + UDP + VXLAN: the bytes encapsulation adds.</summary>
    public const int Overhead = EthernetHeader.Size + Ipv4Header.MinSize + UdpHeader.Size + Size;

    /// <summary>Checked parse: at least 8 bytes and the I flag (0x08) set, as <c>vxlan_rcv()</c> requires.</summary>
    public static bool TryParse(ReadOnlySpan<byte> b, out VxlanHeader header)
    {
        header = default;
        if (b.Length < Size || (b[0] & 0x08) == 0) return false;
        header = new VxlanHeader(BinaryPrimitives.ReadUInt32BigEndian(b[4..]) >> 8);
        return true;
    }

    public void Write(Span<byte> b)
    {
        BinaryPrimitives.WriteUInt32BigEndian(b, 0x0800_0000);
        BinaryPrimitives.WriteUInt32BigEndian(b[4..], Vni << 8);
    }
}

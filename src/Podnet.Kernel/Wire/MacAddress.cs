using System.Buffers.Binary;
using System.Globalization;

namespace Podnet.Kernel.Wire;

/// <summary>A 48-bit Ethernet (IEEE 802) hardware address, as the kernel's <c>dev->dev_addr</c>.</summary>
public readonly record struct MacAddress(ulong Value)
{
    /// <summary>ff:ff:ff:ff:ff:ff.</summary>
    public static MacAddress Broadcast => new(0xFFFF_FFFF_FFFFUL);

    /// <summary>00:00:00:00:00:00 (the all-zeros default entry of a vxlan FDB).</summary>
    public static MacAddress Zero => new(0);

    public bool IsBroadcast => Value == 0xFFFF_FFFF_FFFFUL;

    /// <summary>True for group addresses (the I/G bit of the first octet), broadcast included.</summary>
    public bool IsMulticast => (Value & 0x0100_0000_0000UL) != 0;

    public static MacAddress Read(ReadOnlySpan<byte> b) =>
        new(((ulong)BinaryPrimitives.ReadUInt16BigEndian(b) << 32) | BinaryPrimitives.ReadUInt32BigEndian(b[2..]));

    public void Write(Span<byte> b)
    {
        BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)(Value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(b[2..], (uint)Value);
    }

    /// <summary>A random unicast, locally administered address, as <c>eth_random_addr()</c>.</summary>
    public static MacAddress Random(Random random)
    {
        ulong v = 0;
        for (int i = 0; i < 6; i++) v = (v << 8) | (byte)random.Next(256);
        v &= ~0x0100_0000_0000UL; // unicast
        v |= 0x0200_0000_0000UL;  // locally administered
        return new MacAddress(v);
    }

    public static MacAddress Parse(string text) =>
        TryParse(text, out var m) ? m : throw new FormatException($"invalid MAC address \"{text}\"");

    public static bool TryParse(string? text, out MacAddress mac)
    {
        mac = default;
        if (text is null) return false;
        var parts = text.Split(':');
        if (parts.Length != 6) return false;
        ulong v = 0;
        foreach (var p in parts)
        {
            if (p.Length is < 1 or > 2 || !byte.TryParse(p, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b)) return false;
            v = (v << 8) | b;
        }
        mac = new MacAddress(v);
        return true;
    }

    public override string ToString()
    {
        Span<char> c = stackalloc char[17];
        const string hex = "0123456789abcdef";
        for (int i = 0; i < 6; i++)
        {
            byte b = (byte)(Value >> (8 * (5 - i)));
            c[i * 3] = hex[b >> 4];
            c[i * 3 + 1] = hex[b & 15];
            if (i < 5) c[i * 3 + 2] = ':';
        }
        return new string(c);
    }
}

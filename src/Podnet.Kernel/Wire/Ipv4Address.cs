using System.Globalization;

namespace Podnet.Kernel.Wire;

/// <summary>
/// Helpers for IPv4 addresses held as <see cref="uint"/> in host byte order (10.0.0.1 = 0x0A000001),
/// the representation the netfilter seam uses (the kernel's <c>__be32</c>, byte-swapped).
/// </summary>
public static class Ipv4Address
{
    public const uint Any = 0;
    public const uint Broadcast = 0xFFFF_FFFF;
    public const uint Loopback = 0x7F00_0001;

    public static uint Parse(string text) =>
        TryParse(text, out var a) ? a : throw new FormatException($"invalid IPv4 address \"{text}\"");

    /// <summary>Parses dotted-quad text strictly (four decimal octets).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out uint address)
    {
        address = 0;
        int parts = 0;
        while (true)
        {
            int dot = text.IndexOf('.');
            var part = dot < 0 ? text : text[..dot];
            if (part.Length is < 1 or > 3) return false;
            foreach (var ch in part) if (ch is < '0' or > '9') return false;
            int v = int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
            if (v > 255) return false;
            address = (address << 8) | (uint)v;
            parts++;
            if (dot < 0) break;
            text = text[(dot + 1)..];
            if (parts == 4) return false;
        }
        return parts == 4;
    }

    public static string Format(uint address) =>
        string.Create(CultureInfo.InvariantCulture, $"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}");

    /// <summary>The netmask of a prefix length (24 → 0xFFFFFF00).</summary>
    public static uint Mask(int prefixLength) => prefixLength == 0 ? 0 : 0xFFFF_FFFFu << (32 - prefixLength);

    public static bool IsLoopback(uint address) => (address >> 24) == 127;

    public static bool IsMulticast(uint address) => (address >> 28) == 0xE;

    public static bool IsZeroNet(uint address) => (address >> 24) == 0;
}

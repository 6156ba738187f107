using System.Globalization;

namespace Podnet.Kernel.Netfilter;

/// <summary>IPv4 address and prefix helpers in the forms the netfilter tools print (inet_ntoa, CIDR).</summary>
internal static class Ipv4
{
    /// <summary>Parses a dotted quad (strict: four decimal octets 0-255).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out uint address)
    {
        address = 0;
        int octets = 0;
        int i = 0;
        while (i <= text.Length)
        {
            int start = i;
            uint value = 0;
            while (i < text.Length && text[i] >= '0' && text[i] <= '9')
            {
                value = value * 10 + (uint)(text[i] - '0');
                if (value > 255 || i - start > 2) return false;
                i++;
            }
            if (i == start) return false;
            address = (address << 8) | value;
            octets++;
            if (i == text.Length) break;
            if (text[i] != '.' || octets == 4) return false;
            i++;
        }
        return octets == 4;
    }

    public static uint Parse(string text) =>
        TryParse(text, out var a) ? a : throw new FormatException($"invalid IPv4 address '{text}'");

    public static string Format(uint address) =>
        string.Create(CultureInfo.InvariantCulture, $"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}");

    public static uint MaskOf(int prefix) => prefix <= 0 ? 0u : prefix >= 32 ? 0xFFFFFFFFu : ~(0xFFFFFFFFu >> prefix);

    /// <summary>Returns the prefix length of a contiguous mask, or -1.</summary>
    public static int PrefixOf(uint mask)
    {
        int p = System.Numerics.BitOperations.PopCount(mask);
        return MaskOf(p) == mask ? p : -1;
    }

    /// <summary>Parses <c>a.b.c.d</c>, <c>a.b.c.d/len</c> or <c>a.b.c.d/m.a.s.k</c>; the address is masked.</summary>
    public static bool TryParseCidr(ReadOnlySpan<char> text, out uint address, out uint mask)
    {
        mask = 0xFFFFFFFF;
        int slash = text.IndexOf('/');
        if (slash < 0) return TryParse(text, out address);
        if (!TryParse(text[..slash], out address)) return false;
        var m = text[(slash + 1)..];
        if (int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out int len))
        {
            if (len > 32) return false;
            mask = MaskOf(len);
        }
        else if (!TryParse(m, out mask)) return false;
        address &= mask;
        return true;
    }

    /// <summary>CIDR text as iptables-save prints it (<c>10.0.0.0/8</c>, <c>1.2.3.4/32</c>; non-contiguous masks dotted).</summary>
    public static string FormatCidr(uint address, uint mask)
    {
        int p = PrefixOf(mask);
        return p >= 0 ? Format(address) + "/" + p.ToString(CultureInfo.InvariantCulture) : Format(address) + "/" + Format(mask);
    }
}

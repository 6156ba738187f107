using System.Globalization;
using System.Net;

namespace Podnet.Cluster.Controllers;

/// <summary>An IPv4 prefix (Go: <c>net.IPNet</c> / <c>netip.Prefix</c>) with the arithmetic the allocators need.</summary>
public readonly record struct Ipv4Cidr(uint Network, int PrefixLength)
{
    /// <summary>Number of addresses in the prefix (2^(32-len)).</summary>
    public long Size => 1L << (32 - PrefixLength);

    /// <summary>The mask as a 32-bit value.</summary>
    public uint Mask => PrefixLength == 0 ? 0u : uint.MaxValue << (32 - PrefixLength);

    /// <summary>The address at <paramref name="offset"/> from the network address.</summary>
    public uint At(long offset) => (uint)(Network + offset);

    /// <summary>Whether <paramref name="address"/> lies inside the prefix.</summary>
    public bool Contains(uint address) => (address & Mask) == Network;

    /// <summary>Whether the dotted-quad <paramref name="address"/> lies inside the prefix.</summary>
    public bool Contains(string address) => TryParseAddress(address, out var a) && Contains(a);

    /// <summary>The <paramref name="index"/>-th sub-prefix of length <paramref name="length"/> (node pod CIDRs).</summary>
    public Ipv4Cidr Subnet(int length, int index) => new((uint)(Network + ((long)index << (32 - length))), length);

    /// <summary>CIDR notation, <c>10.244.0.0/16</c>.</summary>
    public override string ToString() => FormatAddress(Network) + "/" + PrefixLength.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses <c>a.b.c.d/n</c>; the address is masked to the network.</summary>
    public static bool TryParse(string text, out Ipv4Cidr cidr)
    {
        cidr = default;
        var slash = text.IndexOf('/');
        if (slash < 0 || !TryParseAddress(text[..slash], out var a)
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var len) || len > 32)
        {
            return false;
        }
        var mask = len == 0 ? 0u : uint.MaxValue << (32 - len);
        cidr = new Ipv4Cidr(a & mask, len);
        return true;
    }

    /// <summary>Parses CIDR notation or throws <see cref="FormatException"/>.</summary>
    public static Ipv4Cidr Parse(string text) =>
        TryParse(text, out var c) ? c : throw new FormatException($"invalid CIDR address: {text}");

    /// <summary>Parses a dotted quad into a host-order 32-bit value.</summary>
    public static bool TryParseAddress(string text, out uint address)
    {
        address = 0;
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }
        foreach (var p in parts)
        {
            if (p.Length == 0 || p.Length > 3 || !byte.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var b)
                || (p.Length > 1 && p[0] == '0'))
            {
                return false;
            }
            address = (address << 8) | b;
        }
        return true;
    }

    /// <summary>Formats a host-order 32-bit value as a dotted quad.</summary>
    public static string FormatAddress(uint a) =>
        string.Create(CultureInfo.InvariantCulture, $"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}");

    /// <summary>Orders dotted quads numerically (unparseable ones last, by text).</summary>
    public static int CompareAddresses(string? x, string? y)
    {
        var hx = x is not null && TryParseAddress(x, out var ax);
        var hy = y is not null && TryParseAddress(y, out var ay);
        if (hx && hy)
        {
            TryParseAddress(x!, out ax);
            TryParseAddress(y!, out ay);
            return ax.CompareTo(ay);
        }
        return hx ? -1 : hy ? 1 : string.CompareOrdinal(x, y);
    }

    /// <summary>True for a syntactically valid IPv4 address.</summary>
    public static bool IsAddress(string text) => TryParseAddress(text, out _) && IPAddress.TryParse(text, out _);
}

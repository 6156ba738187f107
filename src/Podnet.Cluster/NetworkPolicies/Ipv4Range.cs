using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Podnet.Cluster.NetworkPolicies;

/// <summary>
/// An inclusive IPv4 address range <c>Start..End</c> (host byte order), the unit of an ipBlock
/// (<c>cidr</c> minus <c>except</c>) and of an ipset <c>hash:net</c> entry after splitting into CIDRs.
/// </summary>
public readonly record struct Ipv4Range(uint Start, uint End)
{
    /// <summary>0.0.0.0-255.255.255.255.</summary>
    public static readonly Ipv4Range Everything = new(0, uint.MaxValue);

    /// <summary>True when <paramref name="address"/> lies inside.</summary>
    public bool Contains(uint address) => address >= Start && address <= End;

    /// <summary>Parses <c>a.b.c.d/len</c> (the host bits are masked off as Kubernetes does for ipBlock). False for IPv6 or bad text.</summary>
    public static bool TryParseCidr(string text, out Ipv4Range range)
    {
        range = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return false;
        }

        if (!TryParseAddress(text[..slash], out var addr)
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var len)
            || len < 0 || len > 32)
        {
            return false;
        }

        var mask = len == 0 ? 0u : uint.MaxValue << (32 - len);
        var start = addr & mask;
        range = new Ipv4Range(start, start | ~mask);
        return true;
    }

    /// <summary>Parses a dotted IPv4 address into host byte order. False for IPv6 or bad text.</summary>
    public static bool TryParseAddress(string text, out uint address)
    {
        address = 0;
        if (!IPAddress.TryParse(text, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork || text.Contains(':', StringComparison.Ordinal))
        {
            return false;
        }

        var b = ip.GetAddressBytes();
        address = ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
        return true;
    }

    /// <summary>Dotted form of an address in host byte order.</summary>
    public static string FormatAddress(uint a) =>
        string.Create(CultureInfo.InvariantCulture, $"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}");

    /// <summary>The range as the fewest CIDRs covering exactly it (what ipset/nft entries need).</summary>
    public IEnumerable<string> ToCidrs()
    {
        ulong cur = Start;
        ulong end = End;
        while (cur <= end)
        {
            var size = 32;
            while (size > 0)
            {
                var block = 1UL << (33 - size);
                var mask = block - 1;
                if ((cur & mask) != 0 || cur + block - 1 > end)
                {
                    break;
                }

                size--;
            }

            yield return FormatAddress((uint)cur) + "/" + size.ToString(CultureInfo.InvariantCulture);
            cur += 1UL << (32 - size);
        }
    }

    /// <summary>netpol-analyzer's form <c>start-end</c> (a single address is <c>a-a</c>).</summary>
    public override string ToString() => FormatAddress(Start) + "-" + FormatAddress(End);
}

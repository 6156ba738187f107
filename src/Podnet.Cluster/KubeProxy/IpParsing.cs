using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Podnet.Cluster.KubeProxy;

/// <summary>
/// Lenient IP and CIDR parsing as kube-proxy does it (<c>netutils.ParseIPSloppy</c>,
/// <c>ParseCIDRSloppy</c>): IPv4 octets with leading zeros are decimal (<c>172.30.0.041</c> is
/// 172.30.0.41, never octal), and a CIDR is printed as its masked network.
/// </summary>
public static class IpParsing
{
    /// <summary>Parses an IPv4 or IPv6 address; leading zeros in IPv4 octets are decimal.</summary>
    public static bool TryParseSloppy(string? text, out IPAddress address)
    {
        address = IPAddress.None;
        if (string.IsNullOrEmpty(text)) return false;
        if (text.Contains(':'))
        {
            if (!IPAddress.TryParse(text, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6 || text.Contains('%'))
                return false;
            address = v6;
            return true;
        }
        Span<byte> bytes = stackalloc byte[4];
        int part = 0, value = 0, digits = 0;
        foreach (char ch in text)
        {
            if (ch == '.')
            {
                if (digits == 0 || part == 3) return false;
                bytes[part++] = (byte)value;
                value = 0; digits = 0;
            }
            else if (ch >= '0' && ch <= '9')
            {
                value = value * 10 + (ch - '0');
                if (++digits > 3 || value > 255) return false;
            }
            else return false;
        }
        if (digits == 0 || part != 3) return false;
        bytes[3] = (byte)value;
        address = new IPAddress(bytes);
        return true;
    }

    /// <summary>Parses <c>ip/prefix</c> leniently and returns the masked network (<c>203.0.113.000/025</c> → 203.0.113.0/25).</summary>
    public static bool TryParseCidrSloppy(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrEmpty(text)) return false;
        int slash = text.IndexOf('/');
        if (slash <= 0 || slash == text.Length - 1) return false;
        if (!TryParseSloppy(text[..slash], out var ip)) return false;
        var prefixText = text[(slash + 1)..];
        foreach (char ch in prefixText) if (ch < '0' || ch > '9') return false;
        if (!int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out int prefix)) return false;
        int max = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefix > max) return false;
        network = new IPNetwork(Mask(ip, prefix), prefix);
        return true;
    }

    /// <summary>Clears the host bits of <paramref name="ip"/> beyond <paramref name="prefix"/>.</summary>
    public static IPAddress Mask(IPAddress ip, int prefix)
    {
        var bytes = ip.GetAddressBytes();
        for (int i = 0; i < bytes.Length; i++)
        {
            int bitsHere = Math.Clamp(prefix - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - bitsHere));
        }
        return new IPAddress(bytes);
    }

    /// <summary>True for 127.0.0.0/8 and ::1.</summary>
    public static bool IsLoopback(IPAddress ip) => IPAddress.IsLoopback(ip);

    /// <summary>The address family kube-proxy calls IPv4/IPv6.</summary>
    public static bool IsFamily(IPAddress ip, AddressFamily family) => ip.AddressFamily == family;
}

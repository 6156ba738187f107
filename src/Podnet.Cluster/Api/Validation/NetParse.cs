using System.Net;
using System.Net.Sockets;

namespace Podnet.Cluster.Api.Validation;

/// <summary>IP and CIDR parsing with Go's <c>net.ParseIP</c>/<c>net.ParseCIDR</c> strictness (no shorthand like <c>10.1</c>).</summary>
public static class NetParse
{
    /// <summary>Parses an IPv4 dotted quad or an IPv6 address.</summary>
    public static bool TryParseIP(string s, out IPAddress ip)
    {
        ip = IPAddress.None;
        if (string.IsNullOrEmpty(s) || s.Contains('%'))
        {
            return false;
        }

        if (!s.Contains(':'))
        {
            var parts = s.Split('.');
            if (parts.Length != 4 || parts.Any(p => p.Length == 0 || p.Length > 3 || !p.All(char.IsAsciiDigit)))
            {
                return false;
            }
        }

        return IPAddress.TryParse(s, out ip!);
    }

    /// <summary>Parses <c>ip/prefix</c> (host bits may be set, as Go allows); returns the masked network.</summary>
    public static bool TryParseCidr(string s, out IPAddress network, out int prefix)
    {
        network = IPAddress.None;
        prefix = 0;
        var slash = s.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !TryParseIP(s[..slash], out var ip))
        {
            return false;
        }

        var p = s[(slash + 1)..];
        if (p.Length == 0 || p.Length > 3 || !p.All(char.IsAsciiDigit))
        {
            return false;
        }

        prefix = int.Parse(p, System.Globalization.CultureInfo.InvariantCulture);
        var bits = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefix > bits)
        {
            return false;
        }

        var bytes = ip.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        network = new IPAddress(bytes);
        return true;
    }

    /// <summary>Whether <paramref name="ip"/> lies inside <paramref name="network"/>/<paramref name="prefix"/>.</summary>
    public static bool Contains(IPAddress network, int prefix, IPAddress ip)
    {
        if (network.AddressFamily != ip.AddressFamily)
        {
            return false;
        }

        var n = network.GetAddressBytes();
        var a = ip.GetAddressBytes();
        for (var i = 0; i < n.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            var mask = (byte)(0xFF << (8 - keep));
            if ((a[i] & mask) != (n[i] & mask))
            {
                return false;
            }
        }

        return true;
    }
}

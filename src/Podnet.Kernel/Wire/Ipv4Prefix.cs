using System.Globalization;

namespace Podnet.Kernel.Wire;

/// <summary>An IPv4 network prefix (CIDR) such as 10.244.0.0/16; the address keeps host bits as given.</summary>
public readonly record struct Ipv4Prefix(uint Address, int Length)
{
    public uint Mask => Ipv4Address.Mask(Length);

    /// <summary>The network address (host bits cleared).</summary>
    public uint Network => Address & Mask;

    public uint BroadcastAddress => Network | ~Mask;

    public bool Contains(uint address) => (address & Mask) == Network;

    /// <summary>Parses <c>A.B.C.D/N</c>, or a bare address as /32.</summary>
    public static bool TryParse(string text, out Ipv4Prefix prefix)
    {
        prefix = default;
        int slash = text.IndexOf('/');
        int len = 32;
        var addrText = slash < 0 ? text.AsSpan() : text.AsSpan(0, slash);
        if (slash >= 0)
        {
            var lenText = text.AsSpan(slash + 1);
            if (lenText.Length is < 1 or > 2 || !int.TryParse(lenText, NumberStyles.None, CultureInfo.InvariantCulture, out len) || len > 32) return false;
        }
        if (!Ipv4Address.TryParse(addrText, out var a)) return false;
        prefix = new Ipv4Prefix(a, len);
        return true;
    }

    public static Ipv4Prefix Parse(string text) =>
        TryParse(text, out var p) ? p : throw new FormatException($"invalid prefix \"{text}\"");

    public override string ToString() => $"{Ipv4Address.Format(Address)}/{Length.ToString(CultureInfo.InvariantCulture)}";
}

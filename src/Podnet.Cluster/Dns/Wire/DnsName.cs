using System.Text;

namespace Podnet.Cluster.Dns.Wire;

/// <summary>Domain names in presentation form (RFC 1035 §5.1, as dig and master files print them): absolute names end
/// with a dot, the root is <c>.</c>, a label byte that is a dot or a backslash is escaped as <c>\.</c>/<c>\\</c> and a
/// byte outside printable ASCII as <c>\DDD</c>. Comparison is ASCII case-insensitive (RFC 4343). Limits: 63 octets per
/// label, 255 octets on the wire per name (RFC 1035 §2.3.4).</summary>
public static class DnsName
{
    /// <summary>Largest label (RFC 1035 §2.3.4).</summary>
    public const int MaxLabelLength = 63;

    /// <summary>Largest name on the wire, length octets and the root's zero included.</summary>
    public const int MaxWireLength = 255;

    /// <summary>The root name.</summary>
    public const string Root = ".";

    /// <summary>ASCII case-insensitive equality of two names in presentation form; a missing trailing dot is ignored.</summary>
    public static bool NameEquals(string a, string b)
    {
        var sa = a.AsSpan();
        var sb = b.AsSpan();
        if (sa.Length > 1 && sa[^1] == '.' && !IsEscapedAt(a, a.Length - 1)) sa = sa[..^1];
        if (sb.Length > 1 && sb[^1] == '.' && !IsEscapedAt(b, b.Length - 1)) sb = sb[..^1];
        return sa.Equals(sb, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The name with a trailing dot (absolute form).</summary>
    /// <summary>
    /// The name with ASCII letters lowered (RFC 4343: DNS compares names ASCII-case-insensitively; presentation-form
    /// names hold only ASCII, other octets being <c>\DDD</c> escapes); the same instance when nothing changes.
    /// </summary>
    public static string ToLowerAscii(string name)
    {
        int i = name.AsSpan().IndexOfAnyInRange('A', 'Z');
        if (i < 0) return name;
        return string.Create(name.Length, (name, i), static (dst, st) =>
        {
            st.name.AsSpan().CopyTo(dst);
            for (int k = st.i; k < dst.Length; k++)
                if (dst[k] is >= 'A' and <= 'Z') dst[k] = (char)(dst[k] + 32);
        });
    }

    public static string Fqdn(string name)
    {
        if (name.Length == 0) return Root;
        return name[^1] == '.' && !IsEscapedAt(name, name.Length - 1) ? name : name + ".";
    }

    /// <summary>True when <paramref name="name"/> equals <paramref name="zone"/> or lies below it.</summary>
    public static bool IsSubdomainOf(string name, string zone)
    {
        var n = Fqdn(name);
        var z = Fqdn(zone);
        if (z == Root) return true;
        if (n.Length < z.Length) return false;
        if (!n.AsSpan(n.Length - z.Length).Equals(z, StringComparison.OrdinalIgnoreCase)) return false;
        if (n.Length == z.Length) return true;
        var cut = n.Length - z.Length - 1;
        return n[cut] == '.' && !IsEscapedAt(n, cut);
    }

    /// <summary>Number of unescaped dots in the name as the user typed it (what resolv.conf's <c>ndots</c> counts).</summary>
    public static int CountDots(string name)
    {
        var dots = 0;
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] == '\\') { i++; continue; }
            if (name[i] == '.') dots++;
        }
        return dots;
    }

    /// <summary>Splits a presentation-form name into its labels (still in presentation form, escapes kept).</summary>
    public static List<string> SplitLabels(string name)
    {
        var labels = new List<string>();
        var start = 0;
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] == '\\') { i++; continue; }
            if (name[i] == '.')
            {
                if (i > start) labels.Add(name[start..i]);
                start = i + 1;
            }
        }
        if (start < name.Length) labels.Add(name[start..]);
        return labels;
    }

    /// <summary>Encodes a presentation-form name into wire labels, checking the RFC 1035 limits. Returns false with a
    /// reason for an empty label, a label over 63 octets, a name over 255 octets or a bad escape.</summary>
    public static bool TryEncode(string name, out List<byte[]> labels, out string error)
    {
        labels = [];
        error = "";
        if (name == Root || name.Length == 0) return true;
        Span<byte> current = stackalloc byte[256];
        var count = 0;
        var wire = 1;
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '.')
            {
                if (count == 0) { error = $"empty label in '{name}'"; return false; }
                if (!Flush(current[..count], labels, ref wire, name, out error)) return false;
                count = 0;
                continue;
            }
            if (count >= 256) { error = $"label longer than 63 octets in '{name}'"; return false; }
            if (c == '\\')
            {
                if (i + 1 >= name.Length) { error = $"dangling escape in '{name}'"; return false; }
                if (char.IsAsciiDigit(name[i + 1]))
                {
                    if (i + 3 >= name.Length || !char.IsAsciiDigit(name[i + 2]) || !char.IsAsciiDigit(name[i + 3]))
                    {
                        error = $"bad \\DDD escape in '{name}'";
                        return false;
                    }
                    var v = (name[i + 1] - '0') * 100 + (name[i + 2] - '0') * 10 + (name[i + 3] - '0');
                    if (v > 255) { error = $"bad \\DDD escape in '{name}'"; return false; }
                    current[count++] = (byte)v;
                    i += 3;
                }
                else
                {
                    if (name[i + 1] > 0x7F) { error = $"non-ASCII character in '{name}'"; return false; }
                    current[count++] = (byte)name[i + 1];
                    i++;
                }
                continue;
            }
            if (c > 0x7F) { error = $"non-ASCII character in '{name}'"; return false; }
            current[count++] = (byte)c;
        }
        if (count > 0 && !Flush(current[..count], labels, ref wire, name, out error)) return false;
        return true;
    }

    private static bool Flush(ReadOnlySpan<byte> label, List<byte[]> labels, ref int wire, string name, out string error)
    {
        error = "";
        if (label.Length > MaxLabelLength) { error = $"label longer than 63 octets in '{name}'"; return false; }
        wire += label.Length + 1;
        if (wire > MaxWireLength) { error = $"name longer than 255 octets: '{name}'"; return false; }
        labels.Add(label.ToArray());
        return true;
    }

    /// <summary>Appends one wire label in presentation form (escaping as bind9 does).</summary>
    public static void AppendLabel(StringBuilder sb, ReadOnlySpan<byte> label)
    {
        foreach (var b in label)
        {
            switch (b)
            {
                case (byte)'.' or (byte)'\\' or (byte)'"' or (byte)'(' or (byte)')' or (byte)';' or (byte)'@' or (byte)'$':
                    sb.Append('\\').Append((char)b);
                    break;
                case < 0x21 or > 0x7E:
                    sb.Append('\\').Append((b / 100).ToString()).Append((b / 10 % 10).ToString()).Append((b % 10).ToString());
                    break;
                default:
                    sb.Append((char)b);
                    break;
            }
        }
    }

    /// <summary>Is the character at <paramref name="index"/> preceded by an odd number of backslashes?</summary>
    private static bool IsEscapedAt(string s, int index)
    {
        var n = 0;
        for (var i = index - 1; i >= 0 && s[i] == '\\'; i--) n++;
        // A \DDD escape ending just before a dot cannot make the dot escaped; only a direct backslash can.
        return n % 2 == 1;
    }
}

using System.Globalization;
using System.Text;

namespace Podnet.Kernel.Netfilter.Ipset;

/// <summary>
/// One ip_set set: <c>hash:ip</c>, <c>hash:net</c>, <c>hash:ip,port</c>, <c>hash:ip,port,ip</c>,
/// <c>hash:ip,port,net</c> or <c>bitmap:port</c>, with optional per-element timeouts and comments.
/// Elements are hashed keys, so a lookup costs the same at any size.
/// </summary>
public sealed class IpSet
{
    internal IpSet(string name, string type)
    {
        Name = name;
        Type = type;
    }

    public string Name { get; internal set; }
    /// <summary>The set type as ipset names it (<c>hash:ip,port</c>).</summary>
    public string Type { get; }
    public int HashSize { get; internal set; } = 1024;
    public int MaxElem { get; internal set; } = 65536;
    /// <summary>Default element timeout in seconds; null when the set has no timeout support.</summary>
    public uint? Timeout { get; internal set; }
    public bool Comments { get; internal set; }
    public ushort RangeLo { get; internal set; }
    public ushort RangeHi { get; internal set; } = 65535;
    internal int References { get; set; }

    internal readonly Dictionary<IpsetKey, IpsetElement> Elements = new();
    internal readonly List<IpsetKey> Order = new();
    /// <summary>Prefix lengths present, longest first (hash:net and the net part of hash:ip,port,net).</summary>
    internal readonly SortedSet<int> Prefixes = new(Comparer<int>.Create((a, b) => b.CompareTo(a)));

    public int Count => Elements.Count;

    internal static readonly string[] Types = ["hash:ip", "hash:net", "hash:ip,port", "hash:ip,port,ip", "hash:ip,port,net", "bitmap:port"];

    internal int Revision => Type switch
    {
        "hash:ip" => 6,
        "hash:net" => 7,
        "hash:ip,port" => 7,
        "hash:ip,port,ip" => 6,
        "hash:ip,port,net" => 8,
        _ => 3,
    };

    /// <summary>Parses an element in this set's syntax (<c>10.0.0.1,tcp:80</c>).</summary>
    internal IpsetKey ParseElement(string text)
    {
        var parts = text.Split(',');
        int dims = Type switch { "hash:ip,port" => 2, "hash:ip,port,ip" or "hash:ip,port,net" => 3, _ => 1 };
        if (parts.Length != dims) throw new IpsetException("Syntax error: Elem separator in " + text + ", but settype " + Type + " supports none.");
        switch (Type)
        {
            case "bitmap:port":
            {
                var port = ParsePort(text, out _);
                if (port < RangeLo || port > RangeHi) throw new IpsetException("Element is out of the range of the set");
                return new IpsetKey(0, 0, port, 0, 32);
            }
            case "hash:ip":
                return new IpsetKey(Addr(parts[0]), 0, 0, 0, 32);
            case "hash:net":
            {
                Net(parts[0], out var a, out var pfx);
                return new IpsetKey(a, 0, 0, 0, pfx);
            }
            default:
            {
                var a = Addr(parts[0]);
                var port = ParsePort(parts[1], out var proto);
                if (Type == "hash:ip,port") return new IpsetKey(a, proto, port, 0, 32);
                if (Type == "hash:ip,port,ip") return new IpsetKey(a, proto, port, Addr(parts[2]), 32);
                Net(parts[2], out var n, out var p2);
                return new IpsetKey(a, proto, port, n, p2);
            }
        }
    }

    private static uint Addr(string s) =>
        Ipv4.TryParse(s, out var a) ? a : throw new IpsetException($"Syntax error: cannot parse {s}: resolving to IPv4 address failed");

    private static void Net(string s, out uint a, out int pfx)
    {
        var slash = s.IndexOf('/');
        pfx = 32;
        if (slash >= 0 && (!int.TryParse(s.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out pfx) || pfx < 1 || pfx > 32))
            throw new IpsetException($"Syntax error: '{s[(slash + 1)..]}' is invalid as number");
        a = Addr(slash < 0 ? s : s[..slash]) & Ipv4.MaskOf(pfx);
    }

    private static ushort ParsePort(string s, out byte proto)
    {
        proto = 6;
        var colon = s.IndexOf(':');
        if (colon >= 0)
        {
            proto = s[..colon] switch
            {
                "tcp" => 6, "udp" => 17, "sctp" => 132, "icmp" => 1,
                var x => throw new IpsetException($"Syntax error: cannot parse '{x}' as a protocol"),
            };
            s = s[(colon + 1)..];
        }
        if (!ushort.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            throw new IpsetException($"Syntax error: cannot parse '{s}' as a {(proto == 17 ? "UDP" : "TCP")} port");
        return port;
    }

    private static string ProtoName(byte p) => p switch { 6 => "tcp", 17 => "udp", 132 => "sctp", 1 => "icmp", _ => p.ToString(CultureInfo.InvariantCulture) };

    internal string FormatKey(in IpsetKey k)
    {
        static string NetText(uint a, int p) => p == 32 ? Ipv4.Format(a) : Ipv4.Format(a) + "/" + p.ToString(CultureInfo.InvariantCulture);
        return Type switch
        {
            "bitmap:port" => k.Port.ToString(CultureInfo.InvariantCulture),
            "hash:ip" => Ipv4.Format(k.Address),
            "hash:net" => NetText(k.Address, k.Prefix),
            "hash:ip,port" => $"{Ipv4.Format(k.Address)},{ProtoName(k.Protocol)}:{k.Port}",
            "hash:ip,port,ip" => $"{Ipv4.Format(k.Address)},{ProtoName(k.Protocol)}:{k.Port},{Ipv4.Format(k.Address2)}",
            _ => $"{Ipv4.Format(k.Address)},{ProtoName(k.Protocol)}:{k.Port},{NetText(k.Address2, k.Prefix)}",
        };
    }

    internal bool Add(IpsetKey k, IpsetElement e, bool exist)
    {
        if (Elements.ContainsKey(k))
        {
            if (!exist) return false;
            Elements[k] = e;
            return true;
        }
        if (Elements.Count >= MaxElem) throw new IpsetException("Hash is full, cannot add more elements");
        Elements[k] = e;
        Order.Add(k);
        if (Type is "hash:net" or "hash:ip,port,net") Prefixes.Add(k.Prefix);
        return true;
    }

    internal bool Remove(IpsetKey k)
    {
        if (!Elements.Remove(k)) return false;
        Order.Remove(k);
        return true;
    }

    internal void Clear()
    {
        Elements.Clear();
        Order.Clear();
        Prefixes.Clear();
    }

    private bool Has(in IpsetKey k, TimeSpan now) => Elements.TryGetValue(k, out var e) && (e.Expires is null || e.Expires > now);

    /// <summary>Tests a key (hash:net and hash:ip,port,net: longest matching prefix).</summary>
    internal bool Contains(IpsetKey k, TimeSpan now)
    {
        if (Type == "hash:net")
        {
            foreach (var p in Prefixes)
                if (Has(k with { Address = k.Address & Ipv4.MaskOf(p), Prefix = p }, now)) return true;
            return false;
        }
        if (Type == "hash:ip,port,net")
        {
            foreach (var p in Prefixes)
                if (Has(k with { Address2 = k.Address2 & Ipv4.MaskOf(p), Prefix = p }, now)) return true;
            return false;
        }
        return Has(k, now);
    }

    /// <summary>The <c>-m set --match-set NAME flags</c> test: each flag picks the packet's source or destination.</summary>
    public bool Test(NetfilterPacket p, bool[] dst, TimeSpan now)
    {
        uint A(int i) => i < dst.Length && dst[i] ? p.Destination : p.Source;
        ushort P(int i) => i < dst.Length && dst[i] ? p.DestinationPort : p.SourcePort;
        IpsetKey key;
        switch (Type)
        {
            case "bitmap:port":
                if (p.Protocol is not (6 or 17 or 132)) return false;
                key = new IpsetKey(0, 0, P(0), 0, 32);
                break;
            case "hash:ip":
            case "hash:net":
                key = new IpsetKey(A(0), 0, 0, 0, 32);
                break;
            default:
                if (p.Protocol is not (6 or 17 or 132)) return false;
                key = new IpsetKey(A(0), p.Protocol, P(1), Type == "hash:ip,port" ? 0 : A(2), 32);
                break;
        }
        return Contains(key, now);
    }

    internal string Header(uint initval)
    {
        if (Type == "bitmap:port")
            return $"range {RangeLo}-{RangeHi}" + (Timeout is { } bt ? $" timeout {bt}" : "") + (Comments ? " comment" : "");
        var sb = new StringBuilder("family inet hashsize ").Append(HashSize).Append(" maxelem ").Append(MaxElem);
        if (Timeout is { } t) sb.Append(" timeout ").Append(t);
        if (Comments) sb.Append(" comment");
        sb.Append(" bucketsize 12 initval 0x").Append(initval.ToString("x8", CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    internal string FormatElement(in IpsetKey k, IpsetElement e, TimeSpan now)
    {
        var s = FormatKey(k);
        if (Timeout is not null)
        {
            long left = e.Expires is { } x ? Math.Max(0, (long)Math.Ceiling((x - now).TotalSeconds)) : 0;
            s += " timeout " + left.ToString(CultureInfo.InvariantCulture);
        }
        if (e.Comment is not null) s += " comment \"" + e.Comment + "\"";
        return s;
    }
}

/// <summary>An ip_set element key: address, protocol and port, second address or net with its prefix.</summary>
internal readonly record struct IpsetKey(uint Address, byte Protocol, ushort Port, uint Address2, int Prefix);

/// <summary>An element's extensions: expiry (virtual time) and comment.</summary>
internal sealed record IpsetElement(TimeSpan? Expires, string? Comment);

/// <summary>An ipset error, with the message <c>ipset</c> prints after <c>ipset v7.17: </c>.</summary>
internal sealed class IpsetException(string message) : Exception(message);

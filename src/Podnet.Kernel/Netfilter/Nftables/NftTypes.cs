using System.Globalization;
using Podnet.Kernel.Netfilter.Conntrack;

namespace Podnet.Kernel.Netfilter.Nftables;

/// <summary>nft data types (the <c>type</c> of a set key, or what a selector yields).</summary>
internal enum NftType
{
    Ipv4Addr,
    InetProto,
    InetService,
    Mark,
    Ifname,
    CtState,
    CtStatus,
    FibAddrType,
    IcmpType,
    Integer,
    Verdict,
    Nfproto,
}

/// <summary>Packet selectors (payload, meta, ct, fib, numgen expressions).</summary>
internal enum NftField
{
    IpSaddr,
    IpDaddr,
    IpProtocol,
    L4proto,
    ThSport,
    ThDport,
    TcpSport,
    TcpDport,
    UdpSport,
    UdpDport,
    Mark,
    Iifname,
    Oifname,
    CtState,
    CtStatus,
    CtMark,
    FibSaddrType,
    FibDaddrType,
    IcmpType,
    Numgen,
    Nfproto,
}

/// <summary>Parsing, printing and reading of nft values.</summary>
internal static class NftValues
{
    public static NftType TypeOf(NftField f) => f switch
    {
        NftField.IpSaddr or NftField.IpDaddr => NftType.Ipv4Addr,
        NftField.IpProtocol or NftField.L4proto => NftType.InetProto,
        NftField.ThSport or NftField.ThDport or NftField.TcpSport or NftField.TcpDport or NftField.UdpSport or NftField.UdpDport => NftType.InetService,
        NftField.Mark or NftField.CtMark => NftType.Mark,
        NftField.Iifname or NftField.Oifname => NftType.Ifname,
        NftField.CtState => NftType.CtState,
        NftField.CtStatus => NftType.CtStatus,
        NftField.FibSaddrType or NftField.FibDaddrType => NftType.FibAddrType,
        NftField.IcmpType => NftType.IcmpType,
        NftField.Nfproto => NftType.Nfproto,
        _ => NftType.Integer,
    };

    public static string FieldText(NftField f, uint numgenMod = 0, uint numgenOffset = 0) => f switch
    {
        NftField.IpSaddr => "ip saddr",
        NftField.IpDaddr => "ip daddr",
        NftField.IpProtocol => "ip protocol",
        NftField.L4proto => "meta l4proto",
        NftField.ThSport => "th sport",
        NftField.ThDport => "th dport",
        NftField.TcpSport => "tcp sport",
        NftField.TcpDport => "tcp dport",
        NftField.UdpSport => "udp sport",
        NftField.UdpDport => "udp dport",
        NftField.Mark => "meta mark",
        NftField.Iifname => "iifname",
        NftField.Oifname => "oifname",
        NftField.CtState => "ct state",
        NftField.CtStatus => "ct status",
        NftField.CtMark => "ct mark",
        NftField.FibSaddrType => "fib saddr type",
        NftField.FibDaddrType => "fib daddr type",
        NftField.IcmpType => "icmp type",
        NftField.Nfproto => "meta nfproto",
        _ => "numgen random mod " + numgenMod.ToString(CultureInfo.InvariantCulture) + (numgenOffset != 0 ? " offset " + numgenOffset.ToString(CultureInfo.InvariantCulture) : ""),
    };

    public static NftType? ParseTypeName(string s) => s switch
    {
        "ipv4_addr" => NftType.Ipv4Addr,
        "inet_proto" => NftType.InetProto,
        "inet_service" => NftType.InetService,
        "mark" => NftType.Mark,
        "ifname" => NftType.Ifname,
        "ct_state" => NftType.CtState,
        "ct_status" => NftType.CtStatus,
        "fib_addrtype" => NftType.FibAddrType,
        "icmp_type" => NftType.IcmpType,
        "integer" => NftType.Integer,
        "verdict" => NftType.Verdict,
        "nf_proto" => NftType.Nfproto,
        _ => null,
    };

    public static string TypeName(NftType t) => t switch
    {
        NftType.Ipv4Addr => "ipv4_addr",
        NftType.InetProto => "inet_proto",
        NftType.InetService => "inet_service",
        NftType.Mark => "mark",
        NftType.Ifname => "ifname",
        NftType.CtState => "ct_state",
        NftType.CtStatus => "ct_status",
        NftType.FibAddrType => "fib_addrtype",
        NftType.IcmpType => "icmp_type",
        NftType.Verdict => "verdict",
        NftType.Nfproto => "nf_proto",
        _ => "integer",
    };

    private static readonly (string Name, uint Bit)[] CtStates =
        [("invalid", 1), ("established", 2), ("related", 4), ("new", 8), ("untracked", 64)];

    private static readonly (string Name, uint Bit)[] CtStatuses =
        [("expected", 1), ("seen-reply", 2), ("assured", 4), ("confirmed", 8), ("snat", 16), ("dnat", 32), ("dying", 512)];

    private static readonly string[] FibTypes =
        ["unspec", "unicast", "local", "broadcast", "anycast", "multicast", "blackhole", "unreachable", "prohibit"];

    private static readonly (string Name, uint Type)[] IcmpTypes =
    [
        ("echo-reply", 0), ("destination-unreachable", 3), ("source-quench", 4), ("redirect", 5), ("echo-request", 8),
        ("router-advertisement", 9), ("router-solicitation", 10), ("time-exceeded", 11), ("parameter-problem", 12),
        ("timestamp-request", 13), ("timestamp-reply", 14), ("info-request", 15), ("info-reply", 16),
        ("address-mask-request", 17), ("address-mask-reply", 18),
    ];

    public static bool IsFlagType(NftType t) => t is NftType.CtState or NftType.CtStatus;

    /// <summary>Parses one value of a type: returns the range [lo, hi] (a single value has lo == hi).</summary>
    public static bool TryParse(NftType t, string s, out uint lo, out uint hi, out string? text)
    {
        lo = hi = 0;
        text = null;
        switch (t)
        {
            case NftType.Ipv4Addr:
            {
                int dash = s.IndexOf('-');
                if (dash > 0)
                {
                    if (!Ipv4.TryParse(s.AsSpan(0, dash), out lo) || !Ipv4.TryParse(s.AsSpan(dash + 1), out hi) || hi < lo) return false;
                    return true;
                }
                if (!Ipv4.TryParseCidr(s, out lo, out var mask)) return false;
                hi = lo | ~mask;
                return true;
            }
            case NftType.InetProto:
                lo = s switch { "tcp" => 6, "udp" => 17, "icmp" => 1, "sctp" => 132, "gre" => 47, "esp" => 50, "ah" => 51, _ => uint.MaxValue };
                if (lo == uint.MaxValue && !uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out lo)) return false;
                hi = lo;
                return lo <= 255;
            case NftType.InetService:
            {
                int dash = s.IndexOf('-');
                if (dash > 0)
                    return Port(s[..dash], out lo) && Port(s[(dash + 1)..], out hi) && hi >= lo;
                if (!Port(s, out lo)) return false;
                hi = lo;
                return true;
            }
            case NftType.Mark or NftType.Integer:
            {
                int dash = s.IndexOf('-');
                if (dash > 0 && !s.StartsWith("0x", StringComparison.Ordinal))
                    return Num(s[..dash], out lo) && Num(s[(dash + 1)..], out hi);
                if (!Num(s, out lo)) return false;
                hi = lo;
                return true;
            }
            case NftType.Ifname:
                text = s;
                return true;
            case NftType.CtState or NftType.CtStatus:
            {
                var table = t == NftType.CtState ? CtStates : CtStatuses;
                foreach (var part in s.Split(','))
                {
                    var f = Array.Find(table, x => x.Name == part);
                    if (f.Name is null) return false;
                    lo |= f.Bit;
                }
                hi = lo;
                return true;
            }
            case NftType.FibAddrType:
            {
                int i = Array.IndexOf(FibTypes, s);
                if (i < 0) return false;
                lo = hi = (uint)i;
                return true;
            }
            case NftType.IcmpType:
            {
                var f = Array.Find(IcmpTypes, x => x.Name == s);
                if (f.Name is not null) { lo = hi = f.Type; return true; }
                return Num(s, out lo) && (hi = lo) == lo;
            }
            case NftType.Nfproto:
                lo = hi = s switch { "ipv4" => 2u, "ipv6" => 10u, _ => 0u };
                return lo != 0;
        }
        return false;
    }

    private static bool Port(string s, out uint v)
    {
        if (uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v)) return v <= 65535;
        v = s switch { "http" => 80, "https" => 443, "domain" => 53, "ssh" => 22, "ntp" => 123, _ => uint.MaxValue };
        return v != uint.MaxValue;
    }

    private static bool Num(string s, out uint v)
    {
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return uint.TryParse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out v);
        return uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v);
    }

    /// <summary>Prints a value (or range) the way <c>nft list</c> does.</summary>
    public static string Format(NftType t, uint lo, uint hi, string? text)
    {
        switch (t)
        {
            case NftType.Ipv4Addr:
                if (lo == hi) return Ipv4.Format(lo);
                uint mask = ~(lo ^ hi);
                if ((lo & ~mask) == 0 && (hi & mask) == (lo & mask) && (hi | mask) == 0xFFFFFFFF && Ipv4.PrefixOf(mask) >= 0)
                    return Ipv4.FormatCidr(lo, mask);
                return Ipv4.Format(lo) + "-" + Ipv4.Format(hi);
            case NftType.InetProto:
                return lo switch { 6 => "tcp", 17 => "udp", 1 => "icmp", 132 => "sctp", 47 => "gre", 50 => "esp", 51 => "ah", _ => lo.ToString(CultureInfo.InvariantCulture) };
            case NftType.InetService or NftType.Integer:
                return lo == hi ? lo.ToString(CultureInfo.InvariantCulture) : lo.ToString(CultureInfo.InvariantCulture) + "-" + hi.ToString(CultureInfo.InvariantCulture);
            case NftType.Mark:
                return "0x" + lo.ToString("x8", CultureInfo.InvariantCulture) + (lo == hi ? "" : "-0x" + hi.ToString("x8", CultureInfo.InvariantCulture));
            case NftType.Ifname:
                return "\"" + text + "\"";
            case NftType.CtState or NftType.CtStatus:
                var table = t == NftType.CtState ? CtStates : CtStatuses;
                return string.Join(",", table.Where(x => (lo & x.Bit) != 0).Select(x => x.Name));
            case NftType.FibAddrType:
                return lo < FibTypes.Length ? FibTypes[lo] : lo.ToString(CultureInfo.InvariantCulture);
            case NftType.IcmpType:
                var it = Array.Find(IcmpTypes, x => x.Type == lo);
                return it.Name ?? lo.ToString(CultureInfo.InvariantCulture);
            case NftType.Nfproto:
                return lo == 2 ? "ipv4" : "ipv6";
        }
        return lo.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Reads a selector from the packet; false when it does not apply (no transport header).</summary>
    public static bool Read(NftField f, PacketContext ctx, uint numgenMod, uint numgenOffset, out uint v)
    {
        var p = ctx.Packet;
        v = 0;
        switch (f)
        {
            case NftField.IpSaddr: v = p.Source; return true;
            case NftField.IpDaddr: v = p.Destination; return true;
            case NftField.IpProtocol or NftField.L4proto: v = p.Protocol; return true;
            case NftField.ThSport: if (p.Protocol is not (6 or 17 or 132)) return false; v = p.SourcePort; return true;
            case NftField.ThDport: if (p.Protocol is not (6 or 17 or 132)) return false; v = p.DestinationPort; return true;
            case NftField.TcpSport: if (p.Protocol != 6) return false; v = p.SourcePort; return true;
            case NftField.TcpDport: if (p.Protocol != 6) return false; v = p.DestinationPort; return true;
            case NftField.UdpSport: if (p.Protocol != 17) return false; v = p.SourcePort; return true;
            case NftField.UdpDport: if (p.Protocol != 17) return false; v = p.DestinationPort; return true;
            case NftField.Mark: v = p.Mark; return true;
            case NftField.CtState:
                v = ctx.Ct.State switch
                {
                    ConntrackState.New => 8u,
                    ConntrackState.Established => 2u,
                    ConntrackState.Related => 4u,
                    ConntrackState.Untracked => 64u,
                    _ => 1u,
                };
                return true;
            case NftField.CtStatus:
                if (ctx.Ct.Entry is not { } e) return false;
                v = (e.SeenReply ? 2u : 0) | (e.Assured ? 4u : 0) | (e.Confirmed ? 8u : 0) | (e.SourceNat ? 16u : 0) | (e.DestinationNat ? 32u : 0);
                return true;
            case NftField.CtMark:
                if (ctx.Ct.Entry is not { } ce) return false;
                v = ce.Mark;
                return true;
            case NftField.FibSaddrType: v = (uint)ctx.Netfilter.Host.GetAddressType(p.Source); return true;
            case NftField.FibDaddrType: v = (uint)ctx.Netfilter.Host.GetAddressType(p.Destination); return true;
            case NftField.IcmpType: if (p.Protocol != 1) return false; v = p.IcmpType; return true;
            case NftField.Nfproto: v = 2; return true;
            case NftField.Numgen: v = (uint)ctx.Netfilter.Host.Random.Next((int)numgenMod) + numgenOffset; return true;
        }
        return false;
    }
}

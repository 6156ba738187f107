using System.Globalization;
using System.Text;

namespace Podnet.Kernel.Netfilter.Iptables;

/// <summary>An xtables match module (<c>-m NAME --options</c>), pre-parsed for evaluation.</summary>
internal abstract class IptablesMatch
{
    /// <summary>The module name as given to <c>-m</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Consumes one option of this module; false when the option is not this module's.</summary>
    public abstract bool TryParse(string option, bool invert, ArgReader args);

    /// <summary>Checks mandatory options once the rule is read.</summary>
    public virtual void Finish() { }

    public abstract bool Matches(PacketContext ctx);

    /// <summary>
    /// Whether the module needs connection tracking in its namespace (its checkentry calls
    /// nf_ct_netns_get, as xt_conntrack and xt_state do), so that conntrack's hooks run there.
    /// </summary>
    public virtual bool NeedsConntrack => false;

    /// <summary>Appends the iptables-save form (<c> -m NAME --opt v</c>).</summary>
    public abstract void Save(StringBuilder sb);

    /// <summary>Appends the <c>iptables -L</c> form (<c> tcp dpt:80</c>).</summary>
    public abstract void List(StringBuilder sb);

    protected static string Hex(uint v) => "0x" + v.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>xtables_save_string: bare when only [A-Za-z0-9_-], otherwise double-quoted with " \ ' escaped.</summary>
    internal static string SaveString(string value)
    {
        if (value.Length > 0 && value.All(c => c is '_' or '-' || char.IsAsciiLetterOrDigit(c))) return value;
        var sb = new StringBuilder("\"");
        foreach (var c in value)
        {
            if (c is '"' or '\\' or '\'') sb.Append('\\');
            sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    internal static uint ParseNumber(string s, string what)
    {
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            if (uint.TryParse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var h)) return h;
        }
        else if (uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var d)) return d;
        throw new IptablesException($"Bad {what} \"{s}\"");
    }

    internal static (uint Value, uint Mask) ParseValueMask(string s, string what, uint defaultMask = 0xFFFFFFFF)
    {
        int slash = s.IndexOf('/');
        if (slash < 0) return (ParseNumber(s, what), defaultMask);
        return (ParseNumber(s[..slash], what), ParseNumber(s[(slash + 1)..], what));
    }

    internal static ushort ParsePort(string s, string proto)
    {
        if (ushort.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var p)) return p;
        var named = s switch
        {
            "http" => 80, "https" => 443, "domain" => 53, "ssh" => 22, "ntp" => 123, "bootps" => 67, "bootpc" => 68,
            _ => -1,
        };
        if (named >= 0) return (ushort)named;
        throw new IptablesException($"invalid port/service `{s}' specified");
    }

    internal static (ushort Lo, ushort Hi) ParsePortRange(string s, string proto)
    {
        int colon = s.IndexOf(':');
        if (colon < 0) { var p = ParsePort(s, proto); return (p, p); }
        var lo = colon == 0 ? (ushort)0 : ParsePort(s[..colon], proto);
        var hi = colon == s.Length - 1 ? (ushort)65535 : ParsePort(s[(colon + 1)..], proto);
        return (lo, hi);
    }
}

/// <summary><c>-m comment --comment TEXT</c>.</summary>
internal sealed class CommentMatch : IptablesMatch
{
    public string Text = "";
    public override string Name => "comment";

    public override bool TryParse(string option, bool invert, ArgReader args)
    {
        if (option != "--comment") return false;
        Text = args.Value(option);
        if (Text.Length > 255) throw new IptablesException("COMMENT must be shorter than 256 characters");
        return true;
    }

    public override bool Matches(PacketContext ctx) => true;

    public override void Save(StringBuilder sb) => sb.Append(" -m comment --comment ").Append(SaveString(Text));

    public override void List(StringBuilder sb) => sb.Append(" /* ").Append(Text).Append(" */");
}

/// <summary>
/// The port matches <c>-m tcp</c>, <c>-m udp</c> and <c>-m sctp</c> (xt_tcpudp, xt_sctp; also loaded implicitly by
/// <c>-p tcp --dport</c>). For SCTP only <c>--sport/--dport</c> are modelled, not <c>--chunk-types</c>.
/// </summary>
internal sealed class PortMatch(string proto) : IptablesMatch
{
    public readonly string Proto = proto;
    public bool HasSport, HasDport, InvSport, InvDport, HasFlags, InvFlags;
    public ushort SportLo, SportHi = 65535, DportLo, DportHi = 65535;
    public byte FlagMask, FlagComp;
    public override string Name => Proto;

    private static readonly (string Name, byte Bit)[] FlagNames =
        [("FIN", 0x01), ("SYN", 0x02), ("RST", 0x04), ("PSH", 0x08), ("ACK", 0x10), ("URG", 0x20)];

    public override bool TryParse(string option, bool invert, ArgReader args)
    {
        switch (option)
        {
            case "--sport" or "--source-port":
                (SportLo, SportHi) = ParsePortRange(args.Value(option), Proto);
                HasSport = true; InvSport = invert;
                return true;
            case "--dport" or "--destination-port":
                (DportLo, DportHi) = ParsePortRange(args.Value(option), Proto);
                HasDport = true; InvDport = invert;
                return true;
            case "--tcp-flags" when Proto == "tcp":
                FlagMask = ParseFlags(args.Value(option));
                FlagComp = ParseFlags(args.Value(option));
                HasFlags = true; InvFlags = invert;
                return true;
            case "--syn" when Proto == "tcp":
                FlagMask = 0x17; FlagComp = 0x02; HasFlags = true; InvFlags = invert;
                return true;
        }
        return false;
    }

    private static byte ParseFlags(string s)
    {
        if (s == "NONE") return 0;
        if (s == "ALL") return 0x3F;
        byte b = 0;
        foreach (var part in s.Split(','))
        {
            var f = Array.Find(FlagNames, x => x.Name == part);
            if (f.Name is null) throw new IptablesException($"Unknown TCP flag `{part}'");
            b |= f.Bit;
        }
        return b;
    }

    private static string FlagText(byte b)
    {
        if (b == 0) return "NONE";
        if (b == 0x3F) return "ALL";
        return string.Join(",", FlagNames.Where(f => (b & f.Bit) != 0).Select(f => f.Name));
    }

    public override bool Matches(PacketContext ctx)
    {
        var p = ctx.Packet;
        if (HasSport && ((p.SourcePort >= SportLo && p.SourcePort <= SportHi) == InvSport)) return false;
        if (HasDport && ((p.DestinationPort >= DportLo && p.DestinationPort <= DportHi) == InvDport)) return false;
        if (HasFlags && (((p.TcpFlags & FlagMask) == FlagComp) == InvFlags)) return false;
        return true;
    }

    private static string Range(ushort lo, ushort hi, char sep) =>
        lo == hi ? lo.ToString(CultureInfo.InvariantCulture) : lo.ToString(CultureInfo.InvariantCulture) + sep + hi.ToString(CultureInfo.InvariantCulture);

    public override void Save(StringBuilder sb)
    {
        sb.Append(" -m ").Append(Proto);
        if (HasSport) sb.Append(InvSport ? " ! --sport " : " --sport ").Append(Range(SportLo, SportHi, ':'));
        if (HasDport) sb.Append(InvDport ? " ! --dport " : " --dport ").Append(Range(DportLo, DportHi, ':'));
        if (HasFlags) sb.Append(InvFlags ? " ! --tcp-flags " : " --tcp-flags ").Append(FlagText(FlagMask)).Append(' ').Append(FlagText(FlagComp));
    }

    public override void List(StringBuilder sb)
    {
        sb.Append(' ').Append(Proto);
        if (HasSport) sb.Append(SportLo == SportHi ? " spt:" : " spts:").Append(InvSport ? "!" : "").Append(Range(SportLo, SportHi, ':'));
        if (HasDport) sb.Append(DportLo == DportHi ? " dpt:" : " dpts:").Append(InvDport ? "!" : "").Append(Range(DportLo, DportHi, ':'));
        if (HasFlags) sb.Append(" flags:").Append(InvFlags ? "!" : "").Append("0x").Append(FlagMask.ToString("X2", CultureInfo.InvariantCulture))
            .Append("/0x").Append(FlagComp.ToString("X2", CultureInfo.InvariantCulture));
    }
}

/// <summary><c>-m icmp --icmp-type TYPE[/CODE]</c>.</summary>
internal sealed class IcmpMatch : IptablesMatch
{
    public int Type = -1, Code = -1;
    public bool Invert;
    public override string Name => "icmp";

    public override bool TryParse(string option, bool invert, ArgReader args)
    {
        if (option != "--icmp-type") return false;
        var v = args.Value(option);
        Invert = invert;
        (Type, Code) = v switch
        {
            "any" => (255, -1),
            "echo-reply" or "pong" => (0, -1),
            "destination-unreachable" => (3, -1),
            "network-unreachable" => (3, 0),
            "host-unreachable" => (3, 1),
            "protocol-unreachable" => (3, 2),
            "port-unreachable" => (3, 3),
            "fragmentation-needed" => (3, 4),
            "echo-request" or "ping" => (8, -1),
            "time-exceeded" or "ttl-exceeded" => (11, -1),
            _ => ParseNumeric(v),
        };
        return true;
    }

    private static (int, int) ParseNumeric(string v)
    {
        int slash = v.IndexOf('/');
        if (slash < 0) return ((int)ParseNumber(v, "ICMP type"), -1);
        return ((int)ParseNumber(v[..slash], "ICMP type"), (int)ParseNumber(v[(slash + 1)..], "ICMP code"));
    }

    public override bool Matches(PacketContext ctx)
    {
        var p = ctx.Packet;
        bool m = Type == 255 || (p.IcmpType == Type && (Code < 0 || p.IcmpCode == Code));
        return m != Invert;
    }

    public override void Save(StringBuilder sb)
    {
        sb.Append(" -m icmp").Append(Invert ? " ! --icmp-type " : " --icmp-type ");
        sb.Append(Type == 255 ? "any" : Type.ToString(CultureInfo.InvariantCulture));
        if (Code >= 0) sb.Append('/').Append(Code.ToString(CultureInfo.InvariantCulture));
    }

    public override void List(StringBuilder sb)
    {
        sb.Append(" icmp").Append(Invert ? "!" : "").Append("type ").Append(Type == 255 ? "any" : Type.ToString(CultureInfo.InvariantCulture));
        if (Code >= 0) sb.Append(" code ").Append(Code.ToString(CultureInfo.InvariantCulture));
    }
}

/// <summary><c>-m conntrack --ctstate</c> and <c>-m state --state</c>.</summary>
internal sealed class ConntrackStateMatch(bool stateModule) : IptablesMatch
{
    public Conntrack.ConntrackState States;
    public bool Invert;
    public bool HasState;
    public override string Name => stateModule ? "state" : "conntrack";
    public override bool NeedsConntrack => true;

    private static readonly (string Name, Conntrack.ConntrackState Bit)[] Names =
    [
        ("INVALID", Conntrack.ConntrackState.Invalid), ("NEW", Conntrack.ConntrackState.New),
        ("RELATED", Conntrack.ConntrackState.Related), ("ESTABLISHED", Conntrack.ConntrackState.Established),
        ("UNTRACKED", Conntrack.ConntrackState.Untracked), ("SNAT", Conntrack.ConntrackState.Snat),
        ("DNAT", Conntrack.ConntrackState.Dnat),
    ];

    public override bool TryParse(string option, bool invert, ArgReader args)
    {
        if (option != (stateModule ? "--state" : "--ctstate")) return false;
        var v = args.Value(option);
        foreach (var part in v.Split(','))
        {
            var n = Array.Find(Names, x => x.Name == part);
            if (n.Name is null || (stateModule && n.Bit >= Conntrack.ConntrackState.Snat))
                throw new IptablesException(stateModule ? $"Bad state \"{part}\"" : $"Bad ctstate \"{part}\"");
            States |= n.Bit;
        }
        Invert = invert;
        HasState = true;
        return true;
    }

    public override void Finish()
    {
        if (!HasState) throw new IptablesException(stateModule ? "state match: You must specify \"--state\"" : "conntrack: At least one option is required");
    }

    public override bool Matches(PacketContext ctx)
    {
        var ct = ctx.Ct;
        var s = ct.State;
        if (ct.Entry is { } e)
        {
            if (e.SourceNat) s |= Conntrack.ConntrackState.Snat;
            if (e.DestinationNat) s |= Conntrack.ConntrackState.Dnat;
        }
        return ((s & States) != 0) != Invert;
    }

    private string StateText() => string.Join(",", Names.Where(n => (States & n.Bit) != 0).Select(n => n.Name));

    public override void Save(StringBuilder sb) =>
        sb.Append(stateModule ? " -m state" : " -m conntrack").Append(Invert ? " !" : "").Append(stateModule ? " --state " : " --ctstate ").Append(StateText());

    public override void List(StringBuilder sb) => sb.Append(stateModule ? " state " : " ctstate ").Append(Invert ? "! " : "").Append(StateText());
}

/// <summary><c>-m statistic --mode random --probability P</c> and <c>--mode nth --every N [--packet P]</c>.</summary>
internal sealed class StatisticMatch : IptablesMatch
{
    public bool Nth, Invert;
    public uint Threshold;
    public uint Every, PacketIndex, Count;
    private bool _hasProbability, _hasMode;
    public override string Name => "statistic";

    public override bool TryParse(string option, bool invert, ArgReader args)
    {
        switch (option)
        {
            case "--mode":
                var m = args.Value(option);
                if (m == "random") Nth = false;
                else if (m == "nth") Nth = true;
                else throw new IptablesException($"Bad mode \"{m}\"");
                _hasMode = true;
                return true;
            case "--probability":
                var s = args.Value(option);
                if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) || p < 0 || p > 1)
                    throw new IptablesException($"--probability must be between 0 and 1");
                Threshold = (uint)Math.Round(p * 2147483648.0, MidpointRounding.AwayFromZero);
                Invert = invert;
                _hasProbability = true;
                return true;
            case "--every":
                Every = ParseNumber(args.Value(option), "--every") - 1;
                Invert = invert;
                return true;
            case "--packet":
                PacketIndex = ParseNumber(args.Value(option), "--packet");
                return true;
        }
        return false;
    }

    public override void Finish()
    {
        if (!_hasMode) throw new IptablesException("no mode specified");
        if (!Nth && !_hasProbability) throw new IptablesException("--probability must be specified for random mode");
    }

    public override bool Matches(PacketContext ctx)
    {
        bool m;
        if (Nth)
        {
            uint cur = Count;
            Count = cur >= Every ? 0 : cur + 1;
            m = Count == PacketIndex;
        }
        else m = ((uint)ctx.Netfilter.Host.Random.Next() & 0x7FFFFFFF) < Threshold;
        return m != Invert;
    }

    private string ProbabilityText() => (Threshold / 2147483648.0).ToString("F11", CultureInfo.InvariantCulture);

    public override void Save(StringBuilder sb)
    {
        if (Nth) sb.Append(" -m statistic --mode nth").Append(Invert ? " !" : "").Append(" --every ").Append(Every + 1).Append(" --packet ").Append(PacketIndex);
        else sb.Append(" -m statistic --mode random").Append(Invert ? " !" : "").Append(" --probability ").Append(ProbabilityText());
    }

    public override void List(StringBuilder sb)
    {
        if (Nth)
        {
            sb.Append(" statistic mode nth").Append(Invert ? " !" : "").Append(" every ").Append(Every + 1);
            if (PacketIndex != 0) sb.Append(" packet ").Append(PacketIndex);
        }
        else sb.Append(" statistic mode random").Append(Invert ? " !" : "").Append(" probability ").Append(ProbabilityText());
    }
}

/// <summary><c>-m mark [!] --mark VALUE[/MASK]</c>.</summary>
internal sealed class MarkMatch : IptablesMatch
{
    public uint Value, Mask = 0xFFFFFFFF;
    public bool Invert, Has;
    public override string Name => "mark";

    public override bool TryParse(string option, bool invert, ArgReader args)
    {
        if (option != "--mark") return false;
        (Value, Mask) = ParseValueMask(args.Value(option), "mark value");
        Invert = invert;
        Has = true;
        return true;
    }

    public override void Finish()
    {
        if (!Has) throw new IptablesException("mark match: You must specify `--mark'");
    }

    public override bool Matches(PacketContext ctx) => ((ctx.Packet.Mark & Mask) == Value) != Invert;

    private string Text() => Mask == 0xFFFFFFFF ? Hex(Value) : Hex(Value) + "/" + Hex(Mask);

    public override void Save(StringBuilder sb) => sb.Append(" -m mark").Append(Invert ? " !" : "").Append(" --mark ").Append(Text());

    public override void List(StringBuilder sb) => sb.Append(" mark match").Append(Invert ? " !" : "").Append(' ').Append(Text());
}

/// <summary><c>-m addrtype [!] --src-type T [!] --dst-type T [--limit-iface-in|--limit-iface-out]</c>.</summary>
internal sealed class AddrtypeMatch : IptablesMatch
{
    public int SrcTypes, DstTypes;
    public bool InvSrc, InvDst, LimitIn, LimitOut;
    public override string Name => "addrtype";

    private static readonly string[] TypeNames =
        ["UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST", "BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE"];

    private static int ParseTypes(string s)
    {
        int mask = 0;
        foreach (var part in s.Split(','))
        {
            int i = Array.IndexOf(TypeNames, part);
            if (i < 0) throw new IptablesException($"addrtype: bad type \"{part}\"");
            mask |= 1 << i;
        }
        return mask;
    }

    public override bool TryParse(string option, bool invert, ArgReader args)
    {
        switch (option)
        {
            case "--src-type": SrcTypes = ParseTypes(args.Value(option)); InvSrc = invert; return true;
            case "--dst-type": DstTypes = ParseTypes(args.Value(option)); InvDst = invert; return true;
            case "--limit-iface-in": LimitIn = true; return true;
            case "--limit-iface-out": LimitOut = true; return true;
        }
        return false;
    }

    private static bool TypeMatches(PacketContext ctx, uint address, int types)
    {
        var t = ctx.Netfilter.Host.GetAddressType(address);
        return (types & (1 << (int)t)) != 0;
    }

    public override bool Matches(PacketContext ctx)
    {
        var p = ctx.Packet;
        if (SrcTypes != 0 && TypeMatches(ctx, p.Source, SrcTypes) == InvSrc) return false;
        if (DstTypes != 0 && TypeMatches(ctx, p.Destination, DstTypes) == InvDst) return false;
        return true;
    }

    private static string Types(int mask) => string.Join(",", TypeNames.Where((_, i) => (mask & (1 << i)) != 0));

    public override void Save(StringBuilder sb)
    {
        sb.Append(" -m addrtype");
        if (SrcTypes != 0) sb.Append(InvSrc ? " ! --src-type " : " --src-type ").Append(Types(SrcTypes));
        if (DstTypes != 0) sb.Append(InvDst ? " ! --dst-type " : " --dst-type ").Append(Types(DstTypes));
        if (LimitIn) sb.Append(" --limit-iface-in");
        if (LimitOut) sb.Append(" --limit-iface-out");
    }

    public override void List(StringBuilder sb)
    {
        sb.Append(" ADDRTYPE match");
        if (SrcTypes != 0) sb.Append(" src-type ").Append(InvSrc ? "!" : "").Append(Types(SrcTypes));
        if (DstTypes != 0) sb.Append(" dst-type ").Append(InvDst ? "!" : "").Append(Types(DstTypes));
        if (LimitIn) sb.Append(" limit-in");
        if (LimitOut) sb.Append(" limit-out");
    }
}

/// <summary><c>-m multiport [!] --dports|--sports|--ports p1,p2:p3</c>.</summary>
internal sealed class MultiportMatch : IptablesMatch
{
    public string Which = "";
    public (ushort Lo, ushort Hi)[] Ranges = [];
    public bool Invert;
    public string Source = "";
    public override string Name => "multiport";

    public override bool TryParse(string option, bool invert, ArgReader args)
    {
        string which = option switch
        {
            "--dports" or "--destination-ports" => "dports",
            "--sports" or "--source-ports" => "sports",
            "--ports" => "ports",
            _ => "",
        };
        if (which.Length == 0) return false;
        Which = which;
        Source = args.Value(option);
        Ranges = Source.Split(',').Select(x => ParsePortRange(x, "")).ToArray();
        if (Ranges.Length > 15) throw new IptablesException("too many ports specified");
        Invert = invert;
        return true;
    }

    public override void Finish()
    {
        if (Which.Length == 0) throw new IptablesException("multiport expects an option");
    }

    public override bool Matches(PacketContext ctx)
    {
        var p = ctx.Packet;
        bool m = false;
        foreach (var (lo, hi) in Ranges)
        {
            if ((Which != "dports" && p.SourcePort >= lo && p.SourcePort <= hi) || (Which != "sports" && p.DestinationPort >= lo && p.DestinationPort <= hi))
            {
                m = true;
                break;
            }
        }
        return m != Invert;
    }

    private string Text() => string.Join(",", Ranges.Select(r => r.Lo == r.Hi ? r.Lo.ToString(CultureInfo.InvariantCulture) : $"{r.Lo}:{r.Hi}"));

    public override void Save(StringBuilder sb) => sb.Append(" -m multiport").Append(Invert ? " !" : "").Append(" --").Append(Which).Append(' ').Append(Text());

    public override void List(StringBuilder sb) => sb.Append(" multiport ").Append(Which).Append(' ').Append(Invert ? " !" : "").Append(Text());
}

/// <summary><c>-m recent --name N --set|--rcheck|--update|--remove [--seconds S] [--reap] [--hitcount H] [--rsource|--rdest] [--mask M]</c>.</summary>
internal sealed class RecentMatch : IptablesMatch
{
    public string ListName = "DEFAULT";
    public string Command = "";
    public uint Seconds, HitCount;
    public bool Reap, Dest, Invert;
    public uint Mask = 0xFFFFFFFF;
    public override string Name => "recent";

    public override bool TryParse(string option, bool invert, ArgReader args)
    {
        switch (option)
        {
            case "--name": ListName = args.Value(option); return true;
            case "--set" or "--rcheck" or "--update" or "--remove":
                if (Command.Length != 0) throw new IptablesException("recent: only one of `--set', `--rcheck' `--update' or `--remove' may be set");
                Command = option[2..]; Invert = invert; return true;
            case "--seconds": Seconds = ParseNumber(args.Value(option), "seconds"); return true;
            case "--hitcount": HitCount = ParseNumber(args.Value(option), "hitcount"); return true;
            case "--reap": Reap = true; return true;
            case "--rsource": Dest = false; return true;
            case "--rdest": Dest = true; return true;
            case "--mask":
                var v = args.Value(option);
                if (!Ipv4.TryParse(v, out Mask)) throw new IptablesException($"host/network `{v}' not found");
                return true;
        }
        return false;
    }

    public override void Finish()
    {
        if (Command.Length == 0) throw new IptablesException("recent: you must specify one of `--set', `--rcheck' `--update' or `--remove'");
        if (Reap && Seconds == 0) throw new IptablesException("recent: you must specify `--seconds' with `--reap'");
    }

    public override bool Matches(PacketContext ctx)
    {
        var list = ctx.Netfilter.Recent.Get(ListName);
        uint addr = (Dest ? ctx.Packet.Destination : ctx.Packet.Source) & Mask;
        var now = ctx.Now;
        bool found = list.TryGetValue(addr, out var stamps);
        bool result;
        switch (Command)
        {
            case "set":
                if (!found) list[addr] = stamps = new List<TimeSpan>();
                stamps!.Add(now);
                if (stamps.Count > 20) stamps.RemoveAt(0);
                return !Invert;
            case "remove":
                if (found) list.Remove(addr);
                return found != Invert;
        }
        if (!found || stamps is null) return Invert;
        var window = TimeSpan.FromSeconds(Seconds);
        int hits = 0;
        foreach (var ts in stamps)
            if (Seconds == 0 || now - ts <= window) hits++;
        result = Seconds == 0 && HitCount == 0 ? true : HitCount == 0 ? hits > 0 : hits >= HitCount;
        if (Reap && Seconds != 0)
        {
            stamps.RemoveAll(t => now - t > window);
            if (stamps.Count == 0) list.Remove(addr);
        }
        if (Command == "update" && result)
        {
            if (!list.ContainsKey(addr)) list[addr] = stamps;
            stamps.Add(now);
        }
        return result != Invert;
    }

    public override void Save(StringBuilder sb)
    {
        sb.Append(" -m recent").Append(Invert ? " ! --" : " --").Append(Command);
        if (Seconds != 0) sb.Append(" --seconds ").Append(Seconds);
        if (Reap) sb.Append(" --reap");
        if (HitCount != 0) sb.Append(" --hitcount ").Append(HitCount);
        sb.Append(" --name ").Append(ListName).Append(" --mask ").Append(Ipv4.Format(Mask)).Append(Dest ? " --rdest" : " --rsource");
    }

    public override void List(StringBuilder sb)
    {
        sb.Append(" recent:").Append(Invert ? " !" : "").Append(' ').Append(Command switch { "set" => "SET", "rcheck" => "CHECK", "update" => "UPDATE", _ => "REMOVE" });
        if (Seconds != 0) sb.Append(" seconds: ").Append(Seconds);
        if (Reap) sb.Append(" reap");
        if (HitCount != 0) sb.Append(" hit_count: ").Append(HitCount);
        sb.Append(" name: ").Append(ListName).Append(" side: ").Append(Dest ? "dest" : "source").Append(" mask: ").Append(Ipv4.Format(Mask));
    }
}

/// <summary><c>-m set [!] --match-set NAME src|dst[,src|dst...]</c> against an ipset.</summary>
internal sealed class SetMatch : IptablesMatch
{
    public string SetName = "";
    public bool[] Dst = [];
    public bool Invert;
    private Ipset.IpsetRegistry? _registry;
    public override string Name => "set";

    public void Bind(Ipset.IpsetRegistry registry) => _registry = registry;

    public override bool TryParse(string option, bool invert, ArgReader args)
    {
        if (option != "--match-set" && option != "--set") return false;
        SetName = args.Value(option);
        var flags = args.Value(option);
        Dst = flags.Split(',').Select(f => f switch
        {
            "src" => false,
            "dst" => true,
            _ => throw new IptablesException("You must specify (the comma separated list of) 'src' or 'dst'."),
        }).ToArray();
        Invert = invert;
        return true;
    }

    public override void Finish()
    {
        if (SetName.Length == 0) throw new IptablesException("You must specify `--match-set' with proper arguments");
        if (_registry is not null && _registry.Find(SetName) is null)
            throw new IptablesException($"Set {SetName} doesn't exist.");
    }

    public override bool Matches(PacketContext ctx)
    {
        var set = (_registry ?? ctx.Netfilter.Ipsets).Find(SetName);
        bool m = set is not null && set.Test(ctx.Packet, Dst, ctx.Now);
        return m != Invert;
    }

    private string Flags() => string.Join(",", Dst.Select(d => d ? "dst" : "src"));

    public override void Save(StringBuilder sb) => sb.Append(" -m set").Append(Invert ? " !" : "").Append(" --match-set ").Append(SetName).Append(' ').Append(Flags());

    public override void List(StringBuilder sb) => sb.Append(Invert ? " ! match-set " : " match-set ").Append(SetName).Append(' ').Append(Flags());
}

/// <summary><c>-m physdev</c>: bridge ports of a bridged frame (br_netfilter).</summary>
internal sealed class PhysdevMatch : IptablesMatch
{
    public string? In, Out;
    public bool InvIn, InvOut, IsIn, IsOut, IsBridged, InvIsIn, InvIsOut, InvIsBridged;
    public override string Name => "physdev";

    public override bool TryParse(string option, bool invert, ArgReader args)
    {
        switch (option)
        {
            case "--physdev-in": In = args.Value(option); InvIn = invert; return true;
            case "--physdev-out": Out = args.Value(option); InvOut = invert; return true;
            case "--physdev-is-in": IsIn = true; InvIsIn = invert; return true;
            case "--physdev-is-out": IsOut = true; InvIsOut = invert; return true;
            case "--physdev-is-bridged": IsBridged = true; InvIsBridged = invert; return true;
        }
        return false;
    }

    public override void Finish()
    {
        if (In is null && Out is null && !IsIn && !IsOut && !IsBridged)
            throw new IptablesException("PHYSDEV: no physdev option specified");
    }

    public override bool Matches(PacketContext ctx)
    {
        var p = ctx.Packet;
        if (!p.Bridged && p.PhysInInterface is null)
        {
            // not a bridged packet: only inverted options can match (as in physdev_mt)
            if ((IsIn && !InvIsIn) || (IsOut && !InvIsOut) || (IsBridged && !InvIsBridged)) return false;
            if ((In is not null && !InvIn) || (Out is not null && !InvOut)) return false;
            return true;
        }
        if (IsBridged && (p.Bridged && p.PhysOutInterface is not null) == InvIsBridged) return false;
        if (IsIn && (p.PhysInInterface is not null) == InvIsIn) return false;
        if (IsOut && (p.PhysOutInterface is not null) == InvIsOut) return false;
        if (In is not null && IptablesRule.InterfaceMatches(In, p.PhysInInterface) == InvIn) return false;
        if (Out is not null && IptablesRule.InterfaceMatches(Out, p.PhysOutInterface) == InvOut) return false;
        return true;
    }

    private void Options(StringBuilder sb)
    {
        if (In is not null) sb.Append(InvIn ? " ! --physdev-in " : " --physdev-in ").Append(In);
        if (Out is not null) sb.Append(InvOut ? " ! --physdev-out " : " --physdev-out ").Append(Out);
        if (IsIn) sb.Append(InvIsIn ? " ! --physdev-is-in" : " --physdev-is-in");
        if (IsOut) sb.Append(InvIsOut ? " ! --physdev-is-out" : " --physdev-is-out");
        if (IsBridged) sb.Append(InvIsBridged ? " ! --physdev-is-bridged" : " --physdev-is-bridged");
    }

    public override void Save(StringBuilder sb)
    {
        sb.Append(" -m physdev");
        Options(sb);
    }

    public override void List(StringBuilder sb)
    {
        sb.Append(" PHYSDEV match");
        Options(sb);
    }
}

/// <summary><c>-m nfacct --nfacct-name NAME</c>: counts, always matches.</summary>
internal sealed class NfacctMatch : IptablesMatch
{
    public string Counter = "";
    public long Packets, Bytes;
    public override string Name => "nfacct";

    public override bool TryParse(string option, bool invert, ArgReader args)
    {
        if (option != "--nfacct-name") return false;
        Counter = args.Value(option);
        return true;
    }

    public override bool Matches(PacketContext ctx)
    {
        Packets++;
        Bytes += ctx.Packet.Length;
        return true;
    }

    public override void Save(StringBuilder sb) => sb.Append(" -m nfacct --nfacct-name  ").Append(Counter);

    public override void List(StringBuilder sb) => sb.Append(" nfacct-name  ").Append(Counter);
}

/// <summary><c>-m ipvs [--ipvs] [--vaddr A[/M]] [--vport P] [--vproto P] [--vdir ORIGINAL|REPLY]</c>.</summary>
internal sealed class IpvsMatch : IptablesMatch
{
    public bool Ipvs, InvIpvs, HasVaddr, InvVaddr, HasVport, InvVport, HasVproto, InvVproto;
    public uint Vaddr, Vmask = 0xFFFFFFFF;
    public ushort Vport;
    public byte Vproto;
    public override string Name => "ipvs";

    public override bool TryParse(string option, bool invert, ArgReader args)
    {
        switch (option)
        {
            case "--ipvs": Ipvs = true; InvIpvs = invert; return true;
            case "--vaddr":
                var a = args.Value(option);
                if (!Ipv4.TryParseCidr(a, out Vaddr, out Vmask)) throw new IptablesException($"host/network `{a}' not found");
                HasVaddr = true; InvVaddr = invert; return true;
            case "--vport": Vport = ParsePort(args.Value(option), ""); HasVport = true; InvVport = invert; return true;
            case "--vproto": Vproto = IptablesRule.ParseProtocol(args.Value(option)); HasVproto = true; InvVproto = invert; return true;
            case "--vdir": args.Value(option); return true;
        }
        return false;
    }

    public override bool Matches(PacketContext ctx)
    {
        var v = ctx.Ct.Entry?.IpvsVirtual;
        bool isIpvs = v is not null;
        if (Ipvs && isIpvs == InvIpvs) return false;
        if (!isIpvs) return !(HasVaddr && !InvVaddr) && !(HasVport && !InvVport) && !(HasVproto && !InvVproto);
        var (addr, port, proto) = v!.Value;
        if (HasVaddr && ((addr & Vmask) == Vaddr) == InvVaddr) return false;
        if (HasVport && (port == Vport) == InvVport) return false;
        if (HasVproto && (proto == Vproto) == InvVproto) return false;
        return true;
    }

    public override void Save(StringBuilder sb)
    {
        sb.Append(" -m ipvs");
        if (Ipvs) sb.Append(InvIpvs ? " ! --ipvs" : " --ipvs");
        if (HasVproto) sb.Append(InvVproto ? " ! --vproto " : " --vproto ").Append(Vproto);
        if (HasVaddr) sb.Append(InvVaddr ? " ! --vaddr " : " --vaddr ").Append(Ipv4.FormatCidr(Vaddr, Vmask));
        if (HasVport) sb.Append(InvVport ? " ! --vport " : " --vport ").Append(Vport);
    }

    public override void List(StringBuilder sb)
    {
        sb.Append(' ');
        if (Ipvs) sb.Append(InvIpvs ? "! ipvs" : "ipvs");
        if (HasVproto) sb.Append(InvVproto ? " ! vproto " : " vproto ").Append(Vproto);
        if (HasVaddr) sb.Append(InvVaddr ? " ! vaddr " : " vaddr ").Append(Ipv4.FormatCidr(Vaddr, Vmask));
        if (HasVport) sb.Append(InvVport ? " ! vport " : " vport ").Append(Vport);
    }
}

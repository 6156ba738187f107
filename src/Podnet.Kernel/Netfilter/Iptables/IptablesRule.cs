using System.Text;

namespace Podnet.Kernel.Netfilter.Iptables;

/// <summary>
/// One pre-parsed iptables rule (<c>struct ipt_entry</c> with its matches and target): base matches as
/// masks and integers, module matches, target, and counters. Its text is kept in iptables-save form.
/// </summary>
public sealed class IptablesRule
{
    internal uint Src, SrcMask, Dst, DstMask;
    internal bool InvSrc, InvDst, InvIn, InvOut, InvProto;
    internal string? In, Out;
    internal byte Proto;
    internal bool HasProto;
    internal IptablesMatch[] Matches = [];
    internal IptablesTarget? Target;

    /// <summary>The rule as iptables-save prints it, without the <c>-A CHAIN</c> prefix.</summary>
    public string Text => _text ??= BuildText();
    private string? _text;
    public long Packets { get; internal set; }
    public long Bytes { get; internal set; }

    internal static byte ParseProtocol(string s) => s switch
    {
        "tcp" => 6,
        "udp" => 17,
        "icmp" => 1,
        "sctp" => 132,
        "all" => 0,
        "gre" => 47,
        "esp" => 50,
        "ah" => 51,
        "ipip" => 4,
        _ => byte.TryParse(s, out var b) ? b : throw new IptablesException($"unknown protocol \"{s}\" specified"),
    };

    private static string ProtocolName(byte p) => p switch
    {
        6 => "tcp", 17 => "udp", 1 => "icmp", 132 => "sctp", 47 => "gre", 50 => "esp", 51 => "ah", 4 => "ipip",
        _ => p.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Interface name match with iptables' trailing <c>+</c> wildcard.</summary>
    internal static bool InterfaceMatches(string pattern, string? name)
    {
        if (name is null) return false;
        if (pattern.EndsWith('+')) return name.AsSpan().StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal);
        return string.Equals(pattern, name, StringComparison.Ordinal);
    }

    internal bool MatchesPacket(PacketContext ctx)
    {
        var p = ctx.Packet;
        if (SrcMask != 0 && ((p.Source & SrcMask) == Src) == InvSrc) return false;
        if (DstMask != 0 && ((p.Destination & DstMask) == Dst) == InvDst) return false;
        if (HasProto && Proto != 0 && (p.Protocol == Proto) == InvProto) return false;
        if (In is not null && InterfaceMatches(In, p.InInterface) == InvIn) return false;
        if (Out is not null && InterfaceMatches(Out, p.OutInterface) == InvOut) return false;
        var ms = Matches;
        for (int i = 0; i < ms.Length; i++)
            if (!ms[i].Matches(ctx)) return false;
        return true;
    }

    /// <summary>
    /// Parses the words of a rule after the chain name (<c>-s ... -j TARGET ...</c>); <paramref name="isUserChain"/>
    /// says whether a <c>-j</c> name is a chain of this table.
    /// </summary>
    internal static IptablesRule Parse(IReadOnlyList<string> words, Func<string, bool> isUserChain, Ipset.IpsetRegistry? ipsets)
    {
        var r = new IptablesRule();
        var matches = new List<IptablesMatch>();
        var args = new ArgReader(words);
        bool invert = false;
        string? targetName = null;
        while (!args.AtEnd)
        {
            var w = args.Take();
            if (w == "!")
            {
                if (invert) throw new IptablesException("multiple consecutive ! not allowed");
                invert = true;
                continue;
            }
            switch (w)
            {
                case "-s" or "--source" or "--src":
                    ParseAddr(args.Value(w), out r.Src, out r.SrcMask); r.InvSrc = invert; break;
                case "-d" or "--destination" or "--dst":
                    ParseAddr(args.Value(w), out r.Dst, out r.DstMask); r.InvDst = invert; break;
                case "-i" or "--in-interface":
                    r.In = args.Value(w); r.InvIn = invert; break;
                case "-o" or "--out-interface":
                    r.Out = args.Value(w); r.InvOut = invert; break;
                case "-p" or "--protocol":
                    r.Proto = ParseProtocol(args.Value(w)); r.HasProto = true; r.InvProto = invert; break;
                case "-m" or "--match":
                    if (invert) throw new IptablesException("unexpected ! flag before --match");
                    var name = args.Value(w);
                    matches.Add(NewMatch(name, r, ipsets));
                    break;
                case "-j" or "--jump" or "-g" or "--goto":
                    if (r.Target is not null) throw new IptablesException("multiple -j flags not allowed");
                    targetName = args.Value(w);
                    r.Target = NewTarget(targetName, w is "-g" or "--goto", isUserChain);
                    break;
                case "-c" or "--set-counters":
                    r.Packets = long.Parse(args.Value(w), System.Globalization.CultureInfo.InvariantCulture);
                    r.Bytes = long.Parse(args.Value(w), System.Globalization.CultureInfo.InvariantCulture);
                    break;
                default:
                    if (!w.StartsWith('-')) throw new IptablesException($"Bad argument `{w}'");
                    bool taken = false;
                    if (r.Target is not null && r.Target.TryParse(w, args)) taken = true;
                    for (int i = matches.Count - 1; !taken && i >= 0; i--)
                        if (matches[i].TryParse(w, invert, args)) taken = true;
                    if (!taken && r.HasProto && r.Proto is 6 or 17 or 1 or 132 && !matches.Any(m => m.Name == ProtocolName(r.Proto)))
                    {
                        // iptables loads the protocol's match implicitly for its options
                        var implicitMatch = r.Proto == 1 ? (IptablesMatch)new IcmpMatch() : new PortMatch(ProtocolName(r.Proto));
                        if (implicitMatch.TryParse(w, invert, args))
                        {
                            matches.Add(implicitMatch);
                            taken = true;
                        }
                    }
                    if (!taken) throw new IptablesException($"unknown option \"{w}\"");
                    break;
            }
            invert = false;
        }
        if (invert) throw new IptablesException("Invalid argument");
        foreach (var m in matches)
        {
            if (m is PortMatch { Proto: "sctp" } && (!r.HasProto || r.Proto != 132 || r.InvProto))
                // xt_sctp's checkentry refuses the rule in the kernel (iptables-nft: RULE_APPEND failed (Invalid argument))
                throw new IptablesException("Invalid argument", IptablesErrorKind.Kernel);
            if (m is PortMatch pm && (!r.HasProto || ProtocolName(r.Proto) != pm.Proto))
                throw new IptablesException($"Couldn't load match `{pm.Proto}':No such file or directory");
            m.Finish();
        }
        r.Target?.Finish();
        if (r.Target is NatTarget { MinPort: not 0 } && !(r.HasProto && !r.InvProto && r.Proto is 6 or 17 or 132 or 33))
            throw new IptablesException("Need TCP, UDP, SCTP or DCCP with port specification");
        r.Matches = matches.ToArray();
        return r;
    }

    private static void ParseAddr(string s, out uint addr, out uint mask)
    {
        if (!Ipv4.TryParseCidr(s, out addr, out mask)) throw new IptablesException($"host/network `{s}' not found");
        if (mask == 0) addr = 0;
    }

    private static IptablesMatch NewMatch(string name, IptablesRule r, Ipset.IpsetRegistry? ipsets) => name switch
    {
        "comment" => new CommentMatch(),
        "tcp" => new PortMatch("tcp"),
        "udp" => new PortMatch("udp"),
        "sctp" => new PortMatch("sctp"),
        "icmp" => new IcmpMatch(),
        "conntrack" => new ConntrackStateMatch(false),
        "state" => new ConntrackStateMatch(true),
        "statistic" => new StatisticMatch(),
        "mark" => new MarkMatch(),
        "addrtype" => new AddrtypeMatch(),
        "multiport" => new MultiportMatch(),
        "recent" => new RecentMatch(),
        "set" => Bound(new SetMatch(), ipsets),
        "physdev" => new PhysdevMatch(),
        "nfacct" => new NfacctMatch(),
        "ipvs" => new IpvsMatch(),
        _ => throw new IptablesException($"Couldn't load match `{name}':No such file or directory"),
    };

    private static SetMatch Bound(SetMatch m, Ipset.IpsetRegistry? ipsets)
    {
        if (ipsets is not null) m.Bind(ipsets);
        return m;
    }

    private static IptablesTarget NewTarget(string name, bool isGoto, Func<string, bool> isUserChain)
    {
        if (isGoto) return new JumpTarget(name, true);
        return name switch
        {
            "ACCEPT" or "DROP" or "RETURN" => new StandardTarget(name),
            "REJECT" => new RejectTarget(),
            "MARK" => new MarkTarget(false),
            "CONNMARK" => new MarkTarget(true),
            "DNAT" or "SNAT" or "MASQUERADE" => new NatTarget(name),
            "LOG" => new LogTarget(),
            _ when isUserChain(name) => new JumpTarget(name, false),
            // resolved when the table is committed: a missing chain then fails the whole table
            _ when IsChainName(name) => new JumpTarget(name, false),
            _ => throw new IptablesException($"Couldn't load target `{name}':No such file or directory"),
        };
    }

    private static bool IsChainName(string s) => s.Length > 0 && s.Length <= 28 && !s.StartsWith('-');

    private string BuildText()
    {
        var sb = new StringBuilder();
        if (SrcMask != 0 || InvSrc) sb.Append(InvSrc ? " ! -s " : " -s ").Append(Ipv4.FormatCidr(Src, SrcMask));
        if (DstMask != 0 || InvDst) sb.Append(InvDst ? " ! -d " : " -d ").Append(Ipv4.FormatCidr(Dst, DstMask));
        if (In is not null) sb.Append(InvIn ? " ! -i " : " -i ").Append(In);
        if (Out is not null) sb.Append(InvOut ? " ! -o " : " -o ").Append(Out);
        if (HasProto && (Proto != 0 || InvProto)) sb.Append(InvProto ? " ! -p " : " -p ").Append(ProtocolName(Proto));
        foreach (var m in Matches) m.Save(sb);
        if (Target is JumpTarget { IsGoto: true } g) sb.Append(" -g ").Append(g.ChainName);
        else if (Target is not null)
        {
            sb.Append(" -j ").Append(Target.Name);
            Target.SaveOptions(sb);
        }
        return sb.Length > 0 ? sb.ToString(1, sb.Length - 1) : "";
    }

    /// <summary>The <c>iptables -L -n</c> columns after the target: prot, opt, in, out, source, destination, extras.</summary>
    internal void ListColumns(StringBuilder sb, bool verbose)
    {
        sb.Append(InvProto ? '!' : ' ');
        sb.Append((HasProto ? Proto : (byte)0).ToString(System.Globalization.CultureInfo.InvariantCulture).PadRight(5));
        sb.Append("-- ");
        if (verbose)
        {
            sb.Append(InvIn ? '!' : ' ').Append((In ?? "*").PadRight(6));
            sb.Append(InvOut ? '!' : ' ').Append((Out ?? "*").PadRight(6)).Append(' ');
        }
        sb.Append(InvSrc ? '!' : ' ').Append(ListAddr(Src, SrcMask).PadRight(19)).Append(' ');
        sb.Append(InvDst ? '!' : ' ').Append(ListAddr(Dst, DstMask).PadRight(19)).Append(' ');
        foreach (var m in Matches) m.List(sb);
        if (Target is JumpTarget { IsGoto: true }) sb.Append("[goto] ");
        Target?.List(sb);
    }

    private static string ListAddr(uint a, uint m) => m == 0 ? "0.0.0.0/0" : m == 0xFFFFFFFF ? Ipv4.Format(a) : Ipv4.FormatCidr(a, m);
}

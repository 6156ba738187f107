using System.Globalization;

namespace Podnet.Kernel.Netfilter.Nftables;

/// <summary>One parsed nft command, applied to a working copy of the ruleset inside a transaction.</summary>
internal sealed class NftCommand(NftToken at, Action<NftWork> apply)
{
    public NftToken At { get; } = at;
    public Action<NftWork> Apply { get; } = apply;
}

/// <summary>
/// Parser for the nft language subset that node agents (service proxies, network plugins) write: <c>add|create|insert|replace|delete|flush</c>
/// commands for tables, chains, rules, sets, maps and elements, and the block syntax that <c>nft list</c> prints.
/// </summary>
internal sealed class NftParser
{
    private static readonly string[] Families = ["ip", "ip6", "inet"];
    private readonly List<NftToken> _t;
    private int _i;

    private NftParser(List<NftToken> tokens) => _t = tokens;

    public static List<NftCommand> Parse(string text, out string[] lines)
    {
        var p = new NftParser(NftLexer.Lex(text, out lines));
        return p.Script();
    }

    private NftToken Peek => _i < _t.Count ? _t[_i] : new NftToken("", _t.Count > 0 ? _t[^1].Line : 1, 1);
    private bool AtEnd => _i >= _t.Count;
    private NftToken Take() => _i < _t.Count ? _t[_i++] : throw Unexpected();
    private bool Is(string s) => !AtEnd && !_t[_i].Quoted && _t[_i].Text == s;

    private NftException Unexpected()
    {
        if (AtEnd) return new NftException("syntax error, unexpected end of file", Peek.Line, Peek.Column, Peek.Column);
        var t = _t[_i];
        string what = t.IsNewline ? "newline" : t.Quoted ? "quoted string" : t.Text switch
        {
            ";" => "semicolon",
            "{" => "'{'",
            "}" => "'}'",
            "," => "comma",
            _ => IsNumber(t.Text) ? "number" : IsKeyword(t.Text) ? t.Text : "string",
        };
        return NftException.At(t, "syntax error, unexpected " + what);
    }

    private static bool IsNumber(string s) => s.Length > 0 && s.All(char.IsDigit);

    private static bool IsKeyword(string s) => s is "accept" or "drop" or "reject" or "return" or "jump" or "goto" or "continue" or "counter"
        or "ip" or "meta" or "ct" or "th" or "tcp" or "udp" or "fib" or "numgen" or "mark" or "dnat" or "snat" or "masquerade" or "comment"
        or "table" or "chain" or "rule" or "set" or "map" or "element" or "add" or "delete" or "flush" or "type" or "hook" or "priority"
        or "policy" or "vmap" or "to" or "with" or "log" or "update" or "iifname" or "oifname" or "elements" or "flags" or "timeout";

    private void Expect(string s)
    {
        if (!Is(s)) throw Unexpected();
        _i++;
    }

    private void SkipSeparators()
    {
        while (!AtEnd && (_t[_i].IsNewline || (_t[_i].Text == ";" && !_t[_i].Quoted))) _i++;
    }

    /// <summary>
    /// nft's grammar ends every item of a block (a hook spec, a policy, a rule, a chain or set block
    /// in a table, a set's type) with a newline or a semicolon: <c>{ type filter hook input priority 0 }</c>
    /// is an error. The separator is left for the block's loop to skip.
    /// </summary>
    private void Separator(bool concatenation = false)
    {
        if (AtEnd) throw Unexpected();
        var t = _t[_i];
        if (t.IsNewline || (t.Text == ";" && !t.Quoted)) return;
        var e = Unexpected();
        throw new NftException(e.Message + ", expecting newline or semicolon" + (concatenation ? " or ." : ""), e.Line, e.Column, e.EndColumn);
    }

    private void SkipNewlines()
    {
        while (!AtEnd && _t[_i].IsNewline) _i++;
    }

    private void EndOfCommand()
    {
        if (AtEnd) return;
        var t = _t[_i];
        if (t.IsNewline || (t.Text == ";" && !t.Quoted)) { _i++; return; }
        throw Unexpected();
    }

    private string Family()
    {
        if (!AtEnd && Array.IndexOf(Families, _t[_i].Text) >= 0 && !_t[_i].Quoted)
        {
            // "ip" can also start a table name only if followed by a newline; names after a family are required
            if (_i + 1 < _t.Count && !_t[_i + 1].IsNewline && _t[_i + 1].Text is not ("{" or ";"))
                return _t[_i++].Text;
        }
        if (!AtEnd && _t[_i].Text is "arp" or "bridge" or "netdev")
            throw NftException.At(_t[_i], "Could not process rule: Operation not supported");
        return "ip";
    }

    private NftToken Name()
    {
        if (AtEnd || _t[_i].IsNewline || _t[_i].Text is "{" or "}" or ";" or ",") throw Unexpected();
        return _t[_i++];
    }

    private List<NftCommand> Script()
    {
        var cmds = new List<NftCommand>();
        while (true)
        {
            SkipSeparators();
            if (AtEnd) break;
            var t = Peek;
            switch (t.Text)
            {
                case "add" or "create" or "insert" or "replace" or "delete" or "destroy" or "flush":
                    _i++;
                    Command(t, cmds);
                    break;
                case "table":
                    _i++;
                    TableBlock(t, cmds);
                    break;
                default:
                    throw Unexpected();
            }
        }
        return cmds;
    }

    private void Command(NftToken verb, List<NftCommand> cmds)
    {
        var obj = Take();
        switch (obj.Text)
        {
            case "table":
            {
                var fam = Family();
                var name = Name();
                string? comment = null;
                if (Is("{"))
                {
                    _i++;
                    while (true)
                    {
                        SkipSeparators();
                        if (Is("}")) { _i++; break; }
                        if (Is("comment")) { _i++; comment = Take().Text; }
                        else if (Is("flags")) { _i++; Take(); }
                        else throw Unexpected();
                    }
                }
                EndOfCommand();
                cmds.Add(new NftCommand(name, w => w.Table(verb.Text, fam, name, comment)));
                return;
            }
            case "chain":
            {
                var fam = Family();
                var table = Name();
                if (verb.Text == "flush" || verb.Text == "delete" || verb.Text == "destroy")
                {
                    var cname = Name();
                    EndOfCommand();
                    cmds.Add(new NftCommand(cname, w => w.ChainOp(verb.Text, fam, table, cname)));
                    return;
                }
                var name = Name();
                var spec = new ChainSpec();
                if (Is("{"))
                {
                    _i++;
                    ChainBody(spec, null);
                }
                EndOfCommand();
                cmds.Add(new NftCommand(name, w => w.Chain(verb.Text, fam, table, name, spec)));
                return;
            }
            case "rule":
            {
                var fam = Family();
                var table = Name();
                var chain = Name();
                long? handle = null, position = null;
                int? index = null;
                while (Is("handle") || Is("position") || Is("index"))
                {
                    var kw = Take().Text;
                    var num = Take();
                    if (!long.TryParse(num.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) throw NftException.At(num, "syntax error, unexpected string, expecting number");
                    if (kw == "handle") handle = n; else if (kw == "position") position = n; else index = (int)n;
                }
                if (verb.Text is "delete" or "destroy")
                {
                    EndOfCommand();
                    if (handle is null) throw Unexpected();
                    cmds.Add(new NftCommand(chain, w => w.DeleteRule(fam, table, chain, handle.Value)));
                    return;
                }
                var start = Peek;
                var (exprs, comment) = Statements(stopAtBrace: false);
                EndOfCommand();
                cmds.Add(new NftCommand(start, w => w.Rule(verb.Text, fam, table, chain, exprs, comment, handle ?? position, index)));
                return;
            }
            case "set" or "map":
            {
                var fam = Family();
                var table = Name();
                var name = Name();
                if (verb.Text is "flush" or "delete" or "destroy")
                {
                    EndOfCommand();
                    cmds.Add(new NftCommand(name, w => w.SetOp(verb.Text, fam, table, name)));
                    return;
                }
                var spec = new SetSpec { IsMap = obj.Text == "map" };
                if (Is("{"))
                {
                    _i++;
                    SetBody(spec);
                }
                EndOfCommand();
                cmds.Add(new NftCommand(name, w => w.Set(verb.Text, fam, table, name, spec)));
                return;
            }
            case "element":
            {
                var fam = Family();
                var table = Name();
                var name = Name();
                Expect("{");
                var elems = ElementTokens();
                EndOfCommand();
                cmds.Add(new NftCommand(name, w => w.Elements(verb.Text, fam, table, name, elems)));
                return;
            }
            case "ruleset" when verb.Text == "flush":
                EndOfCommand();
                cmds.Add(new NftCommand(obj, w => w.FlushRuleset()));
                return;
            default:
                _i--;
                throw Unexpected();
        }
    }

    /// <summary>Block syntax: <c>table ip NAME { chain C { ... }; set S { ... }; }</c> (or with newlines).</summary>
    private void TableBlock(NftToken at, List<NftCommand> cmds)
    {
        var fam = Family();
        var table = Name();
        Expect("{");
        string? comment = null;
        var decls = new List<NftCommand>();
        var ruleCmds = new List<NftCommand>();
        while (true)
        {
            SkipSeparators();
            if (Is("}")) { _i++; break; }
            var kw = Take();
            switch (kw.Text)
            {
                case "comment": comment = Take().Text; Separator(); break;
                case "flags": Take(); Separator(); break;
                case "chain":
                {
                    var name = Name();
                    Expect("{");
                    var spec = new ChainSpec();
                    var rules = new List<(NftToken, NftExpr[], string?)>();
                    ChainBody(spec, rules);
                    Separator();
                    decls.Add(new NftCommand(name, w => w.Chain("add", fam, table, name, spec)));
                    foreach (var (rt, ex, c) in rules)
                        ruleCmds.Add(new NftCommand(rt, w => w.Rule("add", fam, table, name, ex, c, null, null)));
                    break;
                }
                case "set" or "map":
                {
                    var name = Name();
                    Expect("{");
                    var spec = new SetSpec { IsMap = kw.Text == "map" };
                    SetBody(spec);
                    Separator();
                    decls.Add(new NftCommand(name, w => w.Set("add", fam, table, name, spec)));
                    break;
                }
                default:
                    _i--;
                    throw Unexpected();
            }
        }
        cmds.Add(new NftCommand(table, w => w.Table("add", fam, table, comment)));
        // chains and sets before rules: rules may refer to objects declared later in the block
        cmds.AddRange(decls);
        cmds.AddRange(ruleCmds);
    }

    internal sealed class ChainSpec
    {
        public string? Type;
        public NftToken? HookToken;
        public string? Hook;
        public int Priority;
        public string? Policy;
        public string? Comment;
    }

    internal sealed class SetSpec
    {
        public bool IsMap;
        public List<NftToken> TypeTokens = new();
        public List<NftToken>? TypeofTokens;
        public List<string> Flags = new();
        public TimeSpan? Timeout;
        public string? Comment;
        public int Size;
        public List<List<NftToken>>? Elements;
    }

    private void ChainBody(ChainSpec spec, List<(NftToken, NftExpr[], string?)>? rules)
    {
        while (true)
        {
            SkipSeparators();
            if (Is("}")) { _i++; return; }
            if (Is("type"))
            {
                _i++;
                spec.Type = Take().Text;
                if (spec.Type is not ("filter" or "nat" or "route")) throw NftException.At(_t[_i - 1], $"unknown chain type {spec.Type}");
                Expect("hook");
                var h = Take();
                spec.HookToken = h;
                spec.Hook = h.Text;
                Expect("priority");
                spec.Priority = Priority(spec.Hook);
                Separator();
                continue;
            }
            if (Is("policy"))
            {
                _i++;
                var p = Take();
                if (p.Text is not ("accept" or "drop")) throw NftException.At(p, "syntax error, unexpected string, expecting accept or drop");
                spec.Policy = p.Text;
                Separator();
                continue;
            }
            if (Is("comment") && rules is null || Is("comment") && _i + 2 < _t.Count && (_t[_i + 2].IsNewline || _t[_i + 2].Text == ";"))
            {
                _i++;
                spec.Comment = Take().Text;
                Separator();
                continue;
            }
            if (Is("device") || Is("devices")) { _i++; Take(); Separator(); continue; }
            if (rules is null) throw Unexpected();
            var start = Peek;
            var (exprs, comment) = Statements(stopAtBrace: true);
            Separator();
            rules.Add((start, exprs, comment));
        }
    }

    private int Priority(string hook)
    {
        var t = Take();
        int baseValue;
        string s = t.Text;
        if (int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return n;
        baseValue = s switch
        {
            "raw" => -300,
            "mangle" => -150,
            "dstnat" => -100,
            "filter" => 0,
            "security" => 50,
            "srcnat" => 100,
            _ => throw NftException.At(t, $"'{s}' is invalid priority."),
        };
        if (s == "dstnat" && hook != "prerouting" && hook != "output") throw NftException.At(t, $"'{s}' is invalid priority in this context.");
        if (s == "srcnat" && hook != "postrouting" && hook != "input") throw NftException.At(t, $"'{s}' is invalid priority in this context.");
        if (Is("+") || Is("-"))
        {
            var sign = Take().Text;
            var off = Take();
            if (!int.TryParse(off.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var o)) throw NftException.At(off, "syntax error, unexpected string, expecting number");
            return sign == "+" ? baseValue + o : baseValue - o;
        }
        return baseValue;
    }

    private void SetBody(SetSpec spec)
    {
        while (true)
        {
            SkipSeparators();
            if (Is("}")) { _i++; return; }
            var kw = Take();
            switch (kw.Text)
            {
                case "type":
                    while (!AtEnd && !_t[_i].IsNewline && _t[_i].Text is not (";" or "}")) spec.TypeTokens.Add(_t[_i++]);
                    Separator(concatenation: true);
                    break;
                case "typeof":
                    spec.TypeofTokens = new List<NftToken>();
                    while (!AtEnd && !_t[_i].IsNewline && _t[_i].Text is not (";" or "}")) spec.TypeofTokens.Add(_t[_i++]);
                    Separator(concatenation: true);
                    break;
                case "flags":
                    spec.Flags.Add(Take().Text);
                    while (Is(",")) { _i++; spec.Flags.Add(Take().Text); }
                    foreach (var f in spec.Flags.SelectMany(x => x.Split(',')))
                        if (f is not ("interval" or "timeout" or "dynamic" or "constant")) throw NftException.At(kw, $"unknown set flag {f}");
                    Separator();
                    break;
                case "timeout": spec.Timeout = ParseDuration(Take()); Separator(); break;
                case "comment": spec.Comment = Take().Text; Separator(); break;
                case "size": spec.Size = int.Parse(Take().Text, CultureInfo.InvariantCulture); Separator(); break;
                case "policy": Take(); Separator(); break;
                case "gc-interval": Take(); Separator(); break;
                case "elements":
                    Expect("=");
                    Expect("{");
                    spec.Elements = ElementTokens();
                    break;
                default:
                    _i--;
                    throw Unexpected();
            }
        }
    }

    /// <summary>Reads <c>e1, e2, ... }</c> as token lists (parsed later against the set's key types).</summary>
    private List<List<NftToken>> ElementTokens()
    {
        var all = new List<List<NftToken>>();
        var cur = new List<NftToken>();
        int depth = 0;
        while (true)
        {
            if (AtEnd) throw Unexpected();
            var t = _t[_i++];
            if (t.IsNewline) continue;
            if (!t.Quoted && t.Text == "{") depth++;
            if (!t.Quoted && t.Text == "}")
            {
                if (depth == 0) break;
                depth--;
            }
            if (!t.Quoted && depth == 0 && t.Text.Length > 1 && t.Text.Contains(','))
            {
                // "22,80" written without spaces: several elements
                var parts = t.Text.Split(',');
                for (int k = 0; k < parts.Length; k++)
                {
                    if (parts[k].Length > 0) cur.Add(new NftToken(parts[k], t.Line, t.Column));
                    if (k < parts.Length - 1)
                    {
                        if (cur.Count > 0) all.Add(cur);
                        cur = new List<NftToken>();
                    }
                }
                continue;
            }
            if (!t.Quoted && t.Text == "," && depth == 0)
            {
                if (cur.Count > 0) all.Add(cur);
                cur = new List<NftToken>();
                continue;
            }
            cur.Add(t);
        }
        if (cur.Count > 0) all.Add(cur);
        return all;
    }

    internal static TimeSpan ParseDuration(NftToken t)
    {
        var s = t.Text;
        var total = TimeSpan.Zero;
        int i = 0;
        bool any = false;
        while (i < s.Length)
        {
            int b = i;
            while (i < s.Length && char.IsDigit(s[i])) i++;
            if (b == i) throw NftException.At(t, "Wrong time format");
            long n = long.Parse(s[b..i], CultureInfo.InvariantCulture);
            int u = i;
            while (i < s.Length && char.IsLetter(s[i])) i++;
            total += s[u..i] switch
            {
                "d" => TimeSpan.FromDays(n),
                "h" => TimeSpan.FromHours(n),
                "m" => TimeSpan.FromMinutes(n),
                "s" or "" => TimeSpan.FromSeconds(n),
                "ms" => TimeSpan.FromMilliseconds(n),
                _ => throw NftException.At(t, "Wrong time format"),
            };
            any = true;
        }
        if (!any) throw NftException.At(t, "Wrong time format");
        return total;
    }

    // ---- rule statements -----------------------------------------------------------------------

    private bool AtRuleEnd(bool stopAtBrace) =>
        AtEnd || _t[_i].IsNewline || (!_t[_i].Quoted && (_t[_i].Text == ";" || (stopAtBrace && _t[_i].Text == "}")));

    private (NftExpr[], string?) Statements(bool stopAtBrace)
    {
        var list = new List<NftExpr>();
        string? comment = null;
        if (AtRuleEnd(stopAtBrace)) throw Unexpected();
        while (!AtRuleEnd(stopAtBrace))
        {
            var t = Take();
            if (t.Quoted) { _i--; throw Unexpected(); }
            switch (t.Text)
            {
                case "accept" or "drop" or "continue" or "return":
                    list.Add(new NftVerdictStmt(new NftVerdict(t.Text)));
                    break;
                case "jump" or "goto":
                    var target = Name();
                    list.Add(new NftVerdictStmt(new NftVerdict(t.Text, target.Text)) { });
                    break;
                case "counter":
                    var c = new NftCounter();
                    if (Is("packets"))
                    {
                        _i++;
                        c.Packets = long.Parse(Take().Text, CultureInfo.InvariantCulture);
                        Expect("bytes");
                        c.Bytes = long.Parse(Take().Text, CultureInfo.InvariantCulture);
                    }
                    list.Add(c);
                    break;
                case "comment":
                    var ct = Take();
                    if (!ct.Quoted && ct.Text.Length == 0) throw Unexpected();
                    comment = ct.Text;
                    break;
                case "reject":
                    list.Add(Reject());
                    break;
                case "dnat" or "snat":
                    list.Add(Nat(t.Text));
                    break;
                case "masquerade":
                    list.Add(Nat("masquerade"));
                    break;
                case "log":
                    var log = new NftLog();
                    while (Is("prefix") || Is("level"))
                    {
                        var k = Take().Text;
                        if (k == "prefix") log.Prefix = Take().Text; else log.Level = Take().Text;
                    }
                    list.Add(log);
                    break;
                case "update" or "add":
                    list.Add(SetUpdate(t.Text));
                    break;
                default:
                    _i--;
                    list.Add(MatchOrSet(stopAtBrace));
                    break;
            }
        }
        return (list.ToArray(), comment);
    }

    private NftReject Reject()
    {
        if (!Is("with")) return new NftReject(RejectWith.IcmpPortUnreachable, false);
        _i++;
        var kind = Take();
        if (kind.Text == "tcp")
        {
            Expect("reset");
            return new NftReject(RejectWith.TcpReset, true);
        }
        if (kind.Text is not ("icmp" or "icmpx")) { _i--; throw Unexpected(); }
        if (Is("type")) _i++;
        var code = Take();
        var with = code.Text switch
        {
            "port-unreachable" => RejectWith.IcmpPortUnreachable,
            "net-unreachable" => RejectWith.IcmpNetUnreachable,
            "host-unreachable" => RejectWith.IcmpHostUnreachable,
            "prot-unreachable" => RejectWith.IcmpProtoUnreachable,
            "net-prohibited" => RejectWith.IcmpNetProhibited,
            "host-prohibited" => RejectWith.IcmpHostProhibited,
            "admin-prohibited" => RejectWith.IcmpAdminProhibited,
            _ => throw NftException.At(code, $"Could not parse ICMP type {code.Text}"),
        };
        return new NftReject(with, true);
    }

    private NftNat Nat(string kind)
    {
        var n = new NftNat { Kind = kind };
        if (kind != "masquerade")
        {
            if (Is("ip")) { _i++; n.IpKeyword = true; }
            Expect("to");
            var spec = Take();
            ParseAddrPort(spec, n);
        }
        else if (Is("to"))
        {
            _i++;
            ParseAddrPort(Take(), n);
        }
        while (Is("fully-random") || Is("random") || Is("persistent"))
        {
            var f = Take().Text;
            if (f == "fully-random") n.FullyRandom = true; else if (f == "random") n.Random = true; else n.Persistent = true;
        }
        return n;
    }

    private static void ParseAddrPort(NftToken t, NftNat n)
    {
        var s = t.Text;
        int colon = s.IndexOf(':');
        var addr = colon < 0 ? s : s[..colon];
        if (addr.Length > 0)
        {
            if (!Ipv4.TryParse(addr, out n.Address)) throw NftException.At(t, $"Could not resolve hostname: Name or service not known");
            n.HasAddress = true;
        }
        if (colon >= 0)
        {
            var ports = s[(colon + 1)..];
            var dash = ports.IndexOf('-');
            if (!ushort.TryParse(dash < 0 ? ports : ports[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out n.MinPort))
                throw NftException.At(t, "syntax error, unexpected string");
            n.MaxPort = n.MinPort;
            if (dash >= 0 && !ushort.TryParse(ports[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out n.MaxPort))
                throw NftException.At(t, "syntax error, unexpected string");
        }
    }

    private NftSetUpdate SetUpdate(string op)
    {
        var r = Take();
        if (!r.Text.StartsWith('@')) throw NftException.At(r, "syntax error, unexpected string, expecting @");
        var u = new NftSetUpdate { Op = op, Ref = r.Text[1..] };
        Expect("{");
        u.Selector = Selector(required: true)!;
        if (Is("timeout")) { _i++; u.Timeout = ParseDuration(Take()); }
        Expect("}");
        return u;
    }

    /// <summary>Parses one selector field; null when the next token does not start one.</summary>
    private bool TryField(out NftField f, NftSelector sel)
    {
        f = default;
        if (AtEnd || _t[_i].Quoted) return false;
        var w = _t[_i].Text;
        string Next2() => _i + 1 < _t.Count ? _t[_i + 1].Text : "";
        switch (w)
        {
            case "ip":
                f = Next2() switch
                {
                    "saddr" => NftField.IpSaddr,
                    "daddr" => NftField.IpDaddr,
                    "protocol" => NftField.IpProtocol,
                    _ => throw NftAfter(1),
                };
                _i += 2;
                return true;
            case "meta":
                f = Next2() switch
                {
                    "l4proto" => NftField.L4proto,
                    "mark" => NftField.Mark,
                    "iifname" => NftField.Iifname,
                    "oifname" => NftField.Oifname,
                    "nfproto" => NftField.Nfproto,
                    "protocol" => NftField.Nfproto,
                    _ => throw NftAfter(1),
                };
                _i += 2;
                return true;
            case "mark": f = NftField.Mark; _i++; return true;
            case "iifname": f = NftField.Iifname; _i++; return true;
            case "oifname": f = NftField.Oifname; _i++; return true;
            case "l4proto": f = NftField.L4proto; _i++; return true;
            case "th" or "tcp" or "udp":
                var port = Next2();
                if (port is not ("sport" or "dport")) throw NftAfter(1);
                f = (w, port) switch
                {
                    ("th", "sport") => NftField.ThSport,
                    ("th", _) => NftField.ThDport,
                    ("tcp", "sport") => NftField.TcpSport,
                    ("tcp", _) => NftField.TcpDport,
                    ("udp", "sport") => NftField.UdpSport,
                    _ => NftField.UdpDport,
                };
                _i += 2;
                return true;
            case "icmp":
                if (Next2() != "type") throw NftAfter(1);
                f = NftField.IcmpType;
                _i += 2;
                return true;
            case "ct":
                f = Next2() switch
                {
                    "state" => NftField.CtState,
                    "status" => NftField.CtStatus,
                    "mark" => NftField.CtMark,
                    _ => throw NftAfter(1),
                };
                _i += 2;
                return true;
            case "fib":
                var which = Next2();
                if (which is not ("saddr" or "daddr")) throw NftAfter(1);
                _i += 2;
                Expect("type");
                f = which == "saddr" ? NftField.FibSaddrType : NftField.FibDaddrType;
                return true;
            case "numgen":
                _i++;
                Expect("random");
                Expect("mod");
                var m = Take();
                if (!uint.TryParse(m.Text, NumberStyles.None, CultureInfo.InvariantCulture, out sel.NumgenMod) || sel.NumgenMod == 0)
                    throw NftException.At(m, "syntax error, unexpected string, expecting number");
                if (Is("offset"))
                {
                    _i++;
                    sel.NumgenOffset = uint.Parse(Take().Text, CultureInfo.InvariantCulture);
                }
                f = NftField.Numgen;
                return true;
        }
        return false;
    }

    private NftException NftAfter(int k)
    {
        _i += k;
        return Unexpected();
    }

    private NftSelector? Selector(bool required)
    {
        var sel = new NftSelector();
        var fields = new List<NftField>();
        if (!TryField(out var f, sel))
        {
            if (required) throw Unexpected();
            return null;
        }
        fields.Add(f);
        while (Is("."))
        {
            _i++;
            if (!TryField(out f, sel)) throw Unexpected();
            fields.Add(f);
        }
        if (fields.Count > 4) throw NftException.At(Peek, "too many concatenated fields");
        sel.Fields = fields.ToArray();
        return sel;
    }

    private NftExpr MatchOrSet(bool stopAtBrace)
    {
        var selStart = Peek;
        var sel = Selector(required: true)!;
        var types = sel.Types;
        // statements on a selector: meta mark set ..., ct mark set ...
        if (Is("set"))
        {
            var setTok = Take();
            if (sel.Fields.Length != 1 || sel.Fields[0] is not (NftField.Mark or NftField.CtMark)) throw NftException.At(setTok, "syntax error, unexpected set");
            var ms = new NftMarkSet { Ct = sel.Fields[0] == NftField.CtMark, Op = '=' };
            var save = _i;
            var src = new NftSelector();
            if (TryField(out var sf, src) && sf is NftField.Mark or NftField.CtMark)
            {
                ms.Source = sf;
                var op = Take();
                ms.Op = op.Text switch
                {
                    "or" or "|" => '|',
                    "and" or "&" => '&',
                    "xor" or "^" => '^',
                    _ => throw NftException.At(op, "syntax error, unexpected " + op.Text),
                };
            }
            else _i = save;
            var val = Take();
            if (!NftValues.TryParse(NftType.Mark, val.Text, out ms.Value, out _, out _)) throw NftException.At(val, "syntax error, unexpected string");
            return ms;
        }
        if (Is("and") || Is("&"))
        {
            _i++;
            var mt = Take();
            if (sel.Fields.Length != 1 || !NftValues.TryParse(NftType.Mark, mt.Text, out sel.Mask, out _, out _)) throw NftException.At(mt, "syntax error, unexpected string");
            sel.HasMask = true;
        }
        bool negate = false;
        if (Is("==")) _i++;
        else if (Is("!=")) { _i++; negate = true; }
        if (Is("vmap"))
        {
            if (negate) throw NftException.At(Peek, "syntax error, unexpected vmap");
            _i++;
            var vm = new NftVmap { Selector = sel };
            var r = Peek;
            if (r.Text.StartsWith('@')) { _i++; vm.MapRef = r.Text[1..]; }
            else
            {
                Expect("{");
                var elems = ElementTokens();
                var set = new NftSet("") { KeyTypes = types, DataType = NftType.Verdict };
                foreach (var e in elems) set.Add(ParseElement(set, e, TimeSpan.Zero), true);
                vm.Map = set;
            }
            return vm;
        }
        var m = new NftMatch { Selector = sel, Negate = negate, Flags = NftValues.IsFlagType(types[0]) && sel.Fields.Length == 1 };
        if (AtRuleEnd(stopAtBrace)) throw Unexpected();
        var v = Peek;
        if (!v.Quoted && v.Text.StartsWith('@'))
        {
            _i++;
            m.SetRef = v.Text[1..];
            return m;
        }
        if (!v.Quoted && v.Text == "{")
        {
            _i++;
            var elems = ElementTokens();
            var set = new NftSet("") { KeyTypes = types, Interval = true };
            foreach (var e in elems) set.Add(ParseElement(set, e, TimeSpan.Zero), true);
            // a one-element anonymous set is the same as the value itself (nft prints it so)
            if (set.Order.Count == 1 && types.Length == 1)
            {
                var only = set.Order[0];
                m.Single = true;
                m.Lo = only.Lo[0];
                m.Hi = only.Hi[0];
                m.Name = only.Text[0];
            }
            else m.Set = set;
            return m;
        }
        // a literal value, possibly a concatenation "a . b"
        var parts = new List<NftToken> { Take() };
        while (Is(".") && parts.Count < types.Length)
        {
            _i++;
            parts.Add(Take());
        }
        if (parts.Count != types.Length) throw NftException.At(parts[^1], "datatype mismatch");
        if (types.Length == 1)
        {
            if (!NftValues.TryParse(types[0], parts[0].Text, out m.Lo, out m.Hi, out m.Name))
                throw BadValue(parts[0], types[0]);
            m.Single = true;
            return m;
        }
        var anon = new NftSet("") { KeyTypes = types };
        anon.Add(ParseElement(anon, parts, TimeSpan.Zero), true);
        m.Set = anon;
        return m;
    }

    internal static NftException BadValue(NftToken t, NftType type) => type switch
    {
        NftType.Ipv4Addr => NftException.At(t, $"Could not resolve hostname: Name or service not known"),
        NftType.InetService => NftException.At(t, $"Could not resolve service: Servname not supported for ai_socktype"),
        _ => NftException.At(t, $"{t.Text} is not a valid {NftValues.TypeName(type)}"),
    };

    /// <summary>Parses one element (<c>key [. key] [timeout T] [comment "c"] [: data]</c>) against a set's types.</summary>
    internal static NftSetElement ParseElement(NftSet set, List<NftToken> toks, TimeSpan now, bool keyOnly = false)
    {
        var types = set.KeyTypes;
        var e = new NftSetElement { Lo = new uint[types.Length], Hi = new uint[types.Length], Text = new string?[types.Length] };
        int i = 0;
        for (int k = 0; k < types.Length; k++)
        {
            if (k > 0)
            {
                if (i >= toks.Count || toks[i].Text != ".") throw NftException.At(toks[Math.Min(i, toks.Count - 1)], "datatype mismatch");
                i++;
            }
            if (i >= toks.Count) throw NftException.At(toks[^1], "syntax error, unexpected end of element");
            var t = toks[i++];
            if (!NftValues.TryParse(types[k], t.Text, out e.Lo[k], out e.Hi[k], out e.Text[k])) throw BadValue(t, types[k]);
            if (e.Lo[k] != e.Hi[k])
            {
                if (!set.Interval && set.Name.Length > 0)
                    throw NftException.At(t, "You must add 'flags interval' to your set declaration if you want to add range elements");
                e.IsRange = true;
            }
        }
        while (i < toks.Count)
        {
            var t = toks[i++];
            switch (t.Text)
            {
                case "timeout":
                    e.Timeout = ParseDuration(toks[i++]);
                    e.Expires = now + e.Timeout;
                    break;
                case "expires":
                    e.Expires = now + ParseDuration(toks[i++]);
                    break;
                case "comment":
                    e.Comment = toks[i++].Text;
                    break;
                case ":":
                    if (!set.IsMap) throw NftException.At(t, "syntax error, unexpected colon");
                    var d = toks[i++];
                    if (set.DataType == NftType.Verdict)
                    {
                        if (d.Text is "jump" or "goto") e.Verdict = new NftVerdict(d.Text, toks[i++].Text);
                        else if (d.Text is "accept" or "drop" or "continue" or "return") e.Verdict = new NftVerdict(d.Text);
                        else throw NftException.At(d, "syntax error, unexpected string");
                    }
                    else if (!NftValues.TryParse(set.DataType!.Value, d.Text, out e.Data, out _, out _)) throw BadValue(d, set.DataType.Value);
                    break;
                default:
                    throw NftException.At(t, "syntax error, unexpected " + (t.Text.All(char.IsDigit) ? "number" : "string"));
            }
        }
        // `delete element` names map elements by key alone (nft accepts `{ key }` for maps there).
        if (!keyOnly && set.IsMap && e.Verdict is null && set.DataType == NftType.Verdict) throw NftException.At(toks[^1], "syntax error, unexpected end of element, expecting colon");
        if (set.Timeout is { } st && e.Expires is null && set.Name.Length > 0) { e.Timeout = null; e.Expires = now + st; }
        return e;
    }
}

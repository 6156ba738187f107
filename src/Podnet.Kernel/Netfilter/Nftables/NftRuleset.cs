using System.Globalization;
using System.Text;
using Podnet.Kernel.Tracing;

namespace Podnet.Kernel.Netfilter.Nftables;

/// <summary>
/// A namespace's nf_tables ruleset: tables, chains, sets and maps; base chains registered at their
/// hooks with their priorities; the rule evaluator; transactions (all or nothing); and the
/// <c>nft list</c> printer.
/// </summary>
public sealed class NftRuleset
{
    private readonly Netfilter _nf;
    internal List<NftTable> Tables = new();
    private readonly NftChain[] _stackChain = new NftChain[64];
    private readonly int[] _stackIndex = new int[64];

    internal NftRuleset(Netfilter nf) => _nf = nf;

    internal Netfilter Owner => _nf;

    public IReadOnlyList<NftTable> AllTables => Tables;

    public NftTable? Table(string family, string name) => Tables.Find(t => t.Family == family && t.Name == name);

    internal IEnumerable<HookFunction> HookFunctions()
    {
        foreach (var t in Tables)
        {
            if (t.Family == "ip6") continue;
            foreach (var c in t.Chains)
                if (c.IsBase) yield return new BaseChainFunction(this, t, c);
        }
    }

    /// <summary>
    /// Whether the ruleset needs connection tracking: an expression that reads or binds conntrack
    /// (<c>ct state</c>, <c>ct mark</c>, <c>dnat</c>, <c>snat</c>, <c>masquerade</c>), in any chain. An
    /// empty nat chain does not (checked on Linux 6.x).
    /// </summary>
    internal bool NeedsConntrack()
    {
        foreach (var t in Tables)
        {
            if (t.Family == "ip6") continue;
            foreach (var c in t.Chains)
            {
                foreach (var r in c.Rules)
                    foreach (var e in r.Exprs)
                        if (e.NeedsConntrack) return true;
            }
        }
        return false;
    }

    private sealed class BaseChainFunction(NftRuleset rs, NftTable table, NftChain chain) : HookFunction(chain.Hook!.Value, chain.Priority)
    {
        public override bool IsNat => chain.Type == "nat";
        public override int Tiebreak => 0;
        public override NetfilterVerdict Run(PacketContext ctx) => rs.Walk(table, chain, ctx);
    }

    internal static void SetVerdict(NftVerdict v, ref NftOutcome o)
    {
        switch (v.Kind)
        {
            case "accept": o.Action = NftAction.Accept; break;
            case "drop": o.Action = NftAction.Drop; break;
            case "return": o.Action = NftAction.Return; break;
            case "jump": o.Action = NftAction.Jump; o.Chain = v.Chain; break;
            case "goto": o.Action = NftAction.Goto; o.Chain = v.Chain; break;
            default: o.Action = NftAction.Continue; break;
        }
    }

    /// <summary>nft_do_chain: walks a base chain and the chains it jumps to.</summary>
    internal NetfilterVerdict Walk(NftTable table, NftChain start, PacketContext ctx)
    {
        var p = ctx.Packet;
        var trace = p.Trace;
        var chain = start;
        int i = 0, depth = 0;
        while (true)
        {
            var rules = chain.Rules;
            if (i >= rules.Count)
            {
                if (depth == 0)
                {
                    if (trace is not null)
                        _nf.Trace(trace, p, TraceStepKind.Policy, $"nft {table.Family} {table.Name} {start.Name} policy {(start.PolicyDrop ? "drop" : "accept")}");
                    return start.PolicyDrop ? NetfilterVerdict.Drop : NetfilterVerdict.Accept;
                }
                depth--;
                chain = _stackChain[depth];
                i = _stackIndex[depth];
                continue;
            }
            var rule = rules[i];
            var outcome = default(NftOutcome);
            var exprs = rule.Exprs;
            bool matched = true;
            for (int k = 0; k < exprs.Length; k++)
            {
                if (!exprs[k].Eval(ctx, ref outcome)) { matched = false; break; }
                if (outcome.Action != NftAction.Continue) break;
            }
            if (!matched)
            {
                i++;
                continue;
            }
            if (trace is not null)
                _nf.Trace(trace, p, TraceStepKind.Rule, rule.Text, new Dictionary<string, string>
                {
                    ["table"] = table.Family + " " + table.Name,
                    ["chain"] = chain.Name,
                    ["handle"] = rule.Handle.ToString(CultureInfo.InvariantCulture),
                });
            switch (outcome.Action)
            {
                case NftAction.Continue:
                    i++;
                    break;
                case NftAction.Accept:
                    return NetfilterVerdict.Accept;
                case NftAction.Drop:
                    return NetfilterVerdict.Drop;
                case NftAction.Reject:
                    return NetfilterVerdict.Reject(outcome.Reject);
                case NftAction.Return:
                    if (depth == 0) { i = int.MaxValue; break; }
                    depth--;
                    chain = _stackChain[depth];
                    i = _stackIndex[depth];
                    break;
                case NftAction.Jump:
                    if (depth >= _stackChain.Length) return NetfilterVerdict.Drop;
                    _stackChain[depth] = chain;
                    _stackIndex[depth] = i + 1;
                    depth++;
                    chain = outcome.Chain!;
                    i = 0;
                    break;
                case NftAction.Goto:
                    chain = outcome.Chain!;
                    i = 0;
                    break;
            }
            if (i == int.MaxValue)
            {
                // return from the base chain: its policy applies
                i = 0;
                chain = start;
                if (trace is not null)
                    _nf.Trace(trace, p, TraceStepKind.Policy, $"nft {table.Family} {table.Name} {start.Name} policy {(start.PolicyDrop ? "drop" : "accept")}");
                return start.PolicyDrop ? NetfilterVerdict.Drop : NetfilterVerdict.Accept;
            }
        }
    }

    // ---- transactions ---------------------------------------------------------------------------

    /// <summary>Applies an nft script as one transaction; on any error nothing changes. <paramref name="check"/> is <c>nft -c</c>.</summary>
    internal ToolResult Apply(string script, string fileName, bool check)
    {
        string[] lines = [];
        try
        {
            var cmds = NftParser.Parse(script, out lines);
            var work = new NftWork(Tables.Select(t => t.Clone()).ToList(), _nf.Host.Now);
            foreach (var c in cmds)
            {
                work.Current = c.At;
                c.Apply(work);
            }
            work.Resolve();
            if (!check)
            {
                Tables = work.Tables;
                _nf.Invalidate();
            }
            return ToolResult.Ok();
        }
        catch (NftException ex)
        {
            return ToolResult.Fail(1, FormatError(ex, fileName, lines));
        }
    }

    internal static string FormatError(NftException ex, string fileName, string[] lines)
    {
        var sb = new StringBuilder();
        sb.Append(fileName).Append(':').Append(ex.Line).Append(':').Append(ex.Column).Append('-').Append(ex.EndColumn)
          .Append(": Error: ").Append(ex.Message).Append('\n');
        var line = ex.Line - 1 < lines.Length && ex.Line >= 1 ? lines[ex.Line - 1].TrimEnd('\r') : "";
        sb.Append(line).Append('\n');
        var marks = new char[Math.Max(line.Length, ex.EndColumn)];
        Array.Fill(marks, ' ');
        if (ex.UnderlineFrom > 0)
            for (int i = ex.UnderlineFrom - 1; i < ex.UnderlineTo && i < marks.Length; i++) marks[i] = '~';
        for (int i = ex.Column - 1; i < ex.EndColumn && i < marks.Length; i++) marks[i] = '^';
        sb.Append(new string(marks).TrimEnd()).Append('\n');
        return sb.ToString();
    }

    // ---- listing --------------------------------------------------------------------------------

    internal static string Duration(TimeSpan t, bool millis = false)
    {
        if (t < TimeSpan.Zero) t = TimeSpan.Zero;
        var sb = new StringBuilder();
        if (t.Days > 0) sb.Append(t.Days).Append('d');
        if (t.Hours > 0) sb.Append(t.Hours).Append('h');
        if (t.Minutes > 0) sb.Append(t.Minutes).Append('m');
        if (t.Seconds > 0) sb.Append(t.Seconds).Append('s');
        if (millis && t.Milliseconds > 0) sb.Append(t.Milliseconds).Append("ms");
        if (sb.Length == 0) sb.Append("0s");
        return sb.ToString();
    }

    internal static void PrintAnonymous(StringBuilder sb, NftSet set)
    {
        sb.Append("{ ");
        for (int i = 0; i < set.Order.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(set.ElementText(set.Order[i], TimeSpan.Zero, false));
        }
        sb.Append(" }");
    }

    private static string HookName(NetfilterHook h) => h switch
    {
        NetfilterHook.Prerouting => "prerouting",
        NetfilterHook.Input => "input",
        NetfilterHook.Forward => "forward",
        NetfilterHook.Output => "output",
        _ => "postrouting",
    };

    /// <summary>The priority as nft prints it: a standard name (± offset up to 10) where one applies to the hook.</summary>
    internal static string PriorityText(NetfilterHook hook, int prio)
    {
        (string Name, int Value, bool Ok)[] std =
        [
            ("raw", -300, true), ("mangle", -150, true), ("dstnat", -100, hook == NetfilterHook.Prerouting),
            ("filter", 0, true), ("security", 50, true), ("srcnat", 100, hook == NetfilterHook.Postrouting),
        ];
        foreach (var (name, value, ok) in std)
        {
            if (!ok) continue;
            int d = prio - value;
            if (d == 0) return name;
            if (Math.Abs(d) <= 10) return name + (d > 0 ? " + " : " - ") + Math.Abs(d).ToString(CultureInfo.InvariantCulture);
        }
        return prio.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary><c>nft list ruleset</c> / <c>nft list table FAMILY NAME</c>.</summary>
    internal string List(NftTable? only)
    {
        var sb = new StringBuilder();
        var now = _nf.Host.Now;
        foreach (var t in Tables)
        {
            if (only is not null && !ReferenceEquals(t, only)) continue;
            sb.Append("table ").Append(t.Family).Append(' ').Append(t.Name).Append(" {\n");
            bool first = true;
            if (t.Comment is not null) sb.Append("\tcomment \"").Append(t.Comment).Append("\"\n");
            foreach (var s in t.Sets)
            {
                if (!first) sb.Append('\n');
                first = false;
                PrintSet(sb, s, now);
            }
            foreach (var c in t.Chains)
            {
                if (!first) sb.Append('\n');
                first = false;
                sb.Append("\tchain ").Append(c.Name).Append(" {\n");
                if (c.Comment is not null) sb.Append("\t\tcomment \"").Append(c.Comment).Append("\"\n");
                if (c.IsBase)
                    sb.Append("\t\ttype ").Append(c.Type).Append(" hook ").Append(HookName(c.Hook!.Value)).Append(" priority ")
                      .Append(PriorityText(c.Hook.Value, c.Priority)).Append("; policy ").Append(c.PolicyDrop ? "drop" : "accept").Append(";\n");
                foreach (var r in c.Rules) sb.Append("\t\t").Append(r.Text).Append('\n');
                sb.Append("\t}\n");
            }
            sb.Append("}\n");
        }
        return sb.ToString();
    }

    internal static void PrintSet(StringBuilder sb, NftSet s, TimeSpan now)
    {
        sb.Append(s.IsMap ? "\tmap " : "\tset ").Append(s.Name).Append(" {\n");
        sb.Append("\t\ttype ").Append(s.TypeText()).Append('\n');
        if (s.Size > 0) sb.Append("\t\tsize ").Append(s.Size).Append('\n');
        var flags = new List<string>();
        if (s.Constant) flags.Add("constant");
        if (s.Dynamic) flags.Add("dynamic");
        if (s.Interval) flags.Add("interval");
        if (s.HasTimeoutFlag) flags.Add("timeout");
        // nft prints the flags line only for constant, interval or dynamic sets (a bare timeout flag is implied by "timeout")
        if (s.Constant || s.Interval || s.Dynamic) sb.Append("\t\tflags ").Append(string.Join(",", flags)).Append('\n');
        if (s.Timeout is { } to) sb.Append("\t\ttimeout ").Append(Duration(to)).Append('\n');
        if (s.Comment is not null) sb.Append("\t\tcomment \"").Append(s.Comment).Append("\"\n");
        var live = s.Order.Where(e => e.Expires is null || e.Expires > now).ToList();
        if (live.Count > 0)
        {
            sb.Append("\t\telements = { ");
            // nft's set_expr_print: addresses two per line, ports and integers five per line, other types one per line
            int perLine = s.KeyTypes.Length == 1 && !s.IsMap
                ? s.KeyTypes[0] switch { NftType.Ipv4Addr or NftType.CtState => 2, NftType.InetService or NftType.InetProto or NftType.Integer or NftType.Mark => 5, _ => 1 }
                : 1;
            for (int i = 0; i < live.Count; i++)
            {
                if (i > 0) sb.Append(i % perLine == 0 ? ",\n\t\t\t     " : ", ");
                sb.Append(s.ElementText(live[i], now, true));
            }
            sb.Append(" }\n");
        }
        sb.Append("\t}\n");
    }
}

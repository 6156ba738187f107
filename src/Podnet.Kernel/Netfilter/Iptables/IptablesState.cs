using System.Globalization;
using System.Text;
using Podnet.Kernel.Tracing;

namespace Podnet.Kernel.Netfilter.Iptables;

/// <summary>
/// The x_tables state of a namespace as iptables (nf_tables backend, v1.8.9) shows it: tables, chains,
/// rules; the chain walker; and the tools <c>iptables-restore</c>, <c>iptables-save</c> and <c>iptables</c>.
/// </summary>
public sealed class IptablesState
{
    internal const string Version = "v1.8.9 (nf_tables)";
    private static readonly string[] SaveOrder = ["mangle", "raw", "filter", "nat"];
    private readonly Netfilter _nf;
    private readonly Dictionary<string, IptablesTable> _tables = new(StringComparer.Ordinal);
    private readonly IptablesChain[] _stackChain = new IptablesChain[64];
    private readonly int[] _stackIndex = new int[64];

    internal IptablesState(Netfilter nf) => _nf = nf;

    /// <summary>The table, if it has been created (by a restore or a command).</summary>
    public IptablesTable? Table(string name) => _tables.GetValueOrDefault(name);

    private IptablesTable GetOrCreate(string name)
    {
        if (!_tables.TryGetValue(name, out var t))
        {
            _tables[name] = t = new IptablesTable(name);
            _nf.Invalidate();
        }
        return t;
    }

    internal IEnumerable<HookFunction> HookFunctions()
    {
        foreach (var t in _tables.Values)
            foreach (var c in t.Chains.Values.Where(c => c.BuiltIn))
            {
                var hook = c.Name switch
                {
                    "PREROUTING" => NetfilterHook.Prerouting,
                    "INPUT" => NetfilterHook.Input,
                    "FORWARD" => NetfilterHook.Forward,
                    "OUTPUT" => NetfilterHook.Output,
                    _ => NetfilterHook.Postrouting,
                };
                yield return new TableHookFunction(this, t, c, hook, IptablesTable.Priority(t.Name, hook));
            }
    }

    private sealed class TableHookFunction(IptablesState state, IptablesTable table, IptablesChain chain, NetfilterHook hook, int priority)
        : HookFunction(hook, priority)
    {
        public override bool IsNat => table.Name == "nat";
        public override NetfilterVerdict Run(PacketContext ctx) => state.Walk(table, chain, ctx);
    }

    /// <summary>
    /// Whether these tables need connection tracking: a rule whose match or target needs it (conntrack,
    /// state, NAT targets, CONNMARK). A nat table alone does not (checked on Linux 6.x with
    /// iptables-nft: a nat table whose rules do no NAT leaves a namespace untracked).
    /// </summary>
    internal bool NeedsConntrack()
    {
        foreach (var t in _tables.Values)
        {
            foreach (var c in t.Chains.Values)
                foreach (var r in c.RuleList)
                {
                    if (r.Target is { NeedsConntrack: true }) return true;
                    foreach (var m in r.Matches)
                        if (m.NeedsConntrack) return true;
                }
        }
        return false;
    }

    // ---- the chain walker (ipt_do_table) -------------------------------------------------------

    internal NetfilterVerdict Walk(IptablesTable table, IptablesChain start, PacketContext ctx)
    {
        var p = ctx.Packet;
        var trace = p.Trace;
        var chain = start;
        int i = 0, depth = 0;
        while (true)
        {
            var rules = chain.RuleList;
            if (i >= rules.Count)
            {
                if (depth == 0)
                {
                    // the end of the built-in chain (or of a chain reached from it by -g): its policy
                    start.Packets++;
                    start.Bytes += p.Length;
                    if (trace is not null) _nf.Trace(trace, p, TraceStepKind.Policy, $"iptables {table.Name} {start.Name} policy {start.Policy}", Attrs(table, start, -1));
                    return start.Policy == "DROP" ? NetfilterVerdict.Drop : NetfilterVerdict.Accept;
                }
                depth--;
                chain = _stackChain[depth];
                i = _stackIndex[depth];
                continue;
            }
            var r = rules[i];
            if (!r.MatchesPacket(ctx))
            {
                i++;
                continue;
            }
            r.Packets++;
            r.Bytes += p.Length;
            if (trace is not null) _nf.Trace(trace, p, TraceStepKind.Rule, "-A " + chain.Name + " " + r.Text, Attrs(table, chain, i));
            var t = r.Target;
            if (t is null)
            {
                i++;
                continue;
            }
            switch (t.Execute(ctx, out var rejectWith))
            {
                case TargetAction.Continue:
                    i++;
                    break;
                case TargetAction.Accept:
                    return NetfilterVerdict.Accept;
                case TargetAction.Drop:
                    return NetfilterVerdict.Drop;
                case TargetAction.Reject:
                    return NetfilterVerdict.Reject(rejectWith);
                case TargetAction.Return:
                    if (depth == 0)
                    {
                        i = int.MaxValue; // falls to the built-in chain's policy
                        break;
                    }
                    depth--;
                    chain = _stackChain[depth];
                    i = _stackIndex[depth];
                    break;
                case TargetAction.Jump:
                    if (depth >= _stackChain.Length) return NetfilterVerdict.Drop;
                    _stackChain[depth] = chain;
                    _stackIndex[depth] = i + 1;
                    depth++;
                    chain = ((JumpTarget)t).Chain!;
                    i = 0;
                    break;
                case TargetAction.Goto:
                    chain = ((JumpTarget)t).Chain!;
                    i = 0;
                    break;
            }
        }
    }

    private static Dictionary<string, string> Attrs(IptablesTable t, IptablesChain c, int i) => new()
    {
        ["table"] = t.Name,
        ["chain"] = c.Name,
        ["rule"] = (i + 1).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>How many rules use the ipset <paramref name="name"/> (ipset's References).</summary>
    internal int SetReferences(string name) =>
        _tables.Values.Sum(t => t.Chains.Values.Sum(c => c.RuleList.Count(r => r.Matches.Any(m => m is SetMatch sm && sm.SetName == name))));

    // ---- iptables-restore ----------------------------------------------------------------------

    /// <summary><c>iptables-restore</c>: applies each <c>*table ... COMMIT</c> block atomically.</summary>
    public ToolResult Restore(string text, bool noflush, bool counters)
    {
        var lines = text.Split('\n');
        string? tableName = null;
        IptablesTable? work = null;
        int n = 0;
        try
        {
            for (n = 1; n <= lines.Length; n++)
            {
                var line = lines[n - 1];
                if (line.Length > 0 && (char.IsWhiteSpace(line[0]) || char.IsWhiteSpace(line[^1]))) line = line.Trim();
                if (n == lines.Length && line.Length == 0) break;
                if (line.Length == 0 || line[0] == '#') continue;
                if (line[0] == '*')
                {
                    if (work is not null) return KernelError(n, null);
                    tableName = line[1..].Trim();
                    if (Array.IndexOf(IptablesTable.TableNames, tableName) < 0)
                        throw new IptablesException($"iptables-restore: line {n} table name '{tableName}' invalid");
                    work = noflush && _tables.TryGetValue(tableName, out var existing) ? existing.Clone() : new IptablesTable(tableName);
                    continue;
                }
                if (work is null) return KernelError(n, null);
                if (line == "COMMIT")
                {
                    Commit(work);
                    work = null;
                    continue;
                }
                if (line[0] == ':')
                {
                    var parts = line[1..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length < 2) return KernelError(n, null);
                    var name = parts[0];
                    if (work.Chains.TryGetValue(name, out var c) && c.BuiltIn)
                    {
                        if (parts[1] != "ACCEPT" && parts[1] != "DROP") throw new IptablesException($"Bad built-in chain policy `{parts[1]}'");
                        c.Policy = parts[1];
                        if (counters && parts.Length > 2) ParseCounters(parts[2], c);
                    }
                    else
                    {
                        if (parts[1] != "-") throw new IptablesException("Can't set policy `" + parts[1] + "' on `" + name + "' line " + n + ": Bad built-in chain name");
                        if (name.Length > 28) throw new IptablesException($"Invalid chain name `{name}'");
                        if (c is null) work.Chains[name] = new IptablesChain(name, false, "-");
                        else c.RuleList.Clear();
                    }
                    continue;
                }
                var words = ArgReader.Split(line);
                if (counters && words.Count > 0 && words[0].StartsWith('[') && words[0].EndsWith(']'))
                {
                    var cw = words[0];
                    words.RemoveAt(0);
                    var res = Apply(work, words, true);
                    if (res is { } rr) ParseCounters(cw, rr);
                }
                else Apply(work, words, true);
            }
        }
        catch (IptablesException ex)
        {
            if (ex.Kind == IptablesErrorKind.Kernel) return KernelError(n, ex.Message);
            var blank = ex.Message.StartsWith("Couldn't load", StringComparison.Ordinal) ? "\n" : "";
            var msg = ex.Message.StartsWith("iptables-restore:", StringComparison.Ordinal) ? ex.Message : ex.Message;
            return ToolResult.Fail(2, $"iptables-restore {Version}: {msg}\n{blank}Error occurred at line: {n}\nTry `iptables-restore -h' or 'iptables-restore --help' for more information.\n");
        }
        if (work is not null) return ToolResult.Fail(1, $"iptables-restore: COMMIT expected at line {n}\n");
        return ToolResult.Ok();
    }

    private static ToolResult KernelError(int n, string? msg) =>
        ToolResult.Fail(1, msg is null ? $"iptables-restore: line {n} failed\n" : $"iptables-restore: line {n} failed: {msg}\n");

    private static void ParseCounters(string s, IptablesChain c)
    {
        var (p, b) = ParseCounterPair(s);
        c.Packets = p;
        c.Bytes = b;
    }

    private static void ParseCounters(string s, IptablesRule r)
    {
        var (p, b) = ParseCounterPair(s);
        r.Packets = p;
        r.Bytes = b;
    }

    private static (long, long) ParseCounterPair(string s)
    {
        var inner = s.Trim('[', ']').Split(':');
        if (inner.Length != 2 || !long.TryParse(inner[0], CultureInfo.InvariantCulture, out var p) || !long.TryParse(inner[1], CultureInfo.InvariantCulture, out var b))
            throw new IptablesException("Bad counter " + s);
        return (p, b);
    }

    private void Commit(IptablesTable work)
    {
        foreach (var c in work.Chains.Values)
            foreach (var r in c.RuleList)
                if (r.Target is JumpTarget j && !work.Chains.ContainsKey(j.ChainName))
                    throw new IptablesException($"Chain '{j.ChainName}' does not exist");
        foreach (var c in work.Chains.Values)
            foreach (var r in c.RuleList)
                if (r.Target is JumpTarget j) j.Chain = work.Chains[j.ChainName];
        _tables[work.Name] = work;
        _nf.Invalidate();
    }

    /// <summary>Applies one command line (<c>-A/-I/-D/-R/-N/-X/-F/-P/-Z</c>) to a table; returns the added rule if any.</summary>
    private IptablesRule? Apply(IptablesTable t, List<string> words, bool inRestore)
    {
        if (words.Count == 0) return null;
        var cmd = words[0];
        string? chainName = words.Count > 1 ? words[1] : null;
        IptablesChain Need()
        {
            if (chainName is null || !t.Chains.TryGetValue(chainName, out var c))
                throw new IptablesException("No chain/target/match by that name.", IptablesErrorKind.Kernel);
            return c;
        }
        IptablesRule ParseRule(int from) =>
            IptablesRule.Parse(words.GetRange(from, words.Count - from), name => t.Chains.ContainsKey(name), _nf.Ipsets);
        switch (cmd)
        {
            case "-A" or "--append":
            {
                var c = Need();
                var r = ParseRule(2);
                Resolve(t, r, inRestore);
                c.RuleList.Add(r);
                return r;
            }
            case "-I" or "--insert":
            {
                var c = Need();
                int pos = 1, from = 2;
                if (words.Count > 2 && int.TryParse(words[2], NumberStyles.None, CultureInfo.InvariantCulture, out var p)) { pos = p; from = 3; }
                if (pos < 1 || pos > c.RuleList.Count + 1) throw new IptablesException("Index of insertion too big.", IptablesErrorKind.Kernel);
                var r = ParseRule(from);
                Resolve(t, r, inRestore);
                c.RuleList.Insert(pos - 1, r);
                return r;
            }
            case "-R" or "--replace":
            {
                var c = Need();
                if (words.Count < 3 || !int.TryParse(words[2], NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p < 1 || p > c.RuleList.Count)
                    throw new IptablesException("Index of replacement too big.", IptablesErrorKind.Kernel);
                var r = ParseRule(3);
                Resolve(t, r, inRestore);
                c.RuleList[p - 1] = r;
                return r;
            }
            case "-D" or "--delete":
            {
                var c = Need();
                if (words.Count == 3 && int.TryParse(words[2], NumberStyles.None, CultureInfo.InvariantCulture, out var p))
                {
                    if (p < 1 || p > c.RuleList.Count) throw new IptablesException("Index of deletion too big.", IptablesErrorKind.Kernel);
                    c.RuleList.RemoveAt(p - 1);
                    return null;
                }
                var r = ParseRule(2);
                int idx = c.RuleList.FindIndex(x => x.Text == r.Text);
                if (idx < 0) throw new IptablesException("Bad rule (does a matching rule exist in that chain?).", IptablesErrorKind.Kernel);
                c.RuleList.RemoveAt(idx);
                return null;
            }
            case "-C" or "--check":
            {
                var c = Need();
                var r = ParseRule(2);
                if (!c.RuleList.Any(x => x.Text == r.Text)) throw new IptablesException("Bad rule (does a matching rule exist in that chain?).", IptablesErrorKind.Kernel);
                return null;
            }
            case "-N" or "--new-chain":
                if (chainName is null) throw new IptablesException("option \"-N\" requires an argument");
                if (t.Chains.ContainsKey(chainName)) throw new IptablesException("Chain already exists.", IptablesErrorKind.Kernel);
                if (chainName.Length > 28) throw new IptablesException($"chain name `{chainName}' too long (must be under 29 chars)");
                t.Chains[chainName] = new IptablesChain(chainName, false, "-");
                return null;
            case "-X" or "--delete-chain":
                if (chainName is null)
                {
                    foreach (var k in t.Chains.Values.Where(c => !c.BuiltIn).Select(c => c.Name).ToList())
                    {
                        if (References(t, k) == 0) t.Chains.Remove(k);
                    }
                    return null;
                }
                var del = Need();
                if (del.BuiltIn) throw new IptablesException("Operation not permitted.", IptablesErrorKind.Kernel);
                if (References(t, chainName) > 0) throw new IptablesException("Too many links.", IptablesErrorKind.Kernel);
                if (del.RuleList.Count > 0 && !inRestore) throw new IptablesException("Directory not empty.", IptablesErrorKind.Kernel);
                t.Chains.Remove(chainName);
                return null;
            case "-F" or "--flush":
                if (chainName is null) foreach (var c in t.Chains.Values) c.RuleList.Clear();
                else Need().RuleList.Clear();
                return null;
            case "-Z" or "--zero":
                foreach (var c in chainName is null ? t.Chains.Values.ToList() : [Need()])
                {
                    c.Packets = c.Bytes = 0;
                    foreach (var r in c.RuleList) r.Packets = r.Bytes = 0;
                }
                return null;
            case "-P" or "--policy":
            {
                var c = Need();
                var pol = words.Count > 2 ? words[2] : "";
                if (!c.BuiltIn || (pol != "ACCEPT" && pol != "DROP")) throw new IptablesException("Bad policy name. Run `dmesg' for more information.", IptablesErrorKind.Kernel);
                c.Policy = pol;
                return null;
            }
            default:
                throw new IptablesException($"unknown option \"{cmd}\"");
        }
    }

    private static void Resolve(IptablesTable t, IptablesRule r, bool deferred)
    {
        if (r.Target is JumpTarget j)
        {
            if (t.Chains.TryGetValue(j.ChainName, out var c)) j.Chain = c;
            else if (!deferred) throw new IptablesException("Couldn't load target `" + j.ChainName + "':No such file or directory");
        }
    }

    private static int References(IptablesTable t, string chain) =>
        t.Chains.Values.Sum(c => c.RuleList.Count(r => r.Target is JumpTarget j && j.ChainName == chain));

    // ---- iptables-save -------------------------------------------------------------------------

    /// <summary>
    /// <c>iptables-save [-t table] [-c]</c>. The date in the header and footer comments is the virtual
    /// time counted from the Unix epoch, so output is deterministic.
    /// </summary>
    public string Save(string? table, bool counters)
    {
        var sb = new StringBuilder();
        var date = Date();
        foreach (var name in SaveOrder)
        {
            if (table is not null && table != name) continue;
            if (!_tables.TryGetValue(name, out var t)) continue;
            sb.Append("# Generated by iptables-save ").Append(Version).Append(" on ").Append(date).Append('\n');
            sb.Append('*').Append(name).Append('\n');
            var chains = Ordered(t).ToList();
            foreach (var c in chains)
                sb.Append(':').Append(c.Name).Append(' ').Append(c.BuiltIn ? c.Policy : "-").Append(" [")
                  .Append(c.BuiltIn ? c.Packets : 0).Append(':').Append(c.BuiltIn ? c.Bytes : 0).Append("]\n");
            foreach (var c in chains)
                foreach (var r in c.RuleList)
                {
                    if (counters) sb.Append('[').Append(r.Packets).Append(':').Append(r.Bytes).Append("] ");
                    sb.Append("-A ").Append(c.Name);
                    if (r.Text.Length > 0) sb.Append(' ').Append(r.Text);
                    sb.Append('\n');
                }
            sb.Append("COMMIT\n");
            sb.Append("# Completed on ").Append(date).Append('\n');
        }
        return sb.ToString();
    }

    private string Date()
    {
        var d = DateTime.UnixEpoch + _nf.Host.Now;
        return d.ToString("ddd MMM ", CultureInfo.InvariantCulture) + d.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2)
            + d.ToString(" HH:mm:ss yyyy", CultureInfo.InvariantCulture);
    }

    private static IEnumerable<IptablesChain> Ordered(IptablesTable t)
    {
        foreach (var b in IptablesTable.BuiltinChains(t.Name))
            if (t.Chains.TryGetValue(b, out var c)) yield return c;
        foreach (var c in t.Chains.Values.Where(c => !c.BuiltIn).OrderBy(c => c.Name, StringComparer.Ordinal))
            yield return c;
    }

    // ---- the iptables command -----------------------------------------------------------------

    /// <summary>The <c>iptables</c> command: <c>-t</c>, <c>-A/-I/-D/-R/-C/-N/-X/-F/-P/-Z</c>, <c>-L [-n] [-v] [-x] [--line-numbers]</c>, <c>-S</c>.</summary>
    public ToolResult Command(IReadOnlyList<string> argv)
    {
        var words = new List<string>();
        string table = "filter";
        bool list = false, listRules = false, verbose = false, lineNumbers = false, exact = false;
        string? listChain = null;
        for (int i = 0; i < argv.Count; i++)
        {
            var a = argv[i];
            switch (a)
            {
                case "-t" or "--table":
                    if (i + 1 >= argv.Count) return ToolResult.Fail(2, $"iptables {Version}: option \"-t\" requires an argument\nTry `iptables -h' or 'iptables --help' for more information.\n");
                    table = argv[++i];
                    break;
                case "-w" or "--wait":
                    if (i + 1 < argv.Count && int.TryParse(argv[i + 1], out _)) i++;
                    break;
                case "-W" or "--wait-interval": i++; break;
                case "-n" or "--numeric": break;
                case "-v" or "--verbose": verbose = true; break;
                case "-x" or "--exact": exact = true; break;
                case "--line-numbers": lineNumbers = true; break;
                case "-L" or "--list" or "-S" or "--list-rules":
                    if (a is "-L" or "--list") list = true; else listRules = true;
                    if (i + 1 < argv.Count && !argv[i + 1].StartsWith('-')) listChain = argv[++i];
                    break;
                default: words.Add(a); break;
            }
        }
        if (Array.IndexOf(IptablesTable.TableNames, table) < 0)
            return ToolResult.Fail(3, $"iptables {Version}: can't initialize iptables table `{table}': Table does not exist (do you need to insmod?)\nPerhaps iptables or your kernel needs to be upgraded.\n");
        var t = GetOrCreate(table);
        if (list || listRules)
        {
            if (listChain is not null && !t.Chains.ContainsKey(listChain))
                return ToolResult.Fail(1, $"iptables: No chain/target/match by that name.\n");
            return ToolResult.Ok(listRules ? ListRules(t, listChain) : List(t, listChain, verbose, lineNumbers, exact));
        }
        if (words.Count == 0) return ToolResult.Fail(2, $"iptables {Version}: no command specified\nTry `iptables -h' or 'iptables --help' for more information.\n");
        // work on a copy so that a failing command changes nothing
        var work = t.Clone();
        try
        {
            Apply(work, words, false);
            if (words[0] is "-C" or "--check") return ToolResult.Ok();
            Commit(work);
            return ToolResult.Ok();
        }
        catch (IptablesException ex)
        {
            if (ex.Kind == IptablesErrorKind.Kernel) return ToolResult.Fail(1, $"iptables: {ex.Message}\n");
            var blank = ex.Message.StartsWith("Couldn't load", StringComparison.Ordinal) ? "\n" : "";
            return ToolResult.Fail(2, $"iptables {Version}: {ex.Message}\n{blank}Try `iptables -h' or 'iptables --help' for more information.\n");
        }
    }

    private static string ListRules(IptablesTable t, string? only)
    {
        var sb = new StringBuilder();
        var chains = Ordered(t).Where(c => only is null || c.Name == only).ToList();
        foreach (var c in chains)
            sb.Append(c.BuiltIn ? "-P " + c.Name + " " + c.Policy : "-N " + c.Name).Append('\n');
        foreach (var c in chains)
            foreach (var r in c.RuleList)
                sb.Append("-A ").Append(c.Name).Append(r.Text.Length > 0 ? " " + r.Text : "").Append('\n');
        return sb.ToString();
    }

    private static string Count(long v, bool exact, bool table)
    {
        if (exact) return table ? v.ToString(CultureInfo.InvariantCulture).PadLeft(8) + " " : v.ToString(CultureInfo.InvariantCulture) + " ";
        string s;
        if (v <= 99999) s = v.ToString(CultureInfo.InvariantCulture);
        else
        {
            string[] units = ["K", "M", "G", "T"];
            int u = -1;
            do { v = (v + 500) / 1000; u++; } while (v > 9999 && u < 3);
            s = v.ToString(CultureInfo.InvariantCulture) + units[u];
        }
        return table ? s.PadLeft(5) + " " : s + " ";
    }

    private static string List(IptablesTable t, string? only, bool verbose, bool lineNumbers, bool exact)
    {
        var sb = new StringBuilder();
        bool first = true;
        foreach (var c in Ordered(t))
        {
            if (only is not null && c.Name != only) continue;
            if (!first) sb.Append('\n');
            first = false;
            sb.Append("Chain ").Append(c.Name);
            if (c.BuiltIn)
            {
                sb.Append(" (policy ").Append(c.Policy);
                if (verbose) sb.Append(' ').Append(Count(c.Packets, exact, false)).Append("packets, ").Append(Count(c.Bytes, exact, false)).Append("bytes");
                sb.Append(")\n");
            }
            else sb.Append(" (").Append(References(t, c.Name)).Append(" references)\n");
            if (lineNumbers) sb.Append("num  ");
            if (verbose) sb.Append(exact ? "    pkts      bytes " : " pkts bytes ");
            sb.Append("target     prot opt ");
            if (verbose) sb.Append("in     out     ");
            sb.Append("source               destination         \n");
            int n = 0;
            foreach (var r in c.RuleList)
            {
                n++;
                if (lineNumbers) sb.Append(n.ToString(CultureInfo.InvariantCulture).PadRight(4)).Append(' ');
                if (verbose) sb.Append(Count(r.Packets, exact, true)).Append(Count(r.Bytes, exact, true));
                sb.Append((r.Target?.Name ?? "").PadRight(9)).Append(' ');
                r.ListColumns(sb, verbose);
                sb.Append('\n');
            }
        }
        return sb.ToString();
    }
}

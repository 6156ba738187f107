using System.Globalization;
using System.Text;

namespace Podnet.Kernel.Netfilter.Ipset;

/// <summary>
/// The <c>ipset</c> command (v7.17): create, add, del, test, flush, destroy, swap, rename, list, save,
/// restore. Header fields that depend on kernel memory (<c>initval</c>, <c>Size in memory</c>) are
/// derived deterministically from the set name and element count.
/// </summary>
internal static class IpsetTool
{
    private const string Prefix = "ipset v7.17: ";

    public static ToolResult Run(Netfilter nf, IReadOnlyList<string> args, string? stdin)
    {
        var words = args.ToList();
        bool exist = words.Remove("-exist") | words.Remove("-!");
        bool quiet = words.Remove("-q") | words.Remove("-quiet");
        bool namesOnly = words.Remove("-n") | words.Remove("-name");
        words.Remove("-o");
        words.Remove("plain");
        try
        {
            if (words.Count > 0 && words[0] == "save") return ToolResult.Ok(Save(nf, words.Count > 1 ? words[1] : null));
            if (words.Count == 0) return ToolResult.Fail(1, Prefix + "No command specified: unknown argument -file\n");
            if (words[0] == "restore")
            {
                var lines = (stdin ?? "").Split('\n');
                for (int i = 0; i < lines.Length; i++)
                {
                    var l = lines[i].Trim();
                    if (l.Length == 0 || l.StartsWith('#')) continue;
                    if (l == "COMMIT") continue;
                    try
                    {
                        // A restore line may carry its own -exist / -! (ipset accepts it per command).
                        var lineWords = Split(l);
                        bool lineExist = lineWords.Remove("-exist") | lineWords.Remove("-!");
                        var r = Exec(nf, lineWords, exist || lineExist, namesOnly);
                        if (r.ExitCode != 0) return r;
                    }
                    catch (IpsetException ex)
                    {
                        return ToolResult.Fail(1, Prefix + "Error in line " + (i + 1).ToString(CultureInfo.InvariantCulture) + ": " + ex.Message + "\n");
                    }
                }
                return ToolResult.Ok();
            }
            return Exec(nf, words, exist, namesOnly);
        }
        catch (IpsetException ex)
        {
            return quiet ? ToolResult.Fail(1, "") : ToolResult.Fail(1, Prefix + ex.Message + "\n");
        }
    }

    private static List<string> Split(string line)
    {
        var res = new List<string>();
        var sb = new StringBuilder();
        bool q = false;
        foreach (var c in line)
        {
            if (c == '"') { q = !q; continue; }
            if (c == ' ' && !q) { if (sb.Length > 0) { res.Add(sb.ToString()); sb.Clear(); } continue; }
            sb.Append(c);
        }
        if (sb.Length > 0) res.Add(sb.ToString());
        return res;
    }

    private static IpSet Need(Netfilter nf, List<string> w, int i)
    {
        if (w.Count <= i) throw new IpsetException("Missing mandatory argument: setname");
        return nf.Ipsets.Find(w[i]) ?? throw new IpsetException("The set with the given name does not exist");
    }

    private static ToolResult Exec(Netfilter nf, List<string> w, bool exist, bool namesOnly)
    {
        var reg = nf.Ipsets;
        var now = nf.Host.Now;
        switch (w[0])
        {
            case "create" or "n" or "-N" or "c":
            {
                if (w.Count < 3) throw new IpsetException("Missing mandatory argument: typename");
                var name = w[1];
                var type = w[2];
                if (Array.IndexOf(IpSet.Types, type) < 0) throw new IpsetException($"Syntax error: typename '{type}' is unknown");
                if (name.Length > 31) throw new IpsetException("Syntax error: setname '" + name + "' is longer than 31 characters");
                var set = new IpSet(name, type);
                for (int i = 3; i < w.Count; i++)
                {
                    string Val() => i + 1 < w.Count ? w[++i] : throw new IpsetException($"Syntax error: Missing value for {w[i]}");
                    switch (w[i])
                    {
                        case "family": if (Val() != "inet") throw new IpsetException("Only the inet family is supported"); break;
                        case "hashsize": set.HashSize = int.Parse(Val(), CultureInfo.InvariantCulture); break;
                        case "maxelem": set.MaxElem = int.Parse(Val(), CultureInfo.InvariantCulture); break;
                        case "timeout": set.Timeout = uint.Parse(Val(), CultureInfo.InvariantCulture); break;
                        case "comment": set.Comments = true; break;
                        case "counters" or "skbinfo" or "forceadd": break;
                        case "bucketsize" or "initval" or "netmask" or "probes" or "resize": Val(); break;
                        case "range":
                            var r = Val().Split('-');
                            set.RangeLo = ushort.Parse(r[0], CultureInfo.InvariantCulture);
                            set.RangeHi = ushort.Parse(r.Length > 1 ? r[1] : r[0], CultureInfo.InvariantCulture);
                            break;
                        default: throw new IpsetException($"Syntax error: Unknown argument: '{w[i]}'");
                    }
                }
                if (type == "bitmap:port" && !w.Contains("range")) throw new IpsetException("Syntax error: Missing mandatory argument: range");
                var old = reg.Find(name);
                if (old is not null)
                {
                    if (exist && old.Type == type) return ToolResult.Ok();
                    throw new IpsetException("Set cannot be created: set with the same name already exists");
                }
                reg.Sets.Add(set);
                return ToolResult.Ok();
            }
            case "add" or "a" or "-A" or "del" or "d" or "-D" or "test" or "t" or "-T":
            {
                var set = Need(nf, w, 1);
                if (w.Count < 3) throw new IpsetException("Missing mandatory argument: element");
                var key = set.ParseElement(w[2]);
                TimeSpan? expires = set.Timeout is > 0 ? now + TimeSpan.FromSeconds(set.Timeout.Value) : null;
                string? comment = null;
                for (int i = 3; i < w.Count; i++)
                {
                    if (w[i] == "timeout" && i + 1 < w.Count)
                    {
                        if (set.Timeout is null) throw new IpsetException("Kernel error received: ipset protocol error");
                        var secs = uint.Parse(w[++i], CultureInfo.InvariantCulture);
                        expires = secs == 0 ? null : now + TimeSpan.FromSeconds(secs);
                    }
                    else if (w[i] == "comment" && i + 1 < w.Count)
                    {
                        if (!set.Comments) throw new IpsetException("Kernel error received: ipset protocol error");
                        comment = w[++i];
                    }
                    else throw new IpsetException($"Syntax error: Unknown argument: '{w[i]}'");
                }
                if (w[0] is "test" or "t" or "-T")
                {
                    bool has = set.Contains(key, now);
                    return has ? ToolResult.Ok("", $"Warning: {w[2]} is in set {set.Name}.\n") : ToolResult.Fail(1, $"{w[2]} is NOT in set {set.Name}.\n");
                }
                if (w[0] is "add" or "a" or "-A")
                {
                    if (set.Elements.TryGetValue(key, out var cur) && cur.Expires is { } ex && ex <= now) set.Remove(key);
                    if (!set.Add(key, new IpsetElement(expires, comment), exist))
                        throw new IpsetException("Element cannot be added to the set: it's already added");
                    return ToolResult.Ok();
                }
                if (!set.Remove(key) && !exist) throw new IpsetException("Element cannot be deleted from the set: it's not added");
                return ToolResult.Ok();
            }
            case "flush" or "f" or "-F":
                if (w.Count < 2) foreach (var s in reg.Sets) s.Clear();
                else Need(nf, w, 1).Clear();
                return ToolResult.Ok();
            case "destroy" or "x" or "-X":
                if (w.Count < 2)
                {
                    if (reg.Sets.Any(s => s.References + nf.Iptables.SetReferences(s.Name) > 0)) throw new IpsetException("Set cannot be destroyed: it is in use by a kernel component");
                    reg.Sets.Clear();
                    return ToolResult.Ok();
                }
                var d = Need(nf, w, 1);
                if (d.References + nf.Iptables.SetReferences(d.Name) > 0) throw new IpsetException("Set cannot be destroyed: it is in use by a kernel component");
                reg.Sets.Remove(d);
                return ToolResult.Ok();
            case "swap" or "w" or "-W":
            {
                var a = Need(nf, w, 1);
                var b = Need(nf, w, 2);
                if (a.Type != b.Type) throw new IpsetException("The sets cannot be swapped: their type does not match");
                (a.Name, b.Name) = (b.Name, a.Name);
                int ia = reg.Sets.IndexOf(a), ib = reg.Sets.IndexOf(b);
                (reg.Sets[ia], reg.Sets[ib]) = (reg.Sets[ib], reg.Sets[ia]);
                return ToolResult.Ok();
            }
            case "rename" or "e" or "-E":
            {
                var a = Need(nf, w, 1);
                if (w.Count < 3) throw new IpsetException("Missing mandatory argument: setname");
                if (reg.Find(w[2]) is not null) throw new IpsetException("Set cannot be renamed: a set with the new name already exists");
                a.Name = w[2];
                return ToolResult.Ok();
            }
            case "list" or "l" or "-L":
            {
                var sets = w.Count > 1 ? [Need(nf, w, 1)] : reg.Sets.ToList();
                var sb = new StringBuilder();
                for (int i = 0; i < sets.Count; i++)
                {
                    var s = sets[i];
                    if (namesOnly) { sb.Append(s.Name).Append('\n'); continue; }
                    if (i > 0) sb.Append('\n');
                    var live = s.Order.Where(k => s.Elements[k].Expires is null || s.Elements[k].Expires > now).ToList();
                    sb.Append("Name: ").Append(s.Name).Append('\n');
                    sb.Append("Type: ").Append(s.Type).Append('\n');
                    sb.Append("Revision: ").Append(s.Revision).Append('\n');
                    sb.Append("Header: ").Append(s.Header(InitVal(s.Name))).Append('\n');
                    sb.Append("Size in memory: ").Append(MemorySize(s, live.Count)).Append('\n');
                    sb.Append("References: ").Append(s.References + nf.Iptables.SetReferences(s.Name)).Append('\n');
                    sb.Append("Number of entries: ").Append(live.Count).Append('\n');
                    sb.Append("Members:\n");
                    foreach (var k in live) sb.Append(s.FormatElement(k, s.Elements[k], now)).Append('\n');
                }
                return ToolResult.Ok(sb.ToString());
            }
            default:
                return ToolResult.Fail(2, Prefix + $"No command specified: unknown argument {w[0]}\nTry `ipset help' for more information.\n");
        }
    }

    private static string Save(Netfilter nf, string? only)
    {
        var sb = new StringBuilder();
        var now = nf.Host.Now;
        foreach (var s in nf.Ipsets.Sets)
        {
            if (only is not null && s.Name != only) continue;
            sb.Append("create ").Append(s.Name).Append(' ').Append(s.Type).Append(' ').Append(s.Header(InitVal(s.Name))).Append('\n');
            foreach (var k in s.Order)
            {
                var e = s.Elements[k];
                if (e.Expires is { } x && x <= now) continue;
                sb.Append("add ").Append(s.Name).Append(' ').Append(s.FormatElement(k, e, now)).Append('\n');
            }
        }
        return sb.ToString();
    }

    /// <summary>A stable stand-in for the kernel's random hash seed.</summary>
    internal static uint InitVal(string name)
    {
        uint h = 2166136261;
        foreach (var c in name) h = (h ^ c) * 16777619;
        return h;
    }

    private static int MemorySize(IpSet s, int n) => s.Type == "bitmap:port" ? 8264 : 200 + 16 * n + (s.Comments ? 82 : 0);
}

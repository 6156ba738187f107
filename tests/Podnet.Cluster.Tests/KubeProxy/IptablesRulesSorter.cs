using System.Text;

namespace Podnet.Cluster.Tests.KubeProxy;

/// <summary>
/// Re-implementation of upstream's test normaliser <c>sortIPTablesRules</c> (reference §7.2):
/// tables by name; chains KUBE-NODEPORTS, KUBE-SERVICES, other KUBE-*, then the rest, each
/// alphabetically; rules grouped per chain in generation order, except KUBE-NODEPORTS and
/// KUBE-SERVICES whose rules are stable-sorted by the service name in their comment (the nat
/// "must be the last rule" rule stays last); <c>-X</c> lines after the rules.
/// </summary>
internal static class IptablesRulesSorter
{
    private sealed class Chain(string name)
    {
        public string Name { get; } = name;
        public List<string> Rules { get; } = [];
        public bool Deleted { get; set; }
    }

    private sealed class Table(string name)
    {
        public string Name { get; } = name;
        public List<Chain> Chains { get; } = [];
        public Chain Get(string name)
        {
            var c = Chains.Find(x => x.Name == name);
            if (c is null)
            {
                c = new Chain(name);
                Chains.Add(c);
            }
            return c;
        }
    }

    public static string Sort(string restoreText)
    {
        var tables = new List<Table>();
        Table? current = null;
        foreach (var raw in restoreText.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith('*')) { current = new Table(line[1..]); tables.Add(current); continue; }
            if (line == "COMMIT") { current = null; continue; }
            if (current is null) throw new FormatException("line outside a table: " + line);
            if (line.StartsWith(':')) { current.Get(line[1..line.IndexOf(' ')]); continue; }
            if (line.StartsWith("-A ", StringComparison.Ordinal))
            {
                var name = line[3..].Split(' ')[0];
                current.Get(name).Rules.Add(line);
                continue;
            }
            if (line.StartsWith("-X ", StringComparison.Ordinal)) { current.Get(line[3..].Trim()).Deleted = true; continue; }
            throw new FormatException("unexpected line: " + line);
        }
        tables.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var sb = new StringBuilder();
        foreach (var t in tables)
        {
            t.Chains.Sort(CompareChains);
            foreach (var c in t.Chains)
            {
                if (c.Name == "KUBE-NODEPORTS") StableSort(c.Rules, OrderByCommentServiceName);
                if (c.Name == "KUBE-SERVICES")
                {
                    if (t.Name == "nat")
                        StableSort(c.Rules, (a, b) =>
                            (Comment(a) ?? "").Contains("must be the last rule", StringComparison.Ordinal) ? false
                            : (Comment(b) ?? "").Contains("must be the last rule", StringComparison.Ordinal) || OrderByCommentServiceName(a, b));
                    else StableSort(c.Rules, OrderByCommentServiceName);
                }
            }
            sb.Append('*').Append(t.Name).Append('\n');
            foreach (var c in t.Chains) sb.Append(':').Append(c.Name).Append(" - [0:0]\n");
            foreach (var c in t.Chains) foreach (var r in c.Rules) sb.Append(r).Append('\n');
            foreach (var c in t.Chains) if (c.Deleted) sb.Append("-X ").Append(c.Name).Append('\n');
            sb.Append("COMMIT\n");
        }
        return sb.ToString();
    }

    private static int CompareChains(Chain a, Chain b)
    {
        static int Rank(string n) => n == "KUBE-NODEPORTS" ? 0 : n == "KUBE-SERVICES" ? 1 : n.StartsWith("KUBE-", StringComparison.Ordinal) ? 2 : 3;
        int c = Rank(a.Name).CompareTo(Rank(b.Name));
        return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
    }

    /// <summary>The value of <c>--comment</c> (quotes removed), or null.</summary>
    public static string? Comment(string rule)
    {
        int i = rule.IndexOf("--comment ", StringComparison.Ordinal);
        if (i < 0) return null;
        i += "--comment ".Length;
        if (rule[i] == '"')
        {
            int end = rule.IndexOf('"', i + 1);
            return rule[(i + 1)..end];
        }
        int sp = rule.IndexOf(' ', i);
        return sp < 0 ? rule[i..] : rule[i..sp];
    }

    private static bool OrderByCommentServiceName(string r1, string r2)
    {
        var n1 = Comment(r1);
        var n2 = Comment(r2);
        if (n1 is null || n2 is null) return false;
        int i = n1.IndexOfAny([' ', ':']);
        if (i >= 0) n1 = n1[..i];
        i = n2.IndexOfAny([' ', ':']);
        if (i >= 0) n2 = n2[..i];
        return string.CompareOrdinal(n1, n2) < 0;
    }

    private static void StableSort(List<string> items, Func<string, string, bool> less)
    {
        for (int i = 1; i < items.Count; i++)
        {
            var x = items[i];
            int j = i;
            while (j > 0 && less(x, items[j - 1])) { items[j] = items[j - 1]; j--; }
            items[j] = x;
        }
    }
}

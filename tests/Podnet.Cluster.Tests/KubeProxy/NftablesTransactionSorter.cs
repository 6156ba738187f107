namespace Podnet.Cluster.Tests.KubeProxy;

/// <summary>
/// Re-implementation of upstream's <c>sortNFTablesTransaction</c> (reference §7.2): blank and
/// <c>#</c> lines dropped; stable sort by object type (table, chain, rule, set, map, element,
/// other), then by object name, rules of one chain keeping their order, others by the whole line.
/// </summary>
internal static class NftablesTransactionSorter
{
    private static int Priority(string type) => type switch
    {
        "table" => 10,
        "chain" => 9,
        "rule" => 8,
        "set" => 7,
        "map" => 6,
        "element" => 5,
        _ => 0,
    };

    public static string Sort(string text)
    {
        var lines = text.Split('\n').Where(l => l.Trim().Length > 0 && !l.StartsWith('#')).ToList();
        var indexed = lines.Select((l, i) => (Line: l, Index: i, Words: l.Split(' '))).ToList();
        indexed.Sort((a, b) =>
        {
            string ta = a.Words.Length > 1 ? a.Words[1] : "", tb = b.Words.Length > 1 ? b.Words[1] : "";
            int c = Priority(tb).CompareTo(Priority(ta));
            if (c != 0) return c;
            string na = a.Words.Length > 4 ? a.Words[4] : "", nb = b.Words.Length > 4 ? b.Words[4] : "";
            c = string.CompareOrdinal(na, nb);
            if (c != 0) return c;
            if (ta == "rule") return a.Index.CompareTo(b.Index);
            c = string.CompareOrdinal(a.Line, b.Line);
            return c != 0 ? c : a.Index.CompareTo(b.Index);
        });
        return string.Join("\n", indexed.Select(x => x.Line));
    }
}

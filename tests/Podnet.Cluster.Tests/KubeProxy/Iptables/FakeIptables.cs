using System.Text;

namespace Podnet.Cluster.Tests.KubeProxy.Iptables;

/// <summary>
/// A test stand-in for the kernel's iptables tables: applies <c>iptables-restore --noflush</c>
/// text (chain lines create or flush, <c>-A</c> appends, <c>-X</c> deletes and must not leave a
/// dangling jump) and dumps every table's chains and rules in a canonical order.
/// </summary>
internal sealed class FakeIptables
{
    private readonly SortedDictionary<string, SortedDictionary<string, List<string>>> _tables = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Chains(string table) =>
        _tables.TryGetValue(table, out var t) ? t.Keys : [];

    public void Restore(string text)
    {
        SortedDictionary<string, List<string>>? t = null;
        var deletes = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0) continue;
            if (line[0] == '*')
            {
                var name = line[1..];
                if (!_tables.TryGetValue(name, out t)) _tables[name] = t = new(StringComparer.Ordinal);
                deletes.Clear();
            }
            else if (line == "COMMIT")
            {
                foreach (var chain in deletes)
                {
                    if (t![chain].Count != 0) throw new InvalidOperationException("-X of non-empty chain " + chain);
                    foreach (var (other, rules) in t)
                        if (rules.Any(r => r.EndsWith(" -j " + chain, StringComparison.Ordinal) || r.Contains(" -j " + chain + " ", StringComparison.Ordinal)))
                            throw new InvalidOperationException($"-X {chain} still referenced from {other}");
                    t.Remove(chain);
                }
                t = null;
            }
            else if (line[0] == ':') t![line[1..line.IndexOf(' ')]] = [];
            else if (line.StartsWith("-A ", StringComparison.Ordinal))
            {
                var chain = line[3..line.IndexOf(' ', 3)];
                if (!t!.TryGetValue(chain, out var rules)) throw new InvalidOperationException("no chain " + chain);
                rules.Add(line);
            }
            else if (line.StartsWith("-X ", StringComparison.Ordinal)) deletes.Add(line[3..]);
            else throw new InvalidOperationException("unexpected " + line);
        }
    }

    public string Dump()
    {
        var sb = new StringBuilder();
        foreach (var (name, chains) in _tables)
        {
            sb.Append('*').Append(name).Append('\n');
            foreach (var c in chains.Keys) sb.Append(':').Append(c).Append('\n');
            foreach (var rules in chains.Values) foreach (var r in rules) sb.Append(r).Append('\n');
        }
        return sb.ToString();
    }
}

using System.Text;

namespace Podnet.Cluster.Tests.KubeProxy.Nftables;

/// <summary>
/// A test stand-in for one nftables table, like upstream's knftables.Fake: applies knftables
/// transaction lines (add/flush/delete of table, chain, rule, set, map, element) and dumps the
/// resulting state in <c>add</c> syntax, for comparison with upstream's expected dumps.
/// </summary>
internal sealed class FakeNftTable
{
    private string? _tableLine;
    private readonly Dictionary<string, (string Line, List<string> Rules)> _chains = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Line, Dictionary<string, string> Elements)> _sets = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> ChainNames => _chains.Keys;

    public IReadOnlyCollection<string> SetNames => _sets.Keys;

    public bool ChainIsEmpty(string name) => _chains.TryGetValue(name, out var c) && c.Rules.Count == 0;

    public void Apply(string? transaction)
    {
        if (transaction is null) return;
        foreach (var line in transaction.Split('\n'))
        {
            if (line.Length == 0) continue;
            var w = line.Split(' ', 6);
            string verb = w[0], type = w[1];
            string name = w.Length > 4 ? w[4] : "";
            string rest = w.Length > 5 ? w[5] : "";
            switch (verb, type)
            {
                case ("add", "table"): _tableLine = line; break;
                case ("add", "chain"):
                    if (!_chains.TryGetValue(name, out var ch)) _chains[name] = (line, []);
                    else if (rest.Length > 0) _chains[name] = (line, ch.Rules);
                    break;
                case ("flush", "chain"): Chain(name).Rules.Clear(); break;
                case ("delete", "chain"):
                    if (!_chains.Remove(name)) throw new InvalidOperationException("no such chain " + name);
                    break;
                case ("add", "rule"): Chain(name).Rules.Add(line); break;
                case ("add", "set"):
                case ("add", "map"):
                    if (!_sets.ContainsKey(name)) _sets[name] = (line, new(StringComparer.Ordinal));
                    break;
                case ("flush", "set"):
                case ("flush", "map"): Set(name).Elements.Clear(); break;
                case ("delete", "set"):
                case ("delete", "map"):
                    if (!_sets.Remove(name)) throw new InvalidOperationException("no such set " + name);
                    break;
                case ("add", "element"):
                    Set(name).Elements[ElementKey(rest)] = line;
                    break;
                case ("delete", "element"):
                    if (!Set(name).Elements.Remove(ElementKey(rest))) throw new InvalidOperationException("no such element " + line);
                    break;
                default: throw new InvalidOperationException("unsupported: " + line);
            }
        }
    }

    private (string Line, List<string> Rules) Chain(string name) =>
        _chains.TryGetValue(name, out var c) ? c : throw new InvalidOperationException("no such chain " + name);

    private (string Line, Dictionary<string, string> Elements) Set(string name) =>
        _sets.TryGetValue(name, out var s) ? s : throw new InvalidOperationException("no such set/map " + name);

    /// <summary>The rules of a chain, as written after <c>add rule FAMILY TABLE CHAIN</c>; null when the chain does not exist.</summary>
    public IReadOnlyList<string>? RulesOf(string chain)
    {
        if (!_chains.TryGetValue(chain, out var c)) return null;
        return c.Rules.Select(r => r.Split(' ', 6)[5]).ToList();
    }

    /// <summary>The elements of a set or map: key parts and the verdict (null for sets).</summary>
    public IEnumerable<(string[] Key, string? Value)> ElementsOf(string set)
    {
        if (!_sets.TryGetValue(set, out var s)) yield break;
        foreach (var line in s.Elements.Values)
        {
            var body = line.Split(' ', 6)[5][2..^2];
            string? value = null;
            int v = body.IndexOf(" : ", StringComparison.Ordinal);
            if (v >= 0) { value = body[(v + 3)..]; body = body[..v]; }
            int c = body.IndexOf(" comment \"", StringComparison.Ordinal);
            if (c >= 0) body = body[..c];
            yield return (body.Split(" . "), value);
        }
    }

    private static string ElementKey(string rest)
    {
        // rest = "{ KEY [comment "C"] [: VALUE] }"
        var body = rest[2..^2];
        int c = body.IndexOf(" comment \"", StringComparison.Ordinal);
        if (c >= 0) return body[..c];
        int v = body.IndexOf(" : ", StringComparison.Ordinal);
        return v >= 0 ? body[..v] : body;
    }

    /// <summary>The state as <c>add</c> commands, omitting the given (stale, empty) chains.</summary>
    public string Dump(ISet<string>? omitChains = null)
    {
        var sb = new StringBuilder();
        if (_tableLine is not null) sb.Append(_tableLine).Append('\n');
        foreach (var (name, c) in _chains)
        {
            if (omitChains?.Contains(name) == true) continue;
            sb.Append(c.Line).Append('\n');
            foreach (var r in c.Rules) sb.Append(r).Append('\n');
        }
        foreach (var (_, s) in _sets)
        {
            sb.Append(s.Line).Append('\n');
            foreach (var e in s.Elements.Values) sb.Append(e).Append('\n');
        }
        return sb.ToString();
    }
}

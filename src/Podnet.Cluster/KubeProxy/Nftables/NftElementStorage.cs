using System.Text;

namespace Podnet.Cluster.KubeProxy.Nftables;

/// <summary>
/// Upstream <c>nftElementStorage</c>: the elements kube-proxy believes a set or map holds, so a
/// partial sync adds only missing elements, replaces changed ones (delete + add) and deletes
/// leftovers. Elements are reference-counted by the service ports that need them, so a partial
/// sync touches only the elements of the Services that changed.
/// </summary>
internal sealed class NftElementStorage(string containerType, string containerName)
{
    private readonly Dictionary<string, Entry> _elements = new(StringComparer.Ordinal);

    private sealed class Entry(string value)
    {
        public string Value { get; set; } = value;
        public int Owners { get; set; } = 1;
    }

    public string ContainerName => containerName;

    /// <summary>Flushes the container (full sync).</summary>
    public void Reset(NftTransaction tx)
    {
        _elements.Clear();
        tx.Line("flush", containerType, containerName);
    }

    /// <summary>A service port now needs this element: add it, or replace its verdict (delete + add) if it changed.</summary>
    public void Acquire(NftTransaction tx, string key, string? comment, string? value)
    {
        string stored = value ?? "";
        if (_elements.TryGetValue(key, out var existing))
        {
            existing.Owners++;
            if (existing.Value != stored)
            {
                tx.DeleteElement(containerName, key);
                tx.AddElement(containerName, key, comment, value);
                existing.Value = stored;
            }
        }
        else
        {
            tx.AddElement(containerName, key, comment, value);
            _elements[key] = new Entry(stored);
        }
    }

    /// <summary>A service port no longer needs this element: delete it when nothing else does (upstream's leftover cleanup).</summary>
    public void Release(NftTransaction tx, string key)
    {
        if (!_elements.TryGetValue(key, out var existing)) return;
        if (--existing.Owners > 0) return;
        tx.DeleteElement(containerName, key);
        _elements.Remove(key);
    }

    /// <summary>Forgets everything (after a failed transaction).</summary>
    public void Clear() => _elements.Clear();
}

/// <summary>A knftables transaction being written: one operation per line, for one table.</summary>
internal sealed class NftTransaction(string family, string table)
{
    private readonly StringBuilder _sb = new(1 << 16);
    private readonly string _prefixTail = " " + family + " " + table + " ";

    public int Operations { get; private set; }

    public int Length => _sb.Length;

    public void Reset()
    {
        _sb.Clear();
        Operations = 0;
    }

    /// <summary>Writes <c>VERB OBJECT FAMILY TABLE</c> + rest.</summary>
    public void Line(string verb, string objectType, string rest)
    {
        Operations++;
        _sb.Append(verb).Append(' ').Append(objectType).Append(_prefixTail).Append(rest).Append('\n');
    }

    public StringBuilder BeginRule(string chain)
    {
        Operations++;
        return _sb.Append("add rule").Append(_prefixTail).Append(chain).Append(' ');
    }

    public void Rule(string chain, string rule, string? comment = null)
    {
        var b = BeginRule(chain).Append(rule);
        if (comment is not null) b.Append(" comment \"").Append(comment).Append('"');
        b.Append('\n');
    }

    public void AddChain(string chain) => Line("add", "chain", chain);

    public void FlushChain(string chain) => Line("flush", "chain", chain);

    public void DeleteChain(string chain) => Line("delete", "chain", chain);

    public void AddElement(string container, string key, string? comment, string? value)
    {
        Operations++;
        _sb.Append("add element").Append(_prefixTail).Append(container).Append(" { ").Append(key);
        if (comment is not null) _sb.Append(" comment \"").Append(comment).Append('"');
        if (value is not null) _sb.Append(" : ").Append(value);
        _sb.Append(" }\n");
    }

    public void DeleteElement(string container, string key)
    {
        Operations++;
        _sb.Append("delete element").Append(_prefixTail).Append(container).Append(" { ").Append(key).Append(" }\n");
    }

    public void Raw(string line)
    {
        Operations++;
        _sb.Append(line).Append('\n');
    }

    public override string ToString() => _sb.ToString();
}

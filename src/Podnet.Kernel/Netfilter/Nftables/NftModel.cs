using System.Globalization;
using System.Text;

namespace Podnet.Kernel.Netfilter.Nftables;

/// <summary>An nftables table (<c>table ip NAME</c>): chains and sets.</summary>
public sealed class NftTable
{
    internal NftTable(string family, string name)
    {
        Family = family;
        Name = name;
    }

    /// <summary>ip or inet (ip6 tables are kept but never see a packet: the emulated stack is IPv4).</summary>
    public string Family { get; }
    public string Name { get; }
    public string? Comment { get; internal set; }
    internal List<NftChain> Chains { get; } = new();
    internal List<NftSet> Sets { get; } = new();
    private readonly Dictionary<string, NftChain> _chainIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NftSet> _setIndex = new(StringComparer.Ordinal);
    internal long NextHandle = 1;

    public NftChain? Chain(string name) => _chainIndex.GetValueOrDefault(name);
    public NftSet? Set(string name) => _setIndex.GetValueOrDefault(name);

    internal void AddChain(NftChain c)
    {
        Chains.Add(c);
        _chainIndex[c.Name] = c;
    }

    internal void RemoveChain(NftChain c)
    {
        Chains.Remove(c);
        _chainIndex.Remove(c.Name);
    }

    internal void AddSet(NftSet s)
    {
        Sets.Add(s);
        _setIndex[s.Name] = s;
    }

    internal void RemoveSet(NftSet s)
    {
        Sets.Remove(s);
        _setIndex.Remove(s.Name);
    }
    public IReadOnlyList<NftChain> AllChains => Chains;
    public IReadOnlyList<NftSet> AllSets => Sets;

    internal NftTable Clone()
    {
        var t = new NftTable(Family, Name) { Comment = Comment, NextHandle = NextHandle };
        foreach (var c in Chains) t.AddChain(c.Clone());
        foreach (var s in Sets) t.AddSet(s.Clone());
        return t;
    }
}

/// <summary>An nftables chain; a base chain has a type, hook, priority and policy.</summary>
public sealed class NftChain
{
    internal NftChain(string name) => Name = name;

    public string Name { get; }
    public bool IsBase => Hook is not null;
    /// <summary>filter, nat or route.</summary>
    public string? Type { get; internal set; }
    public NetfilterHook? Hook { get; internal set; }
    public int Priority { get; internal set; }
    public bool PolicyDrop { get; internal set; }
    public string? Comment { get; internal set; }
    internal List<NftRule> Rules { get; } = new();
    public IReadOnlyList<NftRule> AllRules => Rules;
    internal long Handle;

    internal NftChain Clone()
    {
        var c = new NftChain(Name) { Type = Type, Hook = Hook, Priority = Priority, PolicyDrop = PolicyDrop, Comment = Comment, Handle = Handle };
        c.Rules.AddRange(Rules);
        return c;
    }
}

/// <summary>A rule: its expressions in order, an optional comment, a handle.</summary>
public sealed class NftRule
{
    internal NftRule(NftExpr[] exprs, string? comment, long handle)
    {
        Exprs = exprs;
        Comment = comment;
        Handle = handle;
    }

    internal NftExpr[] Exprs { get; }
    public string? Comment { get; }

    private static bool IsImpliedProtocol(NftExpr a, NftExpr b)
    {
        if (a is not NftMatch { Single: true, Negate: false, Selector.HasMask: false } m || m.Selector.Fields.Length != 1) return false;
        if (m.Selector.Fields[0] is not (NftField.IpProtocol or NftField.L4proto) || m.Lo != m.Hi) return false;
        if (b is not NftMatch n || n.Selector.Fields.Length == 0) return false;
        var f = n.Selector.Fields[0];
        return (m.Lo == 6 && f is NftField.TcpSport or NftField.TcpDport) || (m.Lo == 17 && f is NftField.UdpSport or NftField.UdpDport);
    }
    public long Handle { get; }

    /// <summary>The rule as <c>nft list</c> prints it.</summary>
    public string Text
    {
        get
        {
            var sb = new StringBuilder();
            for (int i = 0; i < Exprs.Length; i++)
            {
                // nft drops a protocol match that the next transport-header match implies ("ip protocol tcp tcp dport 80")
                if (i + 1 < Exprs.Length && IsImpliedProtocol(Exprs[i], Exprs[i + 1])) continue;
                if (sb.Length > 0) sb.Append(' ');
                Exprs[i].Print(sb);
            }
            if (Comment is not null) sb.Append(sb.Length > 0 ? " " : "").Append("comment \"").Append(Comment).Append('"');
            return sb.ToString();
        }
    }
}

/// <summary>A verdict: accept, drop, continue, return, jump CHAIN, goto CHAIN.</summary>
internal sealed class NftVerdict
{
    public NftVerdict(string kind, string? chain = null)
    {
        Kind = kind;
        ChainName = chain;
    }

    public string Kind { get; }
    public string? ChainName { get; }
    public NftChain? Chain;

    public override string ToString() => ChainName is null ? Kind : Kind + " " + ChainName;
}

/// <summary>A set or map key: up to four 32-bit components of a concatenation.</summary>
internal readonly record struct NftKey(ulong A, ulong B)
{
    public static NftKey Of(ReadOnlySpan<uint> parts)
    {
        ulong a = parts.Length > 0 ? parts[0] : 0;
        if (parts.Length > 1) a |= (ulong)parts[1] << 32;
        ulong b = parts.Length > 2 ? parts[2] : 0;
        if (parts.Length > 3) b |= (ulong)parts[3] << 32;
        return new NftKey(a, b);
    }
}

/// <summary>A set or map element.</summary>
internal sealed class NftSetElement
{
    public uint[] Lo = [];
    public uint[] Hi = [];
    public string?[] Text = [];
    public bool IsRange;
    public NftVerdict? Verdict;
    public uint Data;
    public string? Comment;
    public TimeSpan? Expires;
    public TimeSpan? Timeout;
}

/// <summary>A named (or anonymous) nftables set or map, with hashed exact keys and a list of ranges.</summary>
public sealed class NftSet
{
    internal NftSet(string name) => Name = name;

    public string Name { get; }
    internal NftType[] KeyTypes = [];
    internal NftField[]? TypeOf;
    /// <summary>For maps: the data type (verdict for verdict maps).</summary>
    internal NftType? DataType;
    public bool IsMap => DataType is not null;
    public bool Interval { get; internal set; }
    public bool Dynamic { get; internal set; }
    public bool HasTimeoutFlag { get; internal set; }
    public bool Constant { get; internal set; }
    public TimeSpan? Timeout { get; internal set; }
    public string? Comment { get; internal set; }
    public int Size { get; internal set; }
    internal long Handle;

    internal Dictionary<NftKey, NftSetElement> Exact = new();
    internal List<NftSetElement> Ranges = new();
    internal List<NftSetElement> Order = new();

    public int Count => Order.Count;

    internal NftSet Clone()
    {
        var s = (NftSet)MemberwiseClone();
        s.Exact = new Dictionary<NftKey, NftSetElement>(Exact);
        s.Ranges = new List<NftSetElement>(Ranges);
        s.Order = new List<NftSetElement>(Order);
        return s;
    }

    internal static NftKey KeyOf(NftSetElement e) => NftKey.Of(e.Lo);

    internal void Add(NftSetElement e, bool replace)
    {
        if (e.IsRange)
        {
            Ranges.Add(e);
            Order.Add(e);
            return;
        }
        var k = KeyOf(e);
        if (Exact.TryGetValue(k, out var old))
        {
            if (!replace) return;
            Order.Remove(old);
        }
        Exact[k] = e;
        Order.Add(e);
    }

    internal bool Remove(NftSetElement e)
    {
        if (e.IsRange)
        {
            int i = Ranges.FindIndex(r => r.Lo.AsSpan().SequenceEqual(e.Lo) && r.Hi.AsSpan().SequenceEqual(e.Hi));
            if (i < 0) return false;
            Order.Remove(Ranges[i]);
            Ranges.RemoveAt(i);
            return true;
        }
        var k = KeyOf(e);
        if (!Exact.Remove(k, out var old)) return false;
        Order.Remove(old);
        return true;
    }

    internal void Clear()
    {
        Exact.Clear();
        Ranges.Clear();
        Order.Clear();
    }

    /// <summary>Looks a key up: exact hash first, then ranges; expired elements do not match.</summary>
    internal NftSetElement? Lookup(ReadOnlySpan<uint> key, TimeSpan now)
    {
        if (Exact.Count > 0 && Exact.TryGetValue(NftKey.Of(key), out var e))
        {
            if (e.Expires is null || e.Expires > now) return e;
        }
        var ranges = Ranges;
        for (int i = 0; i < ranges.Count; i++)
        {
            var r = ranges[i];
            bool ok = true;
            for (int j = 0; j < key.Length && ok; j++) ok = key[j] >= r.Lo[j] && key[j] <= r.Hi[j];
            if (ok && (r.Expires is null || r.Expires > now)) return r;
        }
        return null;
    }

    internal string KeyText(NftSetElement e)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < KeyTypes.Length && i < e.Lo.Length; i++)
        {
            if (i > 0) sb.Append(" . ");
            sb.Append(NftValues.Format(KeyTypes[i], e.Lo[i], e.Hi[i], e.Text[i]));
        }
        return sb.ToString();
    }

    internal string ElementText(NftSetElement e, TimeSpan now, bool withExtras)
    {
        var sb = new StringBuilder(KeyText(e));
        if (withExtras)
        {
            if (e.Timeout is { } to && to != Timeout) sb.Append(" timeout ").Append(NftRuleset.Duration(to));
            if (e.Expires is { } ex && (Dynamic || HasTimeoutFlag)) sb.Append(" expires ").Append(NftRuleset.Duration(ex - now, true));
            if (e.Comment is not null) sb.Append(" comment \"").Append(e.Comment).Append('"');
        }
        if (IsMap)
        {
            sb.Append(" : ");
            if (e.Verdict is not null) sb.Append(e.Verdict);
            else sb.Append(NftValues.Format(DataType!.Value, e.Data, e.Data, null));
        }
        return sb.ToString();
    }

    internal string TypeText()
    {
        var sb = new StringBuilder(string.Join(" . ", KeyTypes.Select(NftValues.TypeName)));
        if (DataType is { } d) sb.Append(" : ").Append(NftValues.TypeName(d));
        return sb.ToString();
    }

    internal static string Num(long v) => v.ToString(CultureInfo.InvariantCulture);
}

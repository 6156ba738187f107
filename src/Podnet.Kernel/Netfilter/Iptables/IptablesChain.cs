namespace Podnet.Kernel.Netfilter.Iptables;

/// <summary>An iptables chain: built-in (with a policy and policy counters) or user-defined.</summary>
public sealed class IptablesChain
{
    internal IptablesChain(string name, bool builtin, string policy = "ACCEPT")
    {
        Name = name;
        BuiltIn = builtin;
        Policy = policy;
    }

    public string Name { get; }
    public bool BuiltIn { get; }
    /// <summary>ACCEPT or DROP for built-in chains; "-" for user chains.</summary>
    public string Policy { get; internal set; }
    public long Packets { get; internal set; }
    public long Bytes { get; internal set; }
    internal List<IptablesRule> RuleList { get; } = new();
    public IReadOnlyList<IptablesRule> Rules => RuleList;
}

/// <summary>An iptables table (raw, mangle, nat, filter) and its chains.</summary>
public sealed class IptablesTable
{
    internal IptablesTable(string name)
    {
        Name = name;
        foreach (var c in BuiltinChains(name)) Chains[c] = new IptablesChain(c, true);
    }

    public string Name { get; }
    internal Dictionary<string, IptablesChain> Chains { get; } = new(StringComparer.Ordinal);

    public IptablesChain? Chain(string name) => Chains.GetValueOrDefault(name);

    internal static readonly string[] TableNames = ["raw", "mangle", "nat", "filter"];

    internal static string[] BuiltinChains(string table) => table switch
    {
        "raw" => ["PREROUTING", "OUTPUT"],
        "mangle" => ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
        "nat" => ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
        _ => ["INPUT", "FORWARD", "OUTPUT"],
    };

    internal static int Priority(string table, NetfilterHook hook) => table switch
    {
        "raw" => -300,
        "mangle" => -150,
        "nat" => hook is NetfilterHook.Prerouting or NetfilterHook.Output ? -100 : 100,
        _ => 0,
    };

    internal IptablesTable Clone()
    {
        var t = new IptablesTable(Name);
        t.Chains.Clear();
        foreach (var (k, c) in Chains)
        {
            var n = new IptablesChain(c.Name, c.BuiltIn, c.Policy) { Packets = c.Packets, Bytes = c.Bytes };
            n.RuleList.AddRange(c.RuleList);
            t.Chains[k] = n;
        }
        return t;
    }
}

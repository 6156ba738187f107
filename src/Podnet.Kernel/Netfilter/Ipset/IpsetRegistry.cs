namespace Podnet.Kernel.Netfilter.Ipset;

/// <summary>The sets of one namespace (ip_set's per-netns list), by name.</summary>
public sealed class IpsetRegistry
{
    internal readonly List<IpSet> Sets = new();

    public IpSet? Find(string name)
    {
        foreach (var s in Sets)
            if (s.Name == name) return s;
        return null;
    }

    public IReadOnlyList<IpSet> All => Sets;
}

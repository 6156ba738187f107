using Podnet.Cluster.NetworkPolicies;

namespace Podnet.Analysis.NetworkPolicies;

/// <summary>
/// The partition of the IPv4 space into disjoint contiguous ranges ("atoms") such that every given
/// ipBlock (cidr minus except, canonical) is a union of atoms: cut at every range edge of every block.
/// netpol-analyzer prints external peers this way; the analyzer uses atoms as classes of external IPs.
/// </summary>
public sealed class IpAtoms
{
    private readonly uint[] starts;

    private IpAtoms(uint[] starts)
    {
        this.starts = starts;
        var list = new Ipv4Range[starts.Length];
        for (var i = 0; i < starts.Length; i++)
        {
            var end = i + 1 < starts.Length ? starts[i + 1] - 1 : uint.MaxValue;
            list[i] = new Ipv4Range(starts[i], end);
        }

        Atoms = list;
    }

    /// <summary>The atoms in address order (covering 0.0.0.0-255.255.255.255).</summary>
    public IReadOnlyList<Ipv4Range> Atoms { get; }

    /// <summary>Builds the partition of the given blocks (no blocks: one atom, the whole space).</summary>
    public static IpAtoms Partition(IEnumerable<Ipv4RangeSet> blocks)
    {
        var cuts = new SortedSet<uint> { 0 };
        foreach (var b in blocks)
        {
            foreach (var r in b.Ranges)
            {
                cuts.Add(r.Start);
                if (r.End != uint.MaxValue)
                {
                    cuts.Add(r.End + 1);
                }
            }
        }

        return new IpAtoms(cuts.ToArray());
    }

    /// <summary>The index of the atom holding <paramref name="address"/>.</summary>
    public int IndexOf(uint address)
    {
        var i = Array.BinarySearch(starts, address);
        return i >= 0 ? i : ~i - 1;
    }
}

namespace Podnet.Cluster.NetworkPolicies;

/// <summary>
/// A canonical set of IPv4 addresses as disjoint, merged, ascending ranges: an ipBlock's
/// <c>cidr</c> minus its <c>except</c> list, or a union of them. Immutable.
/// </summary>
public sealed class Ipv4RangeSet
{
    private readonly Ipv4Range[] ranges;

    private Ipv4RangeSet(Ipv4Range[] ranges) => this.ranges = ranges;

    /// <summary>The empty set.</summary>
    public static Ipv4RangeSet Empty { get; } = new([]);

    /// <summary>The canonical ranges.</summary>
    public IReadOnlyList<Ipv4Range> Ranges => ranges;

    /// <summary>True when empty.</summary>
    public bool IsEmpty => ranges.Length == 0;

    /// <summary>A set of one range.</summary>
    public static Ipv4RangeSet Of(Ipv4Range r) => new([r]);

    /// <summary>Builds from any ranges (overlaps merged).</summary>
    public static Ipv4RangeSet FromRanges(IEnumerable<Ipv4Range> items)
    {
        var list = items.OrderBy(r => r.Start).ToList();
        var res = new List<Ipv4Range>();
        foreach (var r in list)
        {
            if (res.Count > 0 && (ulong)r.Start <= (ulong)res[^1].End + 1)
            {
                var last = res[^1];
                res[^1] = new Ipv4Range(last.Start, Math.Max(last.End, r.End));
            }
            else
            {
                res.Add(r);
            }
        }

        return new Ipv4RangeSet(res.ToArray());
    }

    /// <summary>
    /// An ipBlock: <paramref name="cidr"/> minus every <paramref name="except"/>. Returns null (with a
    /// message) when a CIDR is not IPv4 or is malformed.
    /// </summary>
    public static Ipv4RangeSet? FromIpBlock(string cidr, IEnumerable<string> except, out string? error)
    {
        error = null;
        if (!Ipv4Range.TryParseCidr(cidr, out var main))
        {
            error = $"invalid or non-IPv4 CIDR \"{cidr}\"";
            return null;
        }

        var set = Of(main);
        foreach (var e in except)
        {
            if (!Ipv4Range.TryParseCidr(e, out var ex))
            {
                error = $"invalid or non-IPv4 except CIDR \"{e}\"";
                return null;
            }

            set = set.Subtract(Of(ex));
        }

        return set;
    }

    /// <summary>True when <paramref name="address"/> is in the set.</summary>
    public bool Contains(uint address)
    {
        int lo = 0, hi = ranges.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >> 1;
            if (address < ranges[mid].Start)
            {
                hi = mid - 1;
            }
            else if (address > ranges[mid].End)
            {
                lo = mid + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the whole range <paramref name="r"/> is inside the set.</summary>
    public bool ContainsRange(Ipv4Range r)
    {
        foreach (var x in ranges)
        {
            if (x.Start <= r.Start && x.End >= r.End)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Set union.</summary>
    public Ipv4RangeSet Union(Ipv4RangeSet other) => FromRanges(ranges.Concat(other.ranges));

    /// <summary>Set difference.</summary>
    public Ipv4RangeSet Subtract(Ipv4RangeSet other)
    {
        var res = new List<Ipv4Range>();
        foreach (var r in ranges)
        {
            ulong start = r.Start;
            ulong end = r.End;
            foreach (var o in other.ranges)
            {
                if (o.End < start || o.Start > end)
                {
                    continue;
                }

                if (o.Start > start)
                {
                    res.Add(new Ipv4Range((uint)start, o.Start - 1));
                }

                start = (ulong)o.End + 1;
                if (start > end)
                {
                    break;
                }
            }

            if (start <= end)
            {
                res.Add(new Ipv4Range((uint)start, (uint)end));
            }
        }

        return new Ipv4RangeSet(res.ToArray());
    }

    /// <summary>The set as CIDRs (for ipset or nft elements).</summary>
    public IEnumerable<string> ToCidrs() => ranges.SelectMany(r => r.ToCidrs());

    /// <inheritdoc />
    public override string ToString() => string.Join(",", ranges.Select(r => r.ToString()));
}

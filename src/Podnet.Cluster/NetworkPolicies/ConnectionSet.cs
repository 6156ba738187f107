using System.Globalization;
using System.Text;

namespace Podnet.Cluster.NetworkPolicies;

/// <summary>
/// A set of (protocol, destination port) pairs: what a NetworkPolicy rule's <c>ports</c> list allows,
/// kept canonical (per protocol, disjoint, merged, ascending ranges over 1..65535) so that two equal sets
/// have one form. Immutable; the Kubernetes equivalent is the union of <c>NetworkPolicyPort</c> items.
/// </summary>
public sealed class ConnectionSet : IEquatable<ConnectionSet>
{
    private readonly PortRange[][] ranges;
    private readonly int hash;

    private ConnectionSet(PortRange[][] ranges)
    {
        this.ranges = ranges;
        var h = new HashCode();
        foreach (var perProto in ranges)
        {
            h.Add(perProto.Length);
            foreach (var r in perProto)
            {
                h.Add(r.Low);
                h.Add(r.High);
            }
        }

        hash = h.ToHashCode();
    }

    /// <summary>No connection at all.</summary>
    public static ConnectionSet Empty { get; } = new([[], [], []]);

    /// <summary>Every port of TCP, UDP and SCTP (netpol-analyzer's "All Connections").</summary>
    public static ConnectionSet All { get; } = new([[PortRange.AllPorts], [PortRange.AllPorts], [PortRange.AllPorts]]);

    /// <summary>True when nothing is allowed.</summary>
    public bool IsEmpty => ranges[0].Length == 0 && ranges[1].Length == 0 && ranges[2].Length == 0;

    /// <summary>True when every port of every protocol is allowed.</summary>
    public bool IsAll => IsAllOf(PolicyProtocol.Tcp) && IsAllOf(PolicyProtocol.Udp) && IsAllOf(PolicyProtocol.Sctp);

    /// <summary>Every port of one protocol.</summary>
    public static ConnectionSet AllOf(PolicyProtocol protocol) => Of(protocol, PortRange.AllPorts);

    /// <summary>One range of one protocol (clamped to 1..65535; empty when inverted).</summary>
    public static ConnectionSet Of(PolicyProtocol protocol, PortRange range)
    {
        var lo = Math.Max(range.Low, PortRange.MinPort);
        var hi = Math.Min(range.High, PortRange.MaxPort);
        if (lo > hi)
        {
            return Empty;
        }

        var arr = new PortRange[3][] { [], [], [] };
        arr[(int)protocol] = [new PortRange(lo, hi)];
        return new ConnectionSet(arr);
    }

    /// <summary>One port of one protocol.</summary>
    public static ConnectionSet Of(PolicyProtocol protocol, int port) => Of(protocol, new PortRange(port, port));

    /// <summary>Builds a set from arbitrary (possibly overlapping) ranges per protocol.</summary>
    public static ConnectionSet FromRanges(IEnumerable<(PolicyProtocol Protocol, PortRange Range)> items)
    {
        var lists = new List<PortRange>[] { [], [], [] };
        foreach (var (p, r) in items)
        {
            var lo = Math.Max(r.Low, PortRange.MinPort);
            var hi = Math.Min(r.High, PortRange.MaxPort);
            if (lo <= hi)
            {
                lists[(int)p].Add(new PortRange(lo, hi));
            }
        }

        return new ConnectionSet([Normalize(lists[0]), Normalize(lists[1]), Normalize(lists[2])]);
    }

    /// <summary>The canonical ranges of one protocol.</summary>
    public IReadOnlyList<PortRange> Ranges(PolicyProtocol protocol) => ranges[(int)protocol];

    /// <summary>True when every port of <paramref name="protocol"/> is in the set.</summary>
    public bool IsAllOf(PolicyProtocol protocol)
    {
        var r = ranges[(int)protocol];
        return r.Length == 1 && r[0] == PortRange.AllPorts;
    }

    /// <summary>True when (protocol, port) is in the set.</summary>
    public bool Contains(PolicyProtocol protocol, int port)
    {
        var r = ranges[(int)protocol];
        int lo = 0, hi = r.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >> 1;
            if (port < r[mid].Low)
            {
                hi = mid - 1;
            }
            else if (port > r[mid].High)
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

    /// <summary>Set union.</summary>
    public ConnectionSet Union(ConnectionSet other)
    {
        if (IsEmpty || other.IsAll)
        {
            return other;
        }

        if (other.IsEmpty || IsAll)
        {
            return this;
        }

        var arr = new PortRange[3][];
        for (var p = 0; p < 3; p++)
        {
            var merged = new List<PortRange>(ranges[p].Length + other.ranges[p].Length);
            merged.AddRange(ranges[p]);
            merged.AddRange(other.ranges[p]);
            arr[p] = Normalize(merged);
        }

        return new ConnectionSet(arr);
    }

    /// <summary>Set intersection.</summary>
    public ConnectionSet Intersect(ConnectionSet other)
    {
        if (IsEmpty || other.IsAll)
        {
            return this;
        }

        if (other.IsEmpty || IsAll)
        {
            return other;
        }

        var arr = new PortRange[3][];
        for (var p = 0; p < 3; p++)
        {
            var a = ranges[p];
            var b = other.ranges[p];
            var res = new List<PortRange>();
            int i = 0, j = 0;
            while (i < a.Length && j < b.Length)
            {
                var lo = Math.Max(a[i].Low, b[j].Low);
                var hi = Math.Min(a[i].High, b[j].High);
                if (lo <= hi)
                {
                    res.Add(new PortRange(lo, hi));
                }

                if (a[i].High < b[j].High)
                {
                    i++;
                }
                else
                {
                    j++;
                }
            }

            arr[p] = res.ToArray();
        }

        return new ConnectionSet(arr);
    }

    /// <summary>Set difference (this minus <paramref name="other"/>).</summary>
    public ConnectionSet Subtract(ConnectionSet other) => Intersect(other.Complement());

    /// <summary>Everything not in this set (within TCP/UDP/SCTP 1..65535).</summary>
    public ConnectionSet Complement()
    {
        var arr = new PortRange[3][];
        for (var p = 0; p < 3; p++)
        {
            var res = new List<PortRange>();
            var next = PortRange.MinPort;
            foreach (var r in ranges[p])
            {
                if (r.Low > next)
                {
                    res.Add(new PortRange(next, r.Low - 1));
                }

                next = r.High + 1;
            }

            if (next <= PortRange.MaxPort)
            {
                res.Add(new PortRange(next, PortRange.MaxPort));
            }

            arr[p] = res.ToArray();
        }

        return new ConnectionSet(arr);
    }

    /// <summary>True when every element of this set is in <paramref name="other"/>.</summary>
    public bool IsSubsetOf(ConnectionSet other) => Subtract(other).IsEmpty;

    /// <summary>
    /// netpol-analyzer's connection string: <c>All Connections</c>, <c>No Connections</c>, or items
    /// <c>PROTO r1,r2</c> joined by commas and sorted as strings (SCTP, TCP, UDP).
    /// </summary>
    public override string ToString()
    {
        if (IsAll)
        {
            return "All Connections";
        }

        if (IsEmpty)
        {
            return "No Connections";
        }

        var sb = new StringBuilder();
        foreach (var p in new[] { PolicyProtocol.Sctp, PolicyProtocol.Tcp, PolicyProtocol.Udp })
        {
            var r = ranges[(int)p];
            if (r.Length == 0)
            {
                continue;
            }

            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            sb.Append(PolicyProtocols.Name(p)).Append(' ');
            AppendRanges(sb, r);
        }

        return sb.ToString();
    }

    /// <summary>
    /// netpol-analyzer's explain form: protocols in TCP, UDP, SCTP order, a whole protocol bare (<c>UDP</c>),
    /// a partial one as <c>TCP:[1-79,81-65535]</c>, joined by <c>", "</c>.
    /// </summary>
    public string ToExplainString()
    {
        var parts = new List<string>();
        foreach (var p in PolicyProtocols.All)
        {
            var r = ranges[(int)p];
            if (r.Length == 0)
            {
                continue;
            }

            if (IsAllOf(p))
            {
                parts.Add(PolicyProtocols.Name(p));
            }
            else
            {
                var sb = new StringBuilder();
                sb.Append(PolicyProtocols.Name(p)).Append(":[");
                AppendRanges(sb, r);
                sb.Append(']');
                parts.Add(sb.ToString());
            }
        }

        return string.Join(", ", parts);
    }

    /// <inheritdoc />
    public bool Equals(ConnectionSet? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other.hash != hash)
        {
            return false;
        }

        for (var p = 0; p < 3; p++)
        {
            if (!ranges[p].AsSpan().SequenceEqual(other.ranges[p]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ConnectionSet);

    /// <inheritdoc />
    public override int GetHashCode() => hash;

    private static void AppendRanges(StringBuilder sb, PortRange[] r)
    {
        for (var i = 0; i < r.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(r[i].Low.ToString(CultureInfo.InvariantCulture));
            if (r[i].High != r[i].Low)
            {
                sb.Append('-').Append(r[i].High.ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    private static PortRange[] Normalize(List<PortRange> list)
    {
        if (list.Count == 0)
        {
            return [];
        }

        list.Sort((a, b) => a.Low.CompareTo(b.Low));
        var res = new List<PortRange>(list.Count);
        var cur = list[0];
        for (var i = 1; i < list.Count; i++)
        {
            var r = list[i];
            if (r.Low <= cur.High + 1)
            {
                cur = new PortRange(cur.Low, Math.Max(cur.High, r.High));
            }
            else
            {
                res.Add(cur);
                cur = r;
            }
        }

        res.Add(cur);
        return res.ToArray();
    }
}

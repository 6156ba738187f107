using Podnet.Cluster.NetworkPolicies;

namespace Podnet.Analysis.NetworkPolicies;

/// <summary>
/// Gives each distinct <see cref="ConnectionSet"/> a small integer id (0 = empty, 1 = all) and memoises
/// union and intersection on ids, so the analyzer combines connection sets with one table lookup.
/// Not thread-safe.
/// </summary>
public sealed class ConnectionInterner
{
    private readonly List<ConnectionSet> sets = [ConnectionSet.Empty, ConnectionSet.All];
    private readonly Dictionary<ConnectionSet, int> ids = new() { [ConnectionSet.Empty] = EmptyId, [ConnectionSet.All] = AllId };
    private readonly Dictionary<long, int> unions = [];
    private readonly Dictionary<long, int> intersections = [];

    /// <summary>The id of the empty set.</summary>
    public const int EmptyId = 0;

    /// <summary>The id of the full set.</summary>
    public const int AllId = 1;

    /// <summary>Number of distinct sets.</summary>
    public int Count => sets.Count;

    /// <summary>The id of a set (adding it when new).</summary>
    public int Intern(ConnectionSet set)
    {
        if (!ids.TryGetValue(set, out var id))
        {
            id = sets.Count;
            sets.Add(set);
            ids[set] = id;
        }

        return id;
    }

    /// <summary>The set of an id.</summary>
    public ConnectionSet this[int id] => sets[id];

    /// <summary>Union on ids.</summary>
    public int Union(int a, int b)
    {
        if (a == b || b == EmptyId || a == AllId)
        {
            return a;
        }

        if (a == EmptyId || b == AllId)
        {
            return b;
        }

        var key = a < b ? ((long)a << 32) | (uint)b : ((long)b << 32) | (uint)a;
        if (!unions.TryGetValue(key, out var r))
        {
            r = Intern(sets[a].Union(sets[b]));
            unions[key] = r;
        }

        return r;
    }

    /// <summary>Intersection on ids.</summary>
    public int Intersect(int a, int b)
    {
        if (a == b || b == AllId || a == EmptyId)
        {
            return a;
        }

        if (b == EmptyId || a == AllId)
        {
            return b;
        }

        var key = a < b ? ((long)a << 32) | (uint)b : ((long)b << 32) | (uint)a;
        if (!intersections.TryGetValue(key, out var r))
        {
            r = Intern(sets[a].Intersect(sets[b]));
            intersections[key] = r;
        }

        return r;
    }
}

using Podnet.Kernel.Links;

namespace Podnet.Kernel.Stack;

/// <summary>
/// One routing table (main 254 or local 255): longest prefix match, then lowest metric (fib_table_lookup).
/// Routes are kept ordered by prefix length descending, then metric, so lookup is a first-match scan.
/// </summary>
public sealed class RoutingTable
{
    private readonly List<Route> _routes = [];

    public RoutingTable(int id) => Id = id;

    public int Id { get; }

    /// <summary>Bumped on every change (the fib genid that invalidates cached routes).</summary>
    public long Version { get; private set; }

    /// <summary>Routes in lookup order.</summary>
    public IReadOnlyList<Route> Routes => _routes;

    /// <summary>Finds the route for <paramref name="destination"/>, or null (no route).</summary>
    public Route? Lookup(uint destination)
    {
        if (_memoVersion != Version) ClearMemo();
        // a small direct-mapped memo of recent answers, dropped whenever the table changes (results are
        // exactly the scan's; the stack asks the same few addresses again and again)
        int slot = (int)((destination * 0x9E3779B1u) >> (32 - MemoBits));
        ref var m = ref _memo[slot];
        if (m.Valid && m.Destination == destination) return m.Route;
        var r = Scan(destination);
        m.Destination = destination;
        m.Route = r;
        m.Valid = true;
        return r;
    }

    private const int MemoBits = 6;

    private struct MemoEntry
    {
        public uint Destination;
        public bool Valid;
        public Route? Route;
    }

    private readonly MemoEntry[] _memo = new MemoEntry[1 << MemoBits];
    private long _memoVersion = -1;

    private void ClearMemo()
    {
        Array.Clear(_memo);
        _memoVersion = Version;
    }

    private Route? Scan(uint destination)
    {
        if (_scanVersion != Version) BuildScan();
        var masks = _masks;
        var networks = _networks;
        int start = 0;
        if (masks.Length > HostIndexThreshold)
        {
            // Many host routes (a local table holding thousands of service addresses): find /32s by
            // hash, as the kernel's trie finds them without a scan; then scan the shorter prefixes.
            if (_hostsVersion != Version) IndexHosts();
            if (_hosts!.TryGetValue(destination, out var host)) return host;
            start = _firstShorter;
        }
        for (int i = start; i < masks.Length && i < networks.Length; i++)
        {
            if ((destination & masks[i]) == networks[i]) return _scan[i];
        }
        return null;
    }

    // the routes in lookup order with their masks and networks side by side (rebuilt when the table
    // changes; a Route is immutable), so a lookup scans two arrays instead of chasing each Route
    private Route[] _scan = [];
    private uint[] _masks = [];
    private uint[] _networks = [];
    private long _scanVersion = -1;

    private void BuildScan()
    {
        var scan = _routes.ToArray();
        var masks = new uint[scan.Length];
        var networks = new uint[scan.Length];
        for (int i = 0; i < scan.Length; i++)
        {
            masks[i] = scan[i].Destination.Mask;
            networks[i] = scan[i].Destination.Network;
        }
        _scan = scan;
        _masks = masks;
        _networks = networks;
        _scanVersion = Version;
    }

    private const int HostIndexThreshold = 64;
    private Dictionary<uint, Route>? _hosts;
    private long _hostsVersion = -1;
    private int _firstShorter;

    private void IndexHosts()
    {
        _hosts ??= [];
        _hosts.Clear();
        int i = 0;
        for (; i < _routes.Count && _routes[i].Destination.Length == 32; i++) _hosts.TryAdd(_routes[i].Destination.Network, _routes[i]);
        _firstShorter = i;
        _hostsVersion = Version;
    }

    /// <summary>True when a route with the same key (prefix, metric, type table slot) exists.</summary>
    public Route? Find(Wire.Ipv4Prefix prefix, int metric) =>
        _routes.Find(r => r.Destination.Network == prefix.Network && r.Destination.Length == prefix.Length && r.Metric == metric);

    internal void Add(Route route)
    {
        int i = 0;
        while (i < _routes.Count && (_routes[i].Destination.Length > route.Destination.Length
            || (_routes[i].Destination.Length == route.Destination.Length && _routes[i].Metric <= route.Metric))) i++;
        _routes.Insert(i, route);
        Version++;
    }

    internal bool Remove(Route route)
    {
        Version++;
        return _routes.Remove(route);
    }

    internal void RemoveDevice(NetDevice device)
    {
        Version++;
        _routes.RemoveAll(r => r.Device == device);
    }

    internal void RemoveWhere(Predicate<Route> match)
    {
        Version++;
        _routes.RemoveAll(match);
    }
}

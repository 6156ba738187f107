namespace Podnet.Cluster.KubeProxy;

/// <summary>
/// What kube-proxy knows at one sync: upstream's <c>ServicePortMap</c> (service ports of the
/// proxier's family) and <c>EndpointsMap</c> (endpoints per service port, merged from all of the
/// Service's EndpointSlices and sorted by their <c>ip:port</c> string as upstream does).
/// </summary>
public sealed class ProxyState
{
    private readonly Dictionary<ServicePortName, ServicePortInfo> _services;
    private readonly Dictionary<ServicePortName, EndpointInfo[]> _endpoints;
    private ServicePortInfo[]? _ordered;

    /// <summary>An empty state.</summary>
    public ProxyState() : this(new Dictionary<ServicePortName, ServicePortInfo>(), new Dictionary<ServicePortName, EndpointInfo[]>())
    {
    }

    private ProxyState(Dictionary<ServicePortName, ServicePortInfo> services, Dictionary<ServicePortName, EndpointInfo[]> endpoints)
    {
        _services = services;
        _endpoints = endpoints;
    }

    /// <summary>Builds a state from service ports and their endpoints (endpoints are de-duplicated and sorted).</summary>
    public static ProxyState Create(IEnumerable<ServicePortInfo> servicePorts, IEnumerable<KeyValuePair<ServicePortName, IEnumerable<EndpointInfo>>> endpoints)
    {
        var services = new Dictionary<ServicePortName, ServicePortInfo>();
        foreach (var sp in servicePorts) services[sp.Name] = sp;
        var eps = new Dictionary<ServicePortName, EndpointInfo[]>();
        foreach (var (name, list) in endpoints)
        {
            eps[name] = SortAndDedupe(eps.TryGetValue(name, out var existing) ? existing.Concat(list) : list);
        }
        return new ProxyState(services, eps);
    }

    /// <summary>Sorts endpoints by their <c>ip:port</c> string (ordinal, as Go sorts strings) and drops duplicates (a local copy wins).</summary>
    public static EndpointInfo[] SortAndDedupe(IEnumerable<EndpointInfo> endpoints)
    {
        var byKey = new Dictionary<string, EndpointInfo>(StringComparer.Ordinal);
        foreach (var ep in endpoints)
        {
            if (!byKey.TryGetValue(ep.String, out var old) || (!old.IsLocal && ep.IsLocal))
                byKey[ep.String] = ep;
        }
        var arr = byKey.Values.ToArray();
        Array.Sort(arr, static (a, b) => string.CompareOrdinal(a.String, b.String));
        return arr;
    }

    /// <summary>The service ports by name.</summary>
    public IReadOnlyDictionary<ServicePortName, ServicePortInfo> ServicePorts => _services;

    /// <summary>Service ports in the deterministic sync order (by namespace, name, port name, protocol).</summary>
    public IReadOnlyList<ServicePortInfo> OrderedServicePorts
    {
        get
        {
            if (_ordered is null)
            {
                var arr = new ServicePortInfo[_services.Count];
                _services.Values.CopyTo(arr, 0);
                Array.Sort(arr, static (a, b) => a.Name.CompareTo(b.Name));
                _ordered = arr;
            }
            return _ordered;
        }
    }

    /// <summary>The endpoints of a service port (empty when none), sorted by <c>ip:port</c>.</summary>
    public IReadOnlyList<EndpointInfo> EndpointsOf(ServicePortName name) =>
        _endpoints.TryGetValue(name, out var eps) ? eps : [];

    /// <summary>Every service port that has an endpoints entry.</summary>
    public IEnumerable<ServicePortName> EndpointKeys => _endpoints.Keys;

    /// <summary>
    /// The <c>namespace/name</c> of every Service whose ports or endpoints differ between
    /// <paramref name="previous"/> and this state: what upstream's change trackers report as updated.
    /// </summary>
    public HashSet<string> UpdatedServicesSince(ProxyState? previous)
    {
        var updated = new HashSet<string>(StringComparer.Ordinal);
        if (previous is null)
        {
            foreach (var k in _services.Keys) updated.Add(k.NamespacedName);
            foreach (var k in _endpoints.Keys) updated.Add(k.NamespacedName);
            return updated;
        }
        foreach (var (name, sp) in _services)
        {
            if (!previous._services.TryGetValue(name, out var old) || !sp.SameAs(old)) updated.Add(name.NamespacedName);
        }
        foreach (var name in previous._services.Keys)
        {
            if (!_services.ContainsKey(name)) updated.Add(name.NamespacedName);
        }
        foreach (var (name, eps) in _endpoints)
        {
            if (!previous._endpoints.TryGetValue(name, out var old) || !SameEndpoints(eps, old)) updated.Add(name.NamespacedName);
        }
        foreach (var (name, old) in previous._endpoints)
        {
            if (!_endpoints.ContainsKey(name) && old.Length > 0) updated.Add(name.NamespacedName);
        }
        return updated;
    }

    private static bool SameEndpoints(EndpointInfo[] a, EndpointInfo[] b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++) if (!a[i].Equals(b[i])) return false;
        return true;
    }

    private int _totalEndpoints = -1;

    /// <summary>Total endpoints over the service ports that exist (upstream's large-cluster count), computed once.</summary>
    public int TotalEndpoints()
    {
        if (_totalEndpoints >= 0) return _totalEndpoints;
        int total = 0;
        foreach (var name in _services.Keys)
            if (_endpoints.TryGetValue(name, out var eps)) total += eps.Length;
        return _totalEndpoints = total;
    }
}

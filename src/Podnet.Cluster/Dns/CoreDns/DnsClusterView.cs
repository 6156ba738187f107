using System.Net;

namespace Podnet.Cluster.Dns.CoreDns;

/// <summary>How a Service appears to DNS (CoreDNS <c>object.Service</c>).</summary>
public enum DnsServiceKind
{
    /// <summary>ClusterIP, NodePort or LoadBalancer with ClusterIPs.</summary>
    ClusterIP,
    /// <summary><c>clusterIP: None</c>.</summary>
    Headless,
    /// <summary><c>type: ExternalName</c>.</summary>
    ExternalName,
}

/// <summary>A Service port as CoreDNS keeps it (name, protocol, port).</summary>
public sealed record DnsPort(string Name, string Protocol, int Port);

/// <summary>The DNS-relevant part of a Service (CoreDNS <c>object.Service</c>): not a Kubernetes object type, the
/// projection CoreDNS's informers keep.</summary>
public sealed record DnsService(
    string Namespace,
    string Name,
    DnsServiceKind Kind,
    IReadOnlyList<IPAddress> ClusterIPs,
    IReadOnlyList<DnsPort> Ports,
    string? ExternalName = null);

/// <summary>One endpoint of an EndpointSlice as CoreDNS keeps it: addresses, hostname, ready condition (null counts as
/// ready) and the target pod's name.</summary>
public sealed record DnsEndpoint(IReadOnlyList<IPAddress> Addresses, string? Hostname = null, bool? Ready = true, string? TargetRefName = null);

/// <summary>The DNS-relevant part of an EndpointSlice (CoreDNS <c>object.Endpoints</c> built from discovery/v1).</summary>
public sealed record DnsEndpointSlice(
    string Namespace,
    string Name,
    string ServiceName,
    IReadOnlyList<DnsPort> Ports,
    IReadOnlyList<DnsEndpoint> Endpoints);

/// <summary>A pod as CoreDNS's <c>pods verified</c> watch keeps it (namespace, name, primary podIP).</summary>
public sealed record DnsPod(string Namespace, string Name, IPAddress? PodIP, bool Terminating = false);

/// <summary>An immutable snapshot of what CoreDNS's informers hold (Services, EndpointSlices, Pods, Namespaces) with the
/// indexes its kubernetes plugin queries (service by name, by ClusterIP; endpoints by service, by IP; pods by IP).
/// <see cref="Modified"/> is the SOA serial (Unix time of the last DNS-visible change); <see cref="Synced"/> false
/// models informers that have not finished their first list.</summary>
public sealed class DnsClusterView
{
    private readonly Dictionary<(string, string), DnsService> _services = new(PairComparer.Instance);
    private readonly Dictionary<IPAddress, List<DnsService>> _byClusterIP = [];
    private readonly Dictionary<(string, string), List<DnsEndpointSlice>> _slicesByService = new(PairComparer.Instance);
    private readonly Dictionary<IPAddress, List<DnsEndpointSlice>> _slicesByIP = [];
    private readonly Dictionary<IPAddress, List<DnsPod>> _podsByIP = [];
    private readonly HashSet<string> _namespaces;

    /// <summary>Builds the snapshot and its indexes. Later duplicates of a service key replace earlier ones.</summary>
    public DnsClusterView(
        IEnumerable<string> namespaces,
        IEnumerable<DnsService> services,
        IEnumerable<DnsEndpointSlice> slices,
        IEnumerable<DnsPod>? pods = null,
        uint modified = 0,
        bool synced = true)
    {
        _namespaces = new HashSet<string>(namespaces, StringComparer.OrdinalIgnoreCase);
        foreach (var s in services)
        {
            _services[(s.Namespace, s.Name)] = s;
        }
        Services = _services.Values.OrderBy(s => s.Namespace, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal).ToList();
        foreach (var s in Services)
        {
            foreach (var ip in s.ClusterIPs) Add(_byClusterIP, ip, s);
        }
        var sliceList = slices.ToList();
        foreach (var sl in sliceList)
        {
            Add(_slicesByService, (sl.Namespace, sl.ServiceName), sl);
            foreach (var ep in sl.Endpoints)
            {
                if (!IsReady(ep)) continue;
                foreach (var a in ep.Addresses.Distinct()) Add(_slicesByIP, a, sl);
            }
        }
        Slices = sliceList;
        Pods = (pods ?? []).ToList();
        foreach (var p in Pods)
        {
            if (p.PodIP is { } ip && !p.Terminating) Add(_podsByIP, ip, p);
        }
        Modified = modified;
        Synced = synced;
    }

    private static void Add<TK, TV>(Dictionary<TK, List<TV>> d, TK k, TV v) where TK : notnull
    {
        if (!d.TryGetValue(k, out var l)) d[k] = l = [];
        if (!l.Contains(v)) l.Add(v);
    }

    /// <summary>CoreDNS keeps endpoints whose <c>conditions.ready</c> is true or unset.</summary>
    public static bool IsReady(DnsEndpoint ep) => ep.Ready ?? true;

    /// <summary>All services, sorted by namespace then name.</summary>
    public IReadOnlyList<DnsService> Services { get; }

    /// <summary>All EndpointSlices.</summary>
    public IReadOnlyList<DnsEndpointSlice> Slices { get; }

    /// <summary>All pods.</summary>
    public IReadOnlyList<DnsPod> Pods { get; }

    /// <summary>SOA serial: Unix time of the last DNS-visible change.</summary>
    public uint Modified { get; }

    /// <summary>Whether the informers have synced.</summary>
    public bool Synced { get; }

    /// <summary>An empty, synced view.</summary>
    public static DnsClusterView Empty { get; } = new([], [], []);

    /// <summary>Does the namespace exist?</summary>
    public bool NamespaceExists(string ns) => _namespaces.Contains(ns);

    /// <summary>The service <paramref name="ns"/>/<paramref name="name"/> (case-insensitive), or null.</summary>
    public DnsService? Service(string ns, string name) =>
        _services.TryGetValue((ns, name), out var s) ? s : null;

    /// <summary>Services whose ClusterIPs include <paramref name="ip"/>.</summary>
    public IReadOnlyList<DnsService> ServicesByClusterIP(IPAddress ip) => _byClusterIP.TryGetValue(ip, out var l) ? l : [];

    /// <summary>EndpointSlices of a service.</summary>
    public IReadOnlyList<DnsEndpointSlice> SlicesOf(string ns, string service) =>
        _slicesByService.TryGetValue((ns, service), out var l) ? l : [];

    /// <summary>EndpointSlices with a ready endpoint address equal to <paramref name="ip"/>.</summary>
    public IReadOnlyList<DnsEndpointSlice> SlicesByIP(IPAddress ip) => _slicesByIP.TryGetValue(ip, out var l) ? l : [];

    /// <summary>Running pods with this primary IP.</summary>
    public IReadOnlyList<DnsPod> PodsByIP(IPAddress ip) => _podsByIP.TryGetValue(ip, out var l) ? l : [];

    private sealed class PairComparer : IEqualityComparer<(string, string)>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals((string, string) x, (string, string) y) =>
            string.Equals(x.Item1, y.Item1, StringComparison.OrdinalIgnoreCase) && string.Equals(x.Item2, y.Item2, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((string, string) obj) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Item1), StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Item2));
    }
}

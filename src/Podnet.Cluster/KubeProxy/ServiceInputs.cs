using System.Net;
using System.Net.Sockets;

namespace Podnet.Cluster.KubeProxy;

/// <summary>
/// The field-level rules upstream's change trackers apply when turning a Service and its
/// EndpointSlices into <see cref="ServicePortInfo"/> and <see cref="EndpointInfo"/>
/// (pkg/proxy/serviceport.go, endpointslicecache.go): family filtering, lenient IP parsing,
/// the API helpers for traffic policies, and the nil defaults of endpoint conditions.
/// </summary>
public static class ServiceInputs
{
    /// <summary>Label that ties an EndpointSlice to its Service.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    /// <summary>Valid addresses of <paramref name="family"/>, parsed leniently, invalid ones dropped.</summary>
    public static List<IPAddress> ParseIPs(IEnumerable<string?> ips, AddressFamily family)
    {
        var list = new List<IPAddress>();
        foreach (var s in ips)
            if (IpParsing.TryParseSloppy(s?.Trim(), out var ip) && ip.AddressFamily == family) list.Add(ip);
        return list;
    }

    /// <summary><c>loadBalancerSourceRanges</c>: trimmed, parsed leniently, of <paramref name="family"/>.</summary>
    public static List<IPNetwork> ParseSourceRanges(IEnumerable<string?> ranges, AddressFamily family)
    {
        var list = new List<IPNetwork>();
        foreach (var s in ranges)
            if (IpParsing.TryParseCidrSloppy(s?.Trim(), out var n) && n.BaseAddress.AddressFamily == family) list.Add(n);
        return list;
    }

    /// <summary>API helper <c>ExternallyAccessible(service)</c>: LoadBalancer, NodePort, or ClusterIP with external IPs.</summary>
    public static bool ApiExternallyAccessible(string? type, int externalIPCount) =>
        type == "LoadBalancer" || type == "NodePort" || (type == "ClusterIP" && externalIPCount > 0);

    /// <summary>Upstream <c>ShouldSkipService</c>: headless (<c>None</c> or empty cluster IP) and ExternalName Services get no rules.</summary>
    public static bool ShouldSkip(string? type, string? clusterIP) =>
        type == "ExternalName" || string.IsNullOrEmpty(clusterIP) || clusterIP == "None";

    /// <summary>
    /// The cluster IP of <paramref name="family"/> (upstream <c>GetClusterIPByFamily</c>): from
    /// <c>clusterIPs</c> when set, else <c>clusterIP</c> if it has the family; null when none.
    /// </summary>
    public static IPAddress? ClusterIPOfFamily(string? clusterIP, IReadOnlyList<string?>? clusterIPs, AddressFamily family)
    {
        if (clusterIPs is { Count: > 0 })
        {
            foreach (var s in clusterIPs)
                if (IpParsing.TryParseSloppy(s, out var ip) && ip.AddressFamily == family) return ip;
            return null;
        }
        return IpParsing.TryParseSloppy(clusterIP, out var one) && one.AddressFamily == family ? one : null;
    }

    /// <summary>Builds the service port (the part of <c>newBaseServiceInfo</c> that shapes rules).</summary>
    public static ServicePortInfo BuildServicePort(
        ProxierConfig config, string ns, string name, string? type, IPAddress clusterIP,
        string? portName, int port, string? protocol, int nodePort,
        IEnumerable<string?> externalIPs, IEnumerable<(string? Ip, string? IpMode)> loadBalancerIngress,
        IEnumerable<string?> sourceRanges, string? sessionAffinity, int? affinityTimeoutSeconds,
        string? externalTrafficPolicy, string? internalTrafficPolicy, int healthCheckNodePort)
    {
        L4ProtocolNames.TryParse(protocol, out var proto);
        var extIPs = ParseIPs(externalIPs, config.IPFamily);
        var lbIPs = new List<IPAddress>();
        foreach (var (ip, mode) in loadBalancerIngress)
        {
            if (mode == "Proxy") continue;
            if (IpParsing.TryParseSloppy(ip, out var a) && a.AddressFamily == config.IPFamily) lbIPs.Add(a);
        }
        var ranges = ParseSourceRanges(sourceRanges, config.IPFamily);
        bool apiExternal = ApiExternallyAccessible(type, extIPs.Count);
        bool eTPLocal = apiExternal && externalTrafficPolicy == "Local";
        bool needsHealthCheck = type == "LoadBalancer" && eTPLocal;
        return new ServicePortInfo(
            new ServicePortName(ns, name, portName ?? "", proto),
            clusterIP, port, nodePort, extIPs, lbIPs, ranges,
            sessionAffinity == "ClientIP", affinityTimeoutSeconds ?? 10800,
            eTPLocal, internalTrafficPolicy == "Local",
            needsHealthCheck ? healthCheckNodePort : 0);
    }

    /// <summary>Endpoint conditions with upstream's nil defaults: ready=true, serving=true, terminating=false.</summary>
    public static (bool Ready, bool Serving, bool Terminating) Conditions(bool? ready, bool? serving, bool? terminating) =>
        (ready ?? true, serving ?? true, terminating ?? false);
}

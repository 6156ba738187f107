namespace Podnet.Cluster.KubeProxy;

/// <summary>The result of <see cref="EndpointCategorizer.Categorize"/>.</summary>
/// <param name="ClusterEndpoints">Endpoints for "Cluster" traffic policy (empty when the policy is not used).</param>
/// <param name="LocalEndpoints">Endpoints for "Local" traffic policy.</param>
/// <param name="AllReachableEndpoints">Every endpoint some rule can reach from this node.</param>
/// <param name="HasAnyEndpoints">The service has usable endpoints on any node.</param>
public readonly record struct CategorizedEndpoints(
    IReadOnlyList<EndpointInfo> ClusterEndpoints,
    IReadOnlyList<EndpointInfo> LocalEndpoints,
    IReadOnlyList<EndpointInfo> AllReachableEndpoints,
    bool HasAnyEndpoints);

/// <summary>
/// Upstream <c>proxy.CategorizeEndpoints</c> (pkg/proxy/topology.go): which endpoints serve
/// cluster-policy and local-policy traffic, with the fallback to serving-and-terminating endpoints
/// when none is ready. Topology hints are not applied (all ready endpoints are used).
/// </summary>
public static class EndpointCategorizer
{
    /// <summary>Categorizes <paramref name="endpoints"/> (sorted) for <paramref name="svc"/>.</summary>
    public static CategorizedEndpoints Categorize(IReadOnlyList<EndpointInfo> endpoints, ServicePortInfo svc)
    {
        IReadOnlyList<EndpointInfo> cluster = [];
        bool hasAny = false;
        if (svc.UsesClusterEndpoints)
        {
            cluster = Filter(endpoints, static e => e.Ready);
            if (cluster.Count == 0) cluster = Filter(endpoints, static e => e.Serving && e.Terminating);
            hasAny = cluster.Count > 0;
        }
        if (!svc.UsesLocalEndpoints)
            return new CategorizedEndpoints(cluster, [], cluster, hasAny);

        bool hasLocalReady = false, hasLocalServingTerminating = false;
        foreach (var ep in endpoints)
        {
            if (ep.Ready)
            {
                hasAny = true;
                if (ep.IsLocal) hasLocalReady = true;
            }
            else if (ep.Serving && ep.Terminating)
            {
                hasAny = true;
                if (ep.IsLocal) hasLocalServingTerminating = true;
            }
        }
        IReadOnlyList<EndpointInfo> local;
        bool useServingTerminating = false;
        if (hasLocalReady) local = Filter(endpoints, static e => e.IsLocal && e.Ready);
        else if (hasLocalServingTerminating)
        {
            useServingTerminating = true;
            local = Filter(endpoints, static e => e.IsLocal && e.Serving && e.Terminating);
        }
        else local = [];

        IReadOnlyList<EndpointInfo> all;
        if (!svc.UsesClusterEndpoints) all = local;
        else if (!useServingTerminating) all = cluster;
        else all = ProxyState.SortAndDedupe(cluster.Concat(local));
        return new CategorizedEndpoints(cluster, local, all, hasAny);
    }

    private static IReadOnlyList<EndpointInfo> Filter(IReadOnlyList<EndpointInfo> endpoints, Func<EndpointInfo, bool> keep)
    {
        bool all = true;
        for (int i = 0; i < endpoints.Count; i++) if (!keep(endpoints[i])) { all = false; break; }
        if (all) return endpoints;
        var list = new List<EndpointInfo>(endpoints.Count);
        for (int i = 0; i < endpoints.Count; i++) if (keep(endpoints[i])) list.Add(endpoints[i]);
        return list;
    }
}

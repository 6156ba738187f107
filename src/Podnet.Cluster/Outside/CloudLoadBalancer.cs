using System.Security.Cryptography;
using System.Text;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Discovery;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Cni;
using Podnet.Cluster.Controllers;
using Podnet.Kernel.Stack;

namespace Podnet.Cluster.Outside;

/// <summary>Where the cloud load balancer sends one LB address: the Service, the node chosen (null: no healthy node, packets are dropped) and the nodes that were eligible.</summary>
public sealed record LoadBalancerTarget(string Address, string Service, string? NodeName, string? NodeIp, IReadOnlyList<string> Eligible, string Policy);

/// <summary>
/// The data path of the emulated cloud's pass-through network load balancer (as GCP's network
/// LB or MetalLB): packets for an LB address reach the <c>router</c> and are forwarded, unchanged
/// (destination still the LB address, source the client's), to one node, where kube-proxy's
/// rules for that address take over. The router does it with a host route
/// (<c>ip route replace 203.0.113.200/32 via NODEIP dev eth0</c>), as a BGP speaker's announcement
/// installs one; the router has no multipath routes, so each address goes to one node, chosen
/// as MetalLB's layer-2 election does: among the eligible nodes, the one whose
/// SHA-256(<c>node#address</c>) sorts first. Eligible nodes are those the cloud's health checks
/// pass: Ready nodes without <c>node.kubernetes.io/exclude-from-external-load-balancers</c>
/// (kind's control plane has it); for <c>externalTrafficPolicy: Local</c> only those with a ready
/// local endpoint, which is what kube-proxy's <c>healthCheckNodePort</c> server answers 200 for.
/// No eligible node: a <c>blackhole</c> route, the LB drops.
/// </summary>
public sealed class CloudLoadBalancer
{
    /// <summary>The label that keeps a node out of external load balancers.</summary>
    public const string ExcludeLabel = "node.kubernetes.io/exclude-from-external-load-balancers";

    private readonly NetNamespace _router;
    private readonly Dictionary<string, string> _routes = new(StringComparer.Ordinal);
    private IReadOnlyList<LoadBalancerTarget> _targets = [];

    /// <summary>A load balancer programming <paramref name="router"/>.</summary>
    public CloudLoadBalancer(NetNamespace router) => _router = router;

    /// <summary>The targets of the last <see cref="Sync"/>, by address.</summary>
    public IReadOnlyList<LoadBalancerTarget> Targets => _targets;

    /// <summary>The target of LB address <paramref name="address"/>, or null.</summary>
    public LoadBalancerTarget? TargetOf(string address) => _targets.FirstOrDefault(t => t.Address == address);

    /// <summary>Programs the router's routes for the LB addresses in <paramref name="objects"/> (and removes routes of addresses that went away).</summary>
    public void Sync(IReadOnlyList<KubeObject> objects, string pool)
    {
        _targets = Plan(objects, pool);
        var wanted = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in _targets)
        {
            var route = t.NodeIp is null ? $"blackhole {t.Address}/32" : $"{t.Address}/32 via {t.NodeIp} dev eth0";
            wanted[t.Address] = route;
            if (_routes.TryGetValue(t.Address, out var had) && had == route) continue;
            if (had is not null) Netlink.Do(_router, $"ip route del {had}");
            Netlink.Do(_router, $"ip route add {route}");
        }
        foreach (var (address, route) in _routes.Where(r => !wanted.ContainsKey(r.Key)).ToList())
        {
            Netlink.Do(_router, $"ip route del {route}");
        }
        _routes.Clear();
        foreach (var (a, r) in wanted) _routes[a] = r;
    }

    /// <summary>Decides, for every LB address of <paramref name="pool"/> in the Services' status, the node that receives its packets.</summary>
    public static IReadOnlyList<LoadBalancerTarget> Plan(IReadOnlyList<KubeObject> objects, string pool)
    {
        if (!LoadBalancerController.TryParsePool(pool, out var first, out var last)) return [];
        var nodes = objects.OfType<Node>()
            .Where(n => !n.Metadata.Labels.ContainsKey(ExcludeLabel) && IsReady(n) && ClusterBootstrap.NodeInternalIp(n) is not null)
            .ToList();
        var slices = objects.OfType<EndpointSlice>().ToList();
        var list = new List<LoadBalancerTarget>();
        foreach (var svc in objects.OfType<Service>().Where(s => s.Spec.Type == "LoadBalancer")
                     .OrderBy(s => s.Namespace, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal))
        {
            var local = svc.Spec.ExternalTrafficPolicy == "Local";
            IEnumerable<Node> eligible = nodes;
            if (local)
            {
                var withLocal = slices
                    .Where(e => e.Namespace == svc.Namespace && e.Metadata.Labels.TryGetValue("kubernetes.io/service-name", out var sn) && sn == svc.Name)
                    .SelectMany(e => e.Endpoints).Where(e => e.Conditions.Ready != false).Select(e => e.NodeName).OfType<string>()
                    .ToHashSet(StringComparer.Ordinal);
                eligible = nodes.Where(n => withLocal.Contains(n.Name));
            }
            foreach (var ingress in svc.Status?.LoadBalancer?.Ingress ?? [])
            {
                if (ingress.Ip is not { } ip || !Ipv4Cidr.TryParseAddress(ip, out var a) || a < first || a > last) continue;
                if (list.Any(t => t.Address == ip)) continue;
                var ordered = eligible.OrderBy(n => Election(n.Name, ip), StringComparer.Ordinal).ToList();
                var chosen = ordered.FirstOrDefault();
                list.Add(new LoadBalancerTarget(ip, svc.Namespace + "/" + svc.Name, chosen?.Name, chosen is null ? null : ClusterBootstrap.NodeInternalIp(chosen),
                    ordered.Select(n => n.Name).Order(StringComparer.Ordinal).ToList(), local ? "Local" : "Cluster"));
            }
        }
        return list;
    }

    private static bool IsReady(Node n) => n.Status?.Conditions.FirstOrDefault(c => c.Type == "Ready")?.Status is null or "True";

    private static string Election(string node, string address) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(node + "#" + address)));
}

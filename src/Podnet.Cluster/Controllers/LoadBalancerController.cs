using Podnet.Cluster.Api.Core;

namespace Podnet.Cluster.Controllers;

/// <summary>
/// The emulated cloud provider's load-balancer controller (cloud-controller-manager's
/// <c>service</c> controller with a provider whose <c>EnsureLoadBalancer</c> hands out addresses
/// from a pool, as MetalLB's controller does): every <c>type: LoadBalancer</c> Service without a
/// <c>loadBalancerClass</c> gets an address from <see cref="ClusterConfig.LoadBalancerPool"/>
/// written to <c>status.loadBalancer.ingress[0]</c> (<c>ip</c>, <c>ipMode: VIP</c>); a free
/// <c>spec.loadBalancerIP</c> inside the pool is honoured; an address already held is kept.
/// Services that stop being LoadBalancers (or gain a class) lose their ingress, and addresses of
/// deleted Services are free again because allocation is computed from the Services that exist.
/// Events as the service controller records them: <c>EnsuringLoadBalancer</c>,
/// <c>EnsuredLoadBalancer</c>, <c>DeletingLoadBalancer</c>, <c>DeletedLoadBalancer</c>, and the
/// Warning <c>SyncLoadBalancerFailed</c>. Deterministic: Services that request an address are served
/// first, then oldest first, then by namespace/name; automatic picks take the lowest free address.
/// </summary>
public static class LoadBalancerController
{
    /// <summary>The component name on events (<c>source.component</c>).</summary>
    public const string Component = "service-controller";

    /// <summary>Syncs every Service of <paramref name="objects"/>; returns the number of Services whose status changed.</summary>
    public static int Sync(ObjectSet objects, ClusterConfig config, EventRecorder events)
    {
        if (!TryParsePool(config.LoadBalancerPool, out var first, out var last))
        {
            throw new InvalidOperationException($"invalid load-balancer pool \"{config.LoadBalancerPool}\": want a CIDR or FIRST-LAST");
        }
        var services = objects.OfKind<Service>("Service");
        var inUse = new Dictionary<uint, string>();
        var changed = 0;

        // First pass: release what no longer applies, and index what is kept.
        var wanting = new List<Service>();
        foreach (var svc in services)
        {
            var key = svc.Namespace + "/" + svc.Name;
            var held = HeldAddress(svc);
            if (!Owns(svc))
            {
                if (svc.Status?.LoadBalancer?.Ingress.Count > 0 && IsOurs(svc, first, last))
                {
                    events.Normal(svc, "DeletingLoadBalancer", "Deleting load balancer", Component);
                    objects.Put(svc with { Status = (svc.Status ?? new ServiceStatus()) with { LoadBalancer = new LoadBalancerStatus() } });
                    events.Normal(svc, "DeletedLoadBalancer", "Deleted load balancer", Component);
                    changed++;
                }
                continue;
            }
            var requested = Requested(svc);
            if (held is { } h && InPool(h, first, last) && !inUse.ContainsKey(h) && (requested is null || requested == h))
            {
                inUse[h] = key;
                continue;
            }
            wanting.Add(svc);
        }

        // Second pass: allocate — Services asking for an address first (so an automatic pick never
        // takes an address someone asked for in the same pass), then oldest first.
        foreach (var svc in wanting.OrderBy(s => Requested(s) is null ? 1 : 0).ThenBy(s => s.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue)
                     .ThenBy(s => s.Namespace, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal))
        {
            var key = svc.Namespace + "/" + svc.Name;
            events.Normal(svc, "EnsuringLoadBalancer", "Ensuring load balancer", Component);
            uint? address = null;
            string? error = null;
            if (Requested(svc) is { } want)
            {
                if (!InPool(want, first, last)) error = $"requested IP {Ipv4Cidr.FormatAddress(want)} is not in the load-balancer pool {config.LoadBalancerPool}";
                else if (inUse.TryGetValue(want, out var owner)) error = $"requested IP {Ipv4Cidr.FormatAddress(want)} is already allocated to service {owner}";
                else address = want;
            }
            else if (!string.IsNullOrEmpty(svc.Spec.LoadBalancerIP))
            {
                error = $"invalid loadBalancerIP \"{svc.Spec.LoadBalancerIP}\": not an IPv4 address";
            }
            else
            {
                for (var a = first; a <= last && a >= first; a++)
                {
                    if (!inUse.ContainsKey(a))
                    {
                        address = a;
                        break;
                    }
                }
                if (address is null) error = $"no available IPs in the load-balancer pool {config.LoadBalancerPool}";
            }
            if (address is not { } got)
            {
                events.Warning(svc, "SyncLoadBalancerFailed", "Error syncing load balancer: failed to ensure load balancer: " + error, Component);
                if (svc.Status?.LoadBalancer?.Ingress.Count > 0)
                {
                    objects.Put(svc with { Status = (svc.Status ?? new ServiceStatus()) with { LoadBalancer = new LoadBalancerStatus() } });
                    changed++;
                }
                continue;
            }
            inUse[got] = key;
            var ingress = new LoadBalancerIngress { Ip = Ipv4Cidr.FormatAddress(got), IpMode = "VIP" };
            objects.Put(svc with { Status = (svc.Status ?? new ServiceStatus()) with { LoadBalancer = new LoadBalancerStatus { Ingress = [ingress] } } });
            events.Normal(svc, "EnsuredLoadBalancer", "Ensured load balancer", Component);
            changed++;
        }
        return changed;
    }

    /// <summary>True when this controller serves <paramref name="svc"/>: type LoadBalancer and no <c>loadBalancerClass</c>.</summary>
    public static bool Owns(Service svc) => svc.Spec.Type == "LoadBalancer" && string.IsNullOrEmpty(svc.Spec.LoadBalancerClass);

    private static bool IsOurs(Service svc, uint first, uint last) =>
        string.IsNullOrEmpty(svc.Spec.LoadBalancerClass) && HeldAddress(svc) is { } h && InPool(h, first, last);

    private static uint? HeldAddress(Service svc) =>
        svc.Status?.LoadBalancer?.Ingress.FirstOrDefault()?.Ip is { } ip && Ipv4Cidr.TryParseAddress(ip, out var a) ? a : null;

    private static uint? Requested(Service svc) =>
        !string.IsNullOrEmpty(svc.Spec.LoadBalancerIP) && Ipv4Cidr.TryParseAddress(svc.Spec.LoadBalancerIP, out var a) ? a : null;

    private static bool InPool(uint a, uint first, uint last) => a >= first && a <= last;

    /// <summary>Parses a pool: <c>203.0.113.200-203.0.113.249</c> or <c>203.0.113.192/26</c> (all addresses of the CIDR, as MetalLB without avoidBuggyIPs).</summary>
    public static bool TryParsePool(string text, out uint first, out uint last)
    {
        first = last = 0;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0)
        {
            return Ipv4Cidr.TryParseAddress(text[..dash].Trim(), out first) && Ipv4Cidr.TryParseAddress(text[(dash + 1)..].Trim(), out last) && first <= last;
        }
        if (!Ipv4Cidr.TryParse(text, out var cidr)) return false;
        first = cidr.Network;
        last = cidr.At(cidr.Size - 1);
        return true;
    }
}

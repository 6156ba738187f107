using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Networking;
using Podnet.Cluster.Controllers;

namespace Podnet.Cluster.Ingresses;

/// <summary>
/// ingress-nginx's status updater with <c>--publish-service=ingress-nginx/ingress-nginx-controller</c>:
/// every Ingress the controller serves gets <c>status.loadBalancer.ingress</c> copied from the
/// controller Service's <c>status.loadBalancer.ingress</c> (IPs and hostnames; empty while the load
/// balancer is pending), once a controller pod is running. Ingresses of other classes are left alone.
/// It only reads the Service status that the load-balancer controller fills.
/// </summary>
public static class IngressStatusController
{
    /// <summary>Updates the status of the served Ingresses in <paramref name="objects"/>; returns how many changed.</summary>
    public static int Sync(ObjectSet objects, IngressClassFilter? filter = null)
    {
        filter ??= new IngressClassFilter();
        var svc = objects.Get<Service>("Service", IngressNginxInstall.Namespace, IngressNginxInstall.ControllerName);
        if (svc is null) return 0;
        var running = objects.OfKind<Pod>("Pod").Any(p => p.Namespace == IngressNginxInstall.Namespace && p.Status?.Phase == "Running"
            && p.Metadata.Labels.TryGetValue("app.kubernetes.io/component", out var c) && c == "controller");
        if (!running) return 0;
        var published = (svc.Status?.LoadBalancer?.Ingress ?? [])
            .Select(i => new LoadBalancerIngress { Ip = i.Ip, Hostname = i.Hostname })
            .OrderBy(i => i.Ip ?? i.Hostname, StringComparer.Ordinal).ToList();
        var classes = objects.OfKind<IngressClass>("IngressClass");
        int changed = 0;
        foreach (var ing in objects.OfKind<Api.Networking.Ingress>("Ingress"))
        {
            if (!filter.Serves(ing, classes)) continue;
            var current = ing.Status?.LoadBalancer?.Ingress ?? [];
            if (current.Select(i => (i.Ip, i.Hostname)).SequenceEqual(published.Select(i => (i.Ip, i.Hostname)))) continue;
            var updated = ing with { Status = new IngressStatus { LoadBalancer = published.Count == 0 ? new LoadBalancerStatus() : new LoadBalancerStatus { Ingress = published } } };
            if (objects.Update(ing, updated)) changed++;
        }
        return changed;
    }
}

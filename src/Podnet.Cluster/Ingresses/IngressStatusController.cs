using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Networking;
using Podnet.Cluster.Controllers;

namespace Podnet.Cluster.Ingresses;

/// <summary>
/// ingress-nginx's status updater with <c>--publish-service=ingress-nginx/ingress-nginx-controller</c>:
/// every Ingress the controller serves gets <c>status.loadBalancer.ingress</c> copied from the
/// controller Service's <c>status.loadBalancer.ingress</c> (IPs and hostnames; empty while the load
/// balancer is pending), once a controller pod is running. Ingresses of other classes are left alone.
/// It only reads the Service status that the load-balancer controller fills. With an event recorder it
/// also records ingress-nginx's <c>Normal Sync "Scheduled for sync"</c> on each Ingress it picks up, and a
/// Warning (reason <c>InvalidTLSSecret</c>, Podnet's name: ingress-nginx only logs this) when a TLS host's
/// Secret is missing or unusable and the fake certificate will be served.
/// </summary>
public static class IngressStatusController
{
    /// <summary>Updates the status of the served Ingresses in <paramref name="objects"/>; returns how many changed.</summary>
    public static int Sync(ObjectSet objects, EventRecorder? events = null, IngressClassFilter? filter = null)
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
        var ingresses = objects.OfKind<Api.Networking.Ingress>("Ingress");
        if (events is not null)
        {
            var all = objects.OfKind<KubeObject>("Secret");
            var table = IngressRouteTable.Build(ingresses, classes, filter);
            var selector = new IngressCertificateSelector(table, all);
            foreach (var ing in table.Ingresses)
            {
                events.Normal(ing, "Sync", "Scheduled for sync", "nginx-ingress-controller");
                foreach (var host in ing.Spec.Tls.SelectMany(t => t.Hosts).Distinct(StringComparer.OrdinalIgnoreCase))
                {
                    var choice = selector.SelectCertificate(host);
                    if (choice.Problem is { } p && choice.Secret?.IngressKey == ing.Namespace + "/" + ing.Name)
                        events.Warning(ing, "InvalidTLSSecret", p, "nginx-ingress-controller");
                }
            }
        }
        int changed = 0;
        foreach (var ing in ingresses)
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

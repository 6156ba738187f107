using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Discovery;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Controllers;

/// <summary>
/// kube-controller-manager's endpoints controller, the v1 Endpoints mirror of the same selection:
/// one Endpoints object per selector Service, ready pods in <c>addresses</c> and the others in
/// <c>notReadyAddresses</c>, subsets grouped by port set and packed as <c>endpoints.RepackSubsets</c>
/// does (addresses sorted by IP). Endpoints of Services that are gone are deleted.
/// </summary>
public static class EndpointsController
{
    /// <summary>The annotation the controller stamps on Endpoints it writes.</summary>
    public const string TriggerTimeAnnotation = "endpoints.kubernetes.io/last-change-trigger-time";

    /// <summary>Reconciles the Endpoints of every Service.</summary>
    public static void Sync(ObjectSet objects, DateTimeOffset now, EndpointSliceController.PodIndex? pods = null)
    {
        var index = pods ?? new EndpointSliceController.PodIndex(objects);
        var services = objects.OfKind<Service>("Service");
        var names = new HashSet<(string, string)>(services.Select(s => (s.Namespace, s.Name)));
        // Each Service's Endpoints depend only on its pods: built on all cores while the set is only
        // read, then written in order.
        var writes = new Endpoints?[services.Count];
        void Build(int i)
        {
            var svc = services[i];
            if (svc.Spec.Selector.Count == 0 || (svc.Spec.Type ?? "ClusterIP") == "ExternalName")
            {
                return;
            }
            var candidates = EndpointSliceController.Candidates(svc, index.Select(svc.Namespace, svc.Spec.Selector))
                .Where(c => !c.Terminating).ToList();
            var subsets = new List<EndpointSubset>();
            // candidates of one template share their ports list: one key per list
            var keys = new Dictionary<IReadOnlyList<EndpointPort>, string>(ReferenceEqualityComparer.Instance);
            string KeyOf(IReadOnlyList<EndpointPort> ports)
            {
                if (!keys.TryGetValue(ports, out var key))
                {
                    key = string.Join(";", ports.Select(p => $"{p.Name}/{p.Port}/{p.Protocol}"));
                    keys[ports] = key;
                }
                return key;
            }
            foreach (var group in candidates.GroupBy(c => KeyOf(c.Ports)).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var ports = group.First().Ports.Select(p => new EndpointPort { Name = string.IsNullOrEmpty(p.Name) ? null : p.Name, Port = p.Port, Protocol = p.Protocol, AppProtocol = p.AppProtocol }).ToList();
                EndpointAddress Address(EndpointSliceController.PodEndpoint c) => new()
                {
                    Ip = c.Pod.Status!.PodIP!,
                    NodeName = c.Pod.Spec.NodeName,
                    Hostname = c.Pod.Spec.Subdomain == svc.Name && !string.IsNullOrEmpty(c.Pod.Spec.Hostname) ? c.Pod.Spec.Hostname : null,
                    TargetRef = new ObjectReference { Kind = "Pod", Namespace = c.Pod.Namespace, Name = c.Pod.Name, Uid = c.Pod.Metadata.Uid },
                };
                var ready = group.Where(c => c.Ready).Select(Address).OrderBy(a => a.Ip, StringComparer.Ordinal).ThenBy(a => a.TargetRef?.Uid, StringComparer.Ordinal).ToList();
                var notReady = group.Where(c => !c.Ready).Select(Address).OrderBy(a => a.Ip, StringComparer.Ordinal).ThenBy(a => a.TargetRef?.Uid, StringComparer.Ordinal).ToList();
                subsets.Add(new EndpointSubset { Addresses = ready, NotReadyAddresses = notReady, Ports = ports });
            }
            var labels = new Dictionary<string, string>(svc.Metadata.Labels);
            if (svc.Spec.ClusterIP == "None")
            {
                labels[EndpointSliceController.HeadlessLabel] = "";
            }
            var existing = objects.Get<Endpoints>("Endpoints", svc.Namespace, svc.Name);
            var desired = new Endpoints
            {
                Metadata = (existing?.Metadata ?? new ObjectMeta { Name = svc.Name, Namespace = svc.Namespace, CreationTimestamp = now }) with
                {
                    Labels = labels,
                },
                Subsets = subsets,
            };
            if (existing is null || !ObjectComparer.SameValue(existing with { Metadata = existing.Metadata with { Annotations = Empty.Map } }, desired with { Metadata = desired.Metadata with { Annotations = Empty.Map } }))
            {
                var annotations = new Dictionary<string, string>(desired.Metadata.Annotations)
                {
                    [TriggerTimeAnnotation] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                };
                writes[i] = ObjectIdentity.WithUid(desired with { Metadata = desired.Metadata with { Annotations = annotations } });
            }
        }
        ParallelWork.For(services.Count, Build, minimum: 64);
        foreach (var write in writes)
        {
            if (write is not null)
            {
                objects.Put(write);
            }
        }
        foreach (var ep in objects.OfKind<Endpoints>("Endpoints"))
        {
            if (!names.Contains((ep.Namespace, ep.Name)) && ep.Metadata.Annotations.ContainsKey(TriggerTimeAnnotation))
            {
                objects.Remove("Endpoints", ep.Namespace, ep.Name);
            }
        }
    }
}

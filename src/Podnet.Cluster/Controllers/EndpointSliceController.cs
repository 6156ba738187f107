using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Discovery;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Controllers;

/// <summary>
/// kube-controller-manager's endpointslice controller: for every Service with a selector, the pods
/// it selects that have an address become endpoints (ready = pod Ready or the Service publishes
/// not-ready addresses; serving = pod Ready; terminating = being deleted), grouped by their resolved
/// port set (a named <c>targetPort</c> is looked up in each pod's containers), at most 100 per slice,
/// in slices named <c>&lt;service&gt;-&lt;5 chars&gt;</c> labelled with the service name and managed-by.
/// Slices of Services that are gone are deleted.
/// </summary>
public static class EndpointSliceController
{
    /// <summary>Most endpoints in one slice (<c>--max-endpoints-per-slice</c> default).</summary>
    public const int MaxEndpointsPerSlice = 100;

    /// <summary>Label on the slices (and Endpoints) of headless Services.</summary>
    public const string HeadlessLabel = "service.kubernetes.io/headless";

    /// <summary>One endpoint candidate: the pod and the port numbers its service ports resolve to.</summary>
    internal sealed record PodEndpoint(Pod Pod, IReadOnlyList<EndpointPort> Ports, bool Ready, bool Serving, bool Terminating);

    /// <summary>Pods of a namespace indexed by label pair, for selector lookups on large clusters.</summary>
    public sealed class PodIndex
    {
        private readonly Dictionary<(string Ns, string Key, string Value), List<Pod>> byLabel = [];

        /// <summary>Indexes the pods of <paramref name="objects"/> (a snapshot: pods written later are not seen).</summary>
        public PodIndex(ObjectSet objects)
        {
            foreach (var o in objects.Unordered("Pod"))
            {
                var pod = (Pod)o;
                foreach (var (k, v) in pod.Metadata.Labels)
                {
                    if (!byLabel.TryGetValue((pod.Namespace, k, v), out var list))
                    {
                        list = [];
                        byLabel[(pod.Namespace, k, v)] = list;
                    }
                    list.Add(pod);
                }
            }
        }

        /// <summary>Pods of <paramref name="ns"/> whose labels include every selector pair, by name.</summary>
        public List<Pod> Select(string ns, IReadOnlyDictionary<string, string> selector)
        {
            List<Pod>? smallest = null;
            foreach (var (k, v) in selector)
            {
                if (!byLabel.TryGetValue((ns, k, v), out var list))
                {
                    return [];
                }
                if (smallest is null || list.Count < smallest.Count)
                {
                    smallest = list;
                }
            }
            if (smallest is null)
            {
                return [];
            }
            var result = smallest.Where(p => selector.All(kv => p.Metadata.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value)).ToList();
            result.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            return result;
        }
    }

    /// <summary>Resolves a service port's targetPort for one pod (<c>podutil.FindPort</c>); null when the name is not found.</summary>
    public static int? ResolveTargetPort(ServicePort sp, Pod pod)
    {
        var target = sp.TargetPort ?? IntOrString.FromInt(sp.Port);
        if (target.IsInt)
        {
            return target.IntValue;
        }
        if (int.TryParse(target.StringValue, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }
        var protocol = sp.Protocol ?? "TCP";
        foreach (var c in pod.Spec.Containers)
        {
            foreach (var cp in c.Ports)
            {
                if (cp.Name == target.StringValue && (cp.Protocol ?? "TCP") == protocol)
                {
                    return cp.ContainerPortNumber;
                }
            }
        }
        return null;
    }

    /// <summary>The endpoint candidates of a Service among <paramref name="pods"/> (those with an address).</summary>
    internal static List<PodEndpoint> Candidates(Service svc, IEnumerable<Pod> pods)
    {
        var publishNotReady = svc.Spec.PublishNotReadyAddresses == true;
        var list = new List<PodEndpoint>();
        // Replicas share their template's container list: resolve the ports once per list.
        var portsByContainers = new Dictionary<IReadOnlyList<Container>, List<EndpointPort>>(ReferenceEqualityComparer.Instance);
        foreach (var pod in pods)
        {
            if (string.IsNullOrEmpty(pod.Status?.PodIP) || PodTemplates.IsTerminal(pod))
            {
                continue;
            }
            var terminating = PodTemplates.IsTerminating(pod);
            var podReady = PodTemplates.IsReady(pod);
            if (!portsByContainers.TryGetValue(pod.Spec.Containers, out var ports))
            {
                ports = [];
                foreach (var sp in svc.Spec.Ports)
                {
                    var n = ResolveTargetPort(sp, pod);
                    if (n is null)
                    {
                        continue;
                    }
                    ports.Add(new EndpointPort { Name = sp.Name ?? "", Port = n, Protocol = sp.Protocol ?? "TCP", AppProtocol = sp.AppProtocol });
                }
                portsByContainers[pod.Spec.Containers] = ports;
            }
            list.Add(new PodEndpoint(pod, ports, (podReady || publishNotReady) && !terminating, podReady, terminating));
        }
        return list;
    }

    private static string PortKey(IReadOnlyList<EndpointPort> ports) =>
        string.Join(";", ports.Select(p => $"{p.Name}/{p.Port}/{p.Protocol}/{p.AppProtocol}").Order(StringComparer.Ordinal));

    /// <summary>Reconciles the EndpointSlices of every Service.</summary>
    public static void Sync(ObjectSet objects, DateTimeOffset now, PodIndex? pods = null)
    {
        var index = pods ?? new PodIndex(objects);
        var slicesByService = new Dictionary<(string, string), List<EndpointSlice>>();
        foreach (var o in objects.Unordered("EndpointSlice"))
        {
            var s = (EndpointSlice)o;
            if (s.Metadata.Labels.GetValueOrDefault(EndpointSlice.ManagedByLabel) != EndpointSlice.ControllerName)
            {
                continue;
            }
            var svcName = s.Metadata.Labels.GetValueOrDefault(EndpointSlice.ServiceNameLabel) ?? "";
            if (!slicesByService.TryGetValue((s.Namespace, svcName), out var list))
            {
                list = [];
                slicesByService[(s.Namespace, svcName)] = list;
            }
            list.Add(s);
        }
        var services = objects.OfKind<Service>("Service");
        var live = new HashSet<(string, string)>();
        static bool Selects(Service svc) => svc.Spec.Selector.Count > 0 && (svc.Spec.Type ?? "ClusterIP") != "ExternalName";
        // What each Service's slices should hold depends only on its pods: computed on all cores.
        var desired = new List<(IReadOnlyList<EndpointPort> Ports, List<Endpoint> Endpoints)>?[services.Count];
        void Desire(int i)
        {
            var svc = services[i];
            if (Selects(svc))
            {
                desired[i] = DesiredSlices(svc, Candidates(svc, index.Select(svc.Namespace, svc.Spec.Selector)));
            }
        }
        ParallelWork.For(services.Count, Desire, minimum: 64);
        for (int i = 0; i < services.Count; i++)
        {
            var svc = services[i];
            if (!Selects(svc))
            {
                continue;
            }
            live.Add((svc.Namespace, svc.Name));
            var existing = slicesByService.GetValueOrDefault((svc.Namespace, svc.Name)) ?? [];
            existing.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            Reconcile(objects, svc, existing, desired[i]!, now);
        }
        foreach (var ((ns, name), slices) in slicesByService)
        {
            if (!live.Contains((ns, name)))
            {
                foreach (var s in slices)
                {
                    objects.Remove("EndpointSlice", s.Namespace, s.Name);
                }
            }
        }
    }

    /// <summary>The desired slices' contents: (ports, endpoints) groups of at most 100 endpoints.</summary>
    internal static List<(IReadOnlyList<EndpointPort> Ports, List<Endpoint> Endpoints)> DesiredSlices(Service svc, List<PodEndpoint> candidates)
    {
        var groups = new List<(IReadOnlyList<EndpointPort> Ports, List<Endpoint> Endpoints)>();
        var keys = new Dictionary<IReadOnlyList<EndpointPort>, string>(ReferenceEqualityComparer.Instance);
        string KeyOf(IReadOnlyList<EndpointPort> ports)
        {
            if (!keys.TryGetValue(ports, out var key))
            {
                key = PortKey(ports);
                keys[ports] = key;
            }
            return key;
        }
        foreach (var byPorts in candidates.GroupBy(c => KeyOf(c.Ports)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ports = byPorts.First().Ports;
            var endpoints = byPorts.Select(c => new Endpoint
            {
                Addresses = [c.Pod.Status!.PodIP!],
                Conditions = new EndpointConditions { Ready = c.Ready, Serving = c.Serving, Terminating = c.Terminating },
                NodeName = c.Pod.Spec.NodeName,
                Hostname = !string.IsNullOrEmpty(c.Pod.Spec.Hostname) && c.Pod.Spec.Subdomain == svc.Name ? c.Pod.Spec.Hostname : null,
                TargetRef = new ObjectReference { Kind = "Pod", Namespace = c.Pod.Namespace, Name = c.Pod.Name, Uid = c.Pod.Metadata.Uid },
            }).ToList();
            for (int i = 0; i < endpoints.Count; i += MaxEndpointsPerSlice)
            {
                groups.Add((ports, endpoints.GetRange(i, Math.Min(MaxEndpointsPerSlice, endpoints.Count - i))));
            }
        }
        if (groups.Count == 0)
        {
            // A selector Service always has at least one (possibly empty) slice.
            groups.Add(([], []));
        }
        return groups;
    }

    private static void Reconcile(ObjectSet objects, Service svc, List<EndpointSlice> existing,
        List<(IReadOnlyList<EndpointPort> Ports, List<Endpoint> Endpoints)> desired, DateTimeOffset now)
    {
        var labels = new Dictionary<string, string>(svc.Metadata.Labels)
        {
            [EndpointSlice.ServiceNameLabel] = svc.Name,
            [EndpointSlice.ManagedByLabel] = EndpointSlice.ControllerName,
        };
        if (svc.Spec.ClusterIP == "None")
        {
            labels[HeadlessLabel] = "";
        }
        int attempt = 0;
        for (int i = 0; i < desired.Count; i++)
        {
            var (ports, endpoints) = desired[i];
            if (i < existing.Count)
            {
                var old = existing[i];
                var updated = old with
                {
                    Metadata = old.Metadata with { Labels = labels },
                    AddressType = "IPv4",
                    Ports = ports,
                    Endpoints = endpoints,
                };
                if (!ObjectComparer.SameValue(old, updated))
                {
                    objects.Put(updated);
                }
                continue;
            }
            string name;
            do
            {
                name = NameGenerator.GenerateName(svc.Name + "-", (svc.Metadata.Uid ?? svc.Name) + "/slice", attempt++);
            }
            while (objects.Get("EndpointSlice", svc.Namespace, name) is not null);
            var slice = new EndpointSlice
            {
                Metadata = new ObjectMeta
                {
                    Name = name,
                    GenerateName = svc.Name + "-",
                    Namespace = svc.Namespace,
                    CreationTimestamp = now,
                    Generation = 1,
                    Labels = labels,
                    OwnerReferences = [ObjectIdentity.ControllerRef(svc)],
                },
                AddressType = "IPv4",
                Ports = ports,
                Endpoints = endpoints,
            };
            objects.Put(ObjectIdentity.WithUid(slice));
        }
        for (int i = desired.Count; i < existing.Count; i++)
        {
            objects.Remove("EndpointSlice", existing[i].Namespace, existing[i].Name);
        }
    }
}

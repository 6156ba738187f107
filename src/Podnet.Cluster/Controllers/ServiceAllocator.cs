using System.Globalization;
using Podnet.Cluster.Api.Core;

namespace Podnet.Cluster.Controllers;

/// <summary>
/// The apiserver's Service IP and node port allocators (<c>ipallocator</c>, <c>portallocator</c>),
/// run when a Service is created or updated: requested ClusterIPs and node ports are honoured if free
/// and in range, missing ones are allocated deterministically (a hash of the Service's namespace and
/// name picks the starting point in the upper band of the range, as the real allocator prefers the
/// dynamic band; the first free address from there wins). Conflicts are refused in the apiserver's
/// words: <c>The Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated</c>.
/// </summary>
public static class ServiceAllocator
{
    /// <summary>
    /// Admits <paramref name="service"/> against the Services in <paramref name="objects"/> (an existing
    /// object of the same name is the previous version). Returns the Service with its ClusterIP(s) and
    /// node ports filled in, or null with <paramref name="error"/> set.
    /// </summary>
    /// <remarks>
    /// This indexes every Service of <paramref name="objects"/> on each call; to admit many Services in a
    /// row (a multi-object apply), keep one <see cref="Batch"/> instead, which gives the same results.
    /// </remarks>
    public static Service? Admit(Service service, ObjectSet objects, ClusterConfig config, out string error) =>
        new Batch(objects, config).Admit(service, out error);

    /// <summary>
    /// An allocator over a set of Services that admits many in a row (loading a large cluster):
    /// the addresses and ports in use are indexed once and kept up to date.
    /// </summary>
    public sealed class Batch
    {
        private readonly ObjectSet objects;
        private readonly ClusterConfig config;
        private readonly Ipv4Cidr range;
        private readonly Dictionary<uint, string> ipOwners = [];
        private readonly Dictionary<int, string> portOwners = [];
        // what each Service (namespace/name) holds, so that forgetting one does not scan every allocation
        private readonly Dictionary<string, (List<uint> Ips, List<int> Ports)> held = new(StringComparer.Ordinal);

        /// <summary>Indexes the allocations of the Services in <paramref name="objects"/>.</summary>
        public Batch(ObjectSet objects, ClusterConfig config)
        {
            this.objects = objects;
            this.config = config;
            range = Ipv4Cidr.Parse(config.ServiceCidr);
            foreach (var o in objects.Unordered("Service"))
            {
                Record((Service)o);
            }
        }

        private static string Key(Service s) => s.Namespace + "/" + s.Name;

        private void Record(Service s)
        {
            var key = Key(s);
            if (!held.TryGetValue(key, out var mine))
            {
                mine = ([], []);
                held[key] = mine;
            }
            if (s.Spec.ClusterIP is { } first && Ipv4Cidr.TryParseAddress(first, out var f))
            {
                ipOwners[f] = key;
                mine.Ips.Add(f);
            }
            foreach (var a in s.Spec.ClusterIPs)
            {
                if (a != s.Spec.ClusterIP && Ipv4Cidr.TryParseAddress(a, out var u))
                {
                    ipOwners[u] = key;
                    mine.Ips.Add(u);
                }
            }
            foreach (var p in s.Spec.Ports)
            {
                if (p.NodePort is { } np)
                {
                    portOwners[np] = key;
                    mine.Ports.Add(np);
                }
            }
            if (s.Spec.HealthCheckNodePort is { } h)
            {
                portOwners[h] = key;
                mine.Ports.Add(h);
            }
        }

        private void Forget(Service s)
        {
            var key = Key(s);
            if (!held.Remove(key, out var mine))
            {
                return;
            }
            foreach (var ip in mine.Ips)
            {
                if (ipOwners.TryGetValue(ip, out var owner) && owner == key)
                {
                    ipOwners.Remove(ip);
                }
            }
            foreach (var port in mine.Ports)
            {
                if (portOwners.TryGetValue(port, out var owner) && owner == key)
                {
                    portOwners.Remove(port);
                }
            }
        }

        private bool IpTaken(uint a, string self) => ipOwners.TryGetValue(a, out var owner) && owner != self;

        private bool PortTaken(int p, string self) => portOwners.TryGetValue(p, out var owner) && owner != self;

        /// <summary>Admits one Service (see <see cref="ServiceAllocator.Admit"/>) and records its allocations.</summary>
        public Service? Admit(Service service, out string error)
        {
            error = "";
            var self = Key(service);
            var previous = objects.Get<Service>("Service", service.Namespace, service.Name);
            var spec = service.Spec;
            var type = spec.Type ?? "ClusterIP";
            var prefix = $"The Service \"{service.Name}\" is invalid: ";

            if (type == "ExternalName")
            {
                spec = spec with { ClusterIP = null, ClusterIPs = [] };
            }
            else
            {
                var requested = spec.ClusterIP is { Length: > 0 } ip ? ip : spec.ClusterIPs.FirstOrDefault();
                var prevIp = previous?.Spec.ClusterIP;
                if (string.IsNullOrEmpty(requested) && !string.IsNullOrEmpty(prevIp))
                {
                    requested = prevIp;
                }
                else if (!string.IsNullOrEmpty(requested) && !string.IsNullOrEmpty(prevIp) && requested != prevIp)
                {
                    error = prefix + $"spec.clusterIPs[0]: Invalid value: []string{{\"{requested}\"}}: may not change once set";
                    return null;
                }
                if (requested == "None")
                {
                    spec = spec with { ClusterIP = "None", ClusterIPs = ["None"] };
                }
                else
                {
                    string assigned;
                    if (!string.IsNullOrEmpty(requested))
                    {
                        if (!Ipv4Cidr.TryParseAddress(requested, out var want))
                        {
                            error = prefix + $"spec.clusterIPs[0]: Invalid value: \"{requested}\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
                            return null;
                        }
                        if (!range.Contains(want) || want == range.Network || want == range.At(range.Size - 1))
                        {
                            error = prefix + $"spec.clusterIPs: Invalid value: []string{{\"{requested}\"}}: failed to allocate IP {requested}: the provided IP ({requested}) is not in the valid range. The range of valid IPs is {range}";
                            return null;
                        }
                        if (IpTaken(want, self))
                        {
                            error = prefix + $"spec.clusterIPs: Invalid value: []string{{\"{requested}\"}}: failed to allocate IP {requested}: provided IP is already allocated";
                            return null;
                        }
                        assigned = requested;
                    }
                    else
                    {
                        var a = AllocateIp(range, u => IpTaken(u, self), self);
                        if (a is null)
                        {
                            error = prefix + "spec.clusterIPs: Internal error: failed to allocate a serviceIP: range is full";
                            return null;
                        }
                        assigned = a;
                    }
                    spec = spec with
                    {
                        ClusterIP = assigned,
                        ClusterIPs = [assigned],
                        IpFamilies = spec.IpFamilies.Count == 0 ? ["IPv4"] : spec.IpFamilies,
                        IpFamilyPolicy = spec.IpFamilyPolicy ?? "SingleStack",
                    };
                }
            }

            var needsNodePorts = type == "NodePort" || (type == "LoadBalancer" && spec.AllocateLoadBalancerNodePorts != false);
            var ports = spec.Ports.ToList();
            var mine = new Dictionary<int, string>();
            for (int i = 0; i < ports.Count; i++)
            {
                var p = ports[i];
                if (!needsNodePorts)
                {
                    if (p.NodePort is not null && type is "ClusterIP" or "ExternalName")
                    {
                        ports[i] = p with { NodePort = null };
                    }
                    continue;
                }
                var requested = p.NodePort ?? previous?.Spec.Ports.FirstOrDefault(q => q.Port == p.Port && (q.Protocol ?? "TCP") == (p.Protocol ?? "TCP"))?.NodePort;
                if (requested is { } want)
                {
                    if (want < config.NodePortMin || want > config.NodePortMax)
                    {
                        error = prefix + $"spec.ports[{i}].nodePort: Invalid value: {want}: provided port is not in the valid range. The range of valid ports is {config.NodePortMin}-{config.NodePortMax}";
                        return null;
                    }
                    if (PortTaken(want, self) || (mine.TryGetValue(want, out var proto) && proto == (p.Protocol ?? "TCP")))
                    {
                        error = prefix + $"spec.ports[{i}].nodePort: Invalid value: {want}: provided port is already allocated";
                        return null;
                    }
                    mine[want] = p.Protocol ?? "TCP";
                    ports[i] = p with { NodePort = want };
                    continue;
                }
                var port = AllocatePort(config, x => PortTaken(x, self) || mine.ContainsKey(x), self + "/" + i.ToString(CultureInfo.InvariantCulture));
                if (port is null)
                {
                    error = prefix + $"spec.ports[{i}].nodePort: Internal error: failed to allocate a nodePort: range is full";
                    return null;
                }
                mine[port.Value] = p.Protocol ?? "TCP";
                ports[i] = p with { NodePort = port };
            }
            spec = spec with { Ports = ports };
            if (type == "LoadBalancer" && spec.ExternalTrafficPolicy == "Local" && spec.HealthCheckNodePort is null)
            {
                var h = previous?.Spec.HealthCheckNodePort ?? AllocatePort(config, x => PortTaken(x, self) || mine.ContainsKey(x), self + "/healthcheck");
                spec = spec with { HealthCheckNodePort = h };
            }
            var status = service.Status ?? previous?.Status ?? new ServiceStatus { LoadBalancer = new LoadBalancerStatus() };
            var admitted = service with { Spec = spec, Status = status };
            if (previous is not null)
            {
                Forget(previous);
            }
            Record(admitted);
            return admitted;
        }
    }

    private static string? AllocateIp(Ipv4Cidr range, Func<uint, bool> taken, string identity)
    {
        long size = range.Size - 2; // usable offsets 1..size
        long lowBand = Math.Min(Math.Max(16, size / 16), 256);
        long dynamicSize = size - lowBand;
        long start = dynamicSize > 0 ? lowBand + 1 + (long)(NameGenerator.Fnv64a(identity) % (ulong)dynamicSize) : 1;
        for (long i = 0; i < size; i++)
        {
            long off = ((start - 1 + i) % size) + 1;
            var a = range.At(off);
            if (!taken(a))
            {
                return Ipv4Cidr.FormatAddress(a);
            }
        }
        return null;
    }

    private static int? AllocatePort(ClusterConfig config, Func<int, bool> taken, string identity)
    {
        int size = config.NodePortMax - config.NodePortMin + 1;
        int start = (int)(NameGenerator.Fnv64a(identity) % (ulong)size);
        for (int i = 0; i < size; i++)
        {
            int port = config.NodePortMin + (start + i) % size;
            if (!taken(port))
            {
                return port;
            }
        }
        return null;
    }
}

using System.Globalization;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Discovery;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Networking;
using Podnet.Cluster.Controllers;

namespace Podnet.Cli.Printers;

/// <summary>
/// <c>kubectl describe</c> for pods, services, nodes, endpoints, endpointslices, ingresses and
/// network policies, field for field in the order of kubectl's <c>pkg/describe/describe.go</c>,
/// with events from the cluster. Anything else gets the generic describer's Name/Namespace/Labels/
/// Annotations header.
/// </summary>
public sealed class Describer
{
    private readonly Func<string, string?, IReadOnlyList<KubeObject>> list;
    private readonly DateTimeOffset now;
    private readonly Func<KubeObject, IReadOnlyList<Event>> eventsAbout;
    private readonly Dictionary<(string Kind, string? Namespace), IReadOnlyList<KubeObject>> listed = [];

    /// <summary>Creates a describer over a cluster's objects at <paramref name="now"/> (events from the set).</summary>
    public Describer(ObjectSet objects, DateTimeOffset now)
        : this((kind, ns) => objects.Unordered(kind).Where(o => ns is null || o.Namespace == ns).ToList(), now, involved => EventRecorder.For(objects, involved))
    {
    }

    /// <summary>
    /// Creates a describer at <paramref name="now"/> that reads the related objects it shows (a Service's
    /// EndpointSlices, a node's pods, an Ingress backend's Service) with <paramref name="list"/> (kind and
    /// namespace, null for all) and an object's events with <paramref name="eventsAbout"/>: a stored cluster
    /// reads both from its store, so describing one object decodes only what it shows.
    /// </summary>
    public Describer(Func<string, string?, IReadOnlyList<KubeObject>> list, DateTimeOffset now, Func<KubeObject, IReadOnlyList<Event>> eventsAbout)
    {
        this.list = list;
        this.now = now;
        this.eventsAbout = eventsAbout;
    }

    // Objects of a kind (in a namespace, or all), read once per describer.
    private IReadOnlyList<KubeObject> Listed(string kind, string? ns)
    {
        if (!listed.TryGetValue((kind, ns), out var objects))
        {
            objects = list(kind, ns);
            listed[(kind, ns)] = objects;
        }
        return objects;
    }

    /// <summary>Describes one object.</summary>
    public string Describe(KubeObject obj)
    {
        var sb = new StringWriter { NewLine = "\n" };
        var w = new PrefixWriter(sb);
        switch (obj)
        {
            case Pod p: DescribePod(p, w); break;
            case Service s: DescribeService(s, w); break;
            case Node n: DescribeNode(n, w); break;
            case Endpoints e: DescribeEndpoints(e, w); break;
            case EndpointSlice e: DescribeEndpointSlice(e, w); break;
            case Ingress i: DescribeIngress(i, w); break;
            case NetworkPolicy np: DescribeNetworkPolicy(np, w); break;
            default: DescribeGeneric(obj, w); break;
        }
        w.Flush();
        return sb.ToString();
    }

    /// <summary>Go's <c>time.RFC1123Z</c>: <c>Mon, 02 Jan 2006 15:04:05 -0700</c>.</summary>
    public static string Rfc1123Z(DateTimeOffset? t)
    {
        var v = t ?? DateTimeOffset.MinValue; // Go's zero time: Mon, 01 Jan 0001 00:00:00 +0000
        var off = v.Offset;
        var sign = off < TimeSpan.Zero ? "-" : "+";
        off = off.Duration();
        return v.ToString("ddd, dd MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture) + sign + off.Hours.ToString("00", CultureInfo.InvariantCulture) + off.Minutes.ToString("00", CultureInfo.InvariantCulture);
    }

    private static void Labels(PrefixWriter w, string title, IReadOnlyDictionary<string, string> labels, string initialIndent = "")
    {
        w.Write(0, $"{initialIndent}{title}:\t");
        if (labels.Count == 0)
        {
            w.WriteLine("<none>");
            return;
        }
        int i = 0;
        foreach (var (k, v) in labels.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (i++ != 0)
            {
                w.Write(0, initialIndent);
                w.Write(0, "\t");
            }
            w.Write(0, $"{k}={v}\n");
        }
    }

    private static void Annotations(PrefixWriter w, string title, IReadOnlyDictionary<string, string> annotations)
    {
        w.Write(0, $"{title}:\t");
        var keys = annotations.Keys.Where(k => k != "kubectl.kubernetes.io/last-applied-configuration").Order(StringComparer.Ordinal).ToList();
        if (keys.Count == 0)
        {
            w.WriteLine("<none>");
            return;
        }
        const int maxLen = 140;
        for (int i = 0; i < keys.Count; i++)
        {
            if (i != 0)
            {
                w.Write(0, "\t");
            }
            var value = annotations[keys[i]].TrimEnd('\n');
            if (value.Length + keys[i].Length + 2 > maxLen || value.Contains('\n', StringComparison.Ordinal))
            {
                w.Write(0, $"{keys[i]}:\n");
                foreach (var s in value.Split('\n'))
                {
                    var shown = s.Length > maxLen - 2 ? s[..(maxLen - 2)] + "..." : s;
                    w.Write(0, $"\t  {shown}\n");
                }
            }
            else
            {
                w.Write(0, $"{keys[i]}: {value}\n");
            }
        }
    }

    private void Events(PrefixWriter w, KubeObject obj)
    {
        var events = eventsAbout(obj)
            .OrderBy(e => e.LastTimestamp ?? e.Metadata.CreationTimestamp).ThenBy(e => e.Metadata.Name, StringComparer.Ordinal).ToList();
        if (events.Count == 0)
        {
            w.Write(0, "Events:\t<none>\n");
            return;
        }
        w.Flush();
        w.Write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
        w.Write(1, "----\t------\t----\t----\t-------\n");
        foreach (var e in events)
        {
            var first = HumanDuration.Since(e.FirstTimestamp, now);
            var interval = (e.Count ?? 1) > 1
                ? $"{HumanDuration.Since(e.LastTimestamp, now)} (x{e.Count} over {first})"
                : first;
            var source = e.Source?.Component is { Length: > 0 } c ? c : e.ReportingComponent ?? "";
            w.Write(1, $"{e.Type}\t{e.Reason}\t{interval}\t{source}\t{(e.Message ?? "").Trim()}\n");
        }
    }

    private static void DescribeGeneric(KubeObject obj, PrefixWriter w)
    {
        w.Write(0, $"Name:\t{obj.Name}\n");
        w.Write(0, $"Namespace:\t{obj.Namespace}\n");
        Labels(w, "Labels", obj.Metadata.Labels);
        Annotations(w, "Annotations", obj.Metadata.Annotations);
    }

    private void DescribePod(Pod pod, PrefixWriter w)
    {
        var status = pod.Status ?? new PodStatus();
        w.Write(0, $"Name:\t{pod.Name}\n");
        w.Write(0, $"Namespace:\t{pod.Namespace}\n");
        if (pod.Spec.Priority is { } prio)
        {
            w.Write(0, $"Priority:\t{prio}\n");
        }
        if (!string.IsNullOrEmpty(pod.Spec.ServiceAccountName))
        {
            w.Write(0, $"Service Account:\t{pod.Spec.ServiceAccountName}\n");
        }
        w.Write(0, string.IsNullOrEmpty(pod.Spec.NodeName) ? "Node:\t<none>\n" : $"Node:\t{pod.Spec.NodeName}/{status.HostIP}\n");
        if (status.StartTime is { } st)
        {
            w.Write(0, $"Start Time:\t{Rfc1123Z(st)}\n");
        }
        Labels(w, "Labels", pod.Metadata.Labels);
        Annotations(w, "Annotations", pod.Metadata.Annotations);
        if (pod.Metadata.DeletionTimestamp is { } del && status.Phase is not ("Failed" or "Succeeded"))
        {
            w.Write(0, $"Status:\tTerminating (lasts {HumanDuration.Since(del, now)})\n");
            w.Write(0, $"Termination Grace Period:\t{pod.Metadata.DeletionGracePeriodSeconds ?? 30}s\n");
        }
        else
        {
            w.Write(0, $"Status:\t{status.Phase}\n");
        }
        if (!string.IsNullOrEmpty(status.Reason))
        {
            w.Write(0, $"Reason:\t{status.Reason}\n");
        }
        if (!string.IsNullOrEmpty(status.Message))
        {
            w.Write(0, $"Message:\t{status.Message}\n");
        }
        w.Write(0, $"IP:\t{status.PodIP}\n");
        if (status.PodIPs.Count == 0)
        {
            w.Write(0, "IPs:\t<none>\n");
        }
        else
        {
            w.Write(0, "IPs:\n");
            foreach (var ip in status.PodIPs)
            {
                w.Write(1, $"IP:\t{ip.Ip}\n");
            }
        }
        if (ObjectIdentity.ControllerOf(pod) is { } owner)
        {
            w.Write(0, $"Controlled By:\t{owner.Kind}/{owner.Name}\n");
        }
        if (!string.IsNullOrEmpty(status.NominatedNodeName))
        {
            w.Write(0, $"NominatedNodeName:\t{status.NominatedNodeName}\n");
        }
        if (pod.Spec.InitContainers.Count > 0)
        {
            Containers(w, "Init Containers", pod.Spec.InitContainers, status.InitContainerStatuses);
        }
        Containers(w, "Containers", pod.Spec.Containers, status.ContainerStatuses);
        if (pod.Spec.ReadinessGates.Count > 0)
        {
            w.Write(0, "Readiness Gates:\n  Type\tStatus\n");
            foreach (var g in pod.Spec.ReadinessGates)
            {
                var s = status.Conditions.FirstOrDefault(c => c.Type == g.ConditionType)?.Status ?? "<none>";
                w.Write(1, $"{g.ConditionType} \t{s} \n");
            }
        }
        if (status.Conditions.Count > 0)
        {
            w.Write(0, "Conditions:\n  Type\tStatus\n");
            foreach (var c in status.Conditions)
            {
                w.Write(1, $"{c.Type} \t{c.Status} \n");
            }
        }
        w.Write(0, "Volumes:\t<none>\n");
        w.Write(0, $"QoS Class:\t{status.QosClass ?? "BestEffort"}\n");
        Labels(w, "Node-Selectors", pod.Spec.NodeSelector);
        Tolerations(w, "Tolerations", pod.Spec.Tolerations);
        Events(w, pod);
    }

    private static void Containers(PrefixWriter w, string label, IReadOnlyList<Container> containers, IReadOnlyList<ContainerStatus> statuses)
    {
        w.Write(0, $"{label}:{(containers.Count == 0 ? " <none>" : "")}\n");
        foreach (var c in containers)
        {
            var st = statuses.FirstOrDefault(s => s.Name == c.Name);
            w.Write(1, $"{c.Name}:\n");
            if (st is not null)
            {
                w.Write(2, $"Container ID:\t{st.ContainerID}\n");
            }
            w.Write(2, $"Image:\t{c.Image}\n");
            if (st is not null)
            {
                w.Write(2, $"Image ID:\t{st.ImageID}\n");
            }
            var ports = string.Join(", ", c.Ports.Select(p => $"{p.ContainerPortNumber}/{p.Protocol}"));
            w.Write(2, ports.Contains(',', StringComparison.Ordinal) ? $"Ports:\t{ports}\n" : $"Port:\t{(ports.Length == 0 ? "<none>" : ports)}\n");
            var hostPorts = string.Join(", ", c.Ports.Select(p => $"{p.HostPort ?? 0}/{p.Protocol}"));
            w.Write(2, hostPorts.Contains(',', StringComparison.Ordinal) ? $"Host Ports:\t{hostPorts}\n" : $"Host Port:\t{(hostPorts.Length == 0 ? "<none>" : hostPorts)}\n");
            if (c.Command.Count > 0)
            {
                w.Write(2, "Command:\n");
                foreach (var s in c.Command.SelectMany(x => x.Split('\n')))
                {
                    w.Write(3, s + "\n");
                }
            }
            if (c.Args.Count > 0)
            {
                w.Write(2, "Args:\n");
                foreach (var s in c.Args.SelectMany(x => x.Split('\n')))
                {
                    w.Write(3, s + "\n");
                }
            }
            if (st is not null)
            {
                State(w, "State", st.State);
                if (st.LastState?.Terminated is not null)
                {
                    State(w, "Last State", st.LastState);
                }
                w.Write(2, $"Ready:\t{(st.Ready ? "True" : "False")}\n");
                w.Write(2, $"Restart Count:\t{st.RestartCount}\n");
            }
            if (c.LivenessProbe is { } lp)
            {
                w.Write(2, $"Liveness:\t{Probe(lp)}\n");
            }
            if (c.ReadinessProbe is { } rp)
            {
                w.Write(2, $"Readiness:\t{Probe(rp)}\n");
            }
            if (c.StartupProbe is { } sp)
            {
                w.Write(2, $"Startup:\t{Probe(sp)}\n");
            }
            w.Write(2, $"Environment:{(c.Env.Count == 0 ? "\t<none>" : "")}\n");
            foreach (var e in c.Env)
            {
                var lines = (e.Value ?? "").Split('\n');
                for (int i = 0; i < lines.Length; i++)
                {
                    w.Write(3, i == 0 ? $"{e.Name}:\t{lines[i]}\n" : $"\t{lines[i]}\n");
                }
            }
            w.Write(2, "Mounts:\t<none>\n");
        }
    }

    private static void State(PrefixWriter w, string name, ContainerState? state)
    {
        if (state?.Running is { } r)
        {
            w.Write(2, $"{name}:\tRunning\n");
            w.Write(3, $"Started:\t{Rfc1123Z(r.StartedAt)}\n");
        }
        else if (state?.Waiting is { } wt)
        {
            w.Write(2, $"{name}:\tWaiting\n");
            if (!string.IsNullOrEmpty(wt.Reason))
            {
                w.Write(3, $"Reason:\t{wt.Reason}\n");
            }
        }
        else if (state?.Terminated is { } t)
        {
            w.Write(2, $"{name}:\tTerminated\n");
            if (!string.IsNullOrEmpty(t.Reason))
            {
                w.Write(3, $"Reason:\t{t.Reason}\n");
            }
            if (!string.IsNullOrEmpty(t.Message))
            {
                w.Write(3, $"Message:\t{t.Message}\n");
            }
            w.Write(3, $"Exit Code:\t{t.ExitCode}\n");
            if (t.Signal is > 0)
            {
                w.Write(3, $"Signal:\t{t.Signal}\n");
            }
            w.Write(3, $"Started:\t{Rfc1123Z(t.StartedAt)}\n");
            w.Write(3, $"Finished:\t{Rfc1123Z(t.FinishedAt)}\n");
        }
        else
        {
            w.Write(2, $"{name}:\tWaiting\n");
        }
    }

    /// <summary><c>DescribeProbe</c>.</summary>
    public static string Probe(Probe p)
    {
        var attrs = $"delay={p.InitialDelaySeconds ?? 0}s timeout={p.TimeoutSeconds ?? 1}s period={p.PeriodSeconds ?? 10}s #success={p.SuccessThreshold ?? 1} #failure={p.FailureThreshold ?? 3}";
        if (p.Exec is { } e)
        {
            return $"exec [{string.Join(" ", e.Command)}] {attrs}";
        }
        if (p.HttpGet is { } h)
        {
            var scheme = (h.Scheme ?? "HTTP").ToLowerInvariant();
            var port = h.Port.ToString();
            var host = h.Host ?? "";
            if (port.Length > 0)
            {
                host = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
            }
            return $"http-get {scheme}://{host}{h.Path} {attrs}";
        }
        if (p.TcpSocket is { } t)
        {
            return $"tcp-socket {t.Host}:{t.Port} {attrs}";
        }
        if (p.Grpc is { } g)
        {
            return $"grpc <pod>:{g.Port} {g.Service} {attrs}";
        }
        return $"unknown {attrs}";
    }

    private static void Tolerations(PrefixWriter w, string title, IReadOnlyList<Toleration> tolerations)
    {
        w.Write(0, $"{title}:\t");
        if (tolerations.Count == 0)
        {
            w.WriteLine("<none>");
            return;
        }
        int i = 0;
        foreach (var t in tolerations.OrderBy(t => t.Key ?? "", StringComparer.Ordinal))
        {
            if (i++ != 0)
            {
                w.Write(0, "\t");
            }
            var text = t.Key ?? "";
            if (!string.IsNullOrEmpty(t.Value))
            {
                text += "=" + t.Value;
            }
            if (!string.IsNullOrEmpty(t.Effect))
            {
                text += ":" + t.Effect;
            }
            if (t.Operator == "Exists" && string.IsNullOrEmpty(t.Value))
            {
                text += !string.IsNullOrEmpty(t.Key) || !string.IsNullOrEmpty(t.Effect) ? " op=Exists" : "op=Exists";
            }
            if (t.TolerationSeconds is { } secs)
            {
                text += $" for {secs}s";
            }
            w.Write(0, text + "\n");
        }
    }

    private List<EndpointSlice> SlicesOf(string ns, string service) =>
        Listed("EndpointSlice", ns).Cast<EndpointSlice>()
            .Where(s => s.Namespace == ns && s.Metadata.Labels.GetValueOrDefault(EndpointSlice.ServiceNameLabel) == service)
            .OrderBy(s => s.Name, StringComparer.Ordinal).ToList();

    /// <summary><c>formatEndpointSlices</c>: ready endpoints of the named port, at most 3 then <c> + N more...</c>.</summary>
    public static string FormatEndpointSlices(IReadOnlyList<EndpointSlice> slices, string? portName)
    {
        if (slices.Count == 0)
        {
            return "<none>";
        }
        var list = new List<string>();
        const int max = 3;
        bool more = false;
        int count = 0;
        foreach (var s in slices)
        {
            if (s.Ports.Count == 0)
            {
                foreach (var e in s.Endpoints)
                {
                    if (list.Count == max)
                    {
                        more = true;
                    }
                    if (e.Conditions.Ready == false)
                    {
                        continue;
                    }
                    if (!more)
                    {
                        list.Add(e.Addresses[0]);
                    }
                    count++;
                }
            }
            else
            {
                foreach (var port in s.Ports)
                {
                    if (portName is not null && (port.Name ?? "") != portName)
                    {
                        continue;
                    }
                    foreach (var e in s.Endpoints)
                    {
                        if (list.Count == max)
                        {
                            more = true;
                        }
                        if (e.Conditions.Ready == false)
                        {
                            continue;
                        }
                        if (!more)
                        {
                            list.Add(ResourceTables.JoinHostPort(e.Addresses[0], port.Port ?? 0));
                        }
                        count++;
                    }
                }
            }
        }
        var ret = string.Join(",", list);
        return more ? $"{ret} + {count - max} more..." : ret;
    }

    private void DescribeService(Service svc, PrefixWriter w)
    {
        var slices = SlicesOf(svc.Namespace, svc.Name);
        w.Write(0, $"Name:\t{svc.Name}\n");
        w.Write(0, $"Namespace:\t{svc.Namespace}\n");
        Labels(w, "Labels", svc.Metadata.Labels);
        Annotations(w, "Annotations", svc.Metadata.Annotations);
        w.Write(0, $"Selector:\t{Format.Labels(svc.Spec.Selector)}\n");
        w.Write(0, $"Type:\t{svc.Spec.Type}\n");
        if (svc.Spec.IpFamilyPolicy is { } pol)
        {
            w.Write(0, $"IP Family Policy:\t{pol}\n");
        }
        w.Write(0, $"IP Families:\t{(svc.Spec.IpFamilies.Count > 0 ? string.Join(",", svc.Spec.IpFamilies) : "<none>")}\n");
        w.Write(0, $"IP:\t{svc.Spec.ClusterIP}\n");
        w.Write(0, $"IPs:\t{(svc.Spec.ClusterIPs.Count > 0 ? string.Join(",", svc.Spec.ClusterIPs) : "<none>")}\n");
        if (svc.Spec.ExternalIPs.Count > 0)
        {
            w.Write(0, $"External IPs:\t{string.Join(",", svc.Spec.ExternalIPs)}\n");
        }
        if (!string.IsNullOrEmpty(svc.Spec.LoadBalancerIP))
        {
            w.Write(0, $"Desired LoadBalancer IP:\t{svc.Spec.LoadBalancerIP}\n");
        }
        if (!string.IsNullOrEmpty(svc.Spec.ExternalName))
        {
            w.Write(0, $"External Name:\t{svc.Spec.ExternalName}\n");
        }
        var ingress = svc.Status?.LoadBalancer?.Ingress ?? [];
        if (ingress.Count > 0)
        {
            var list = string.Join(", ", ingress.Select(i => !string.IsNullOrEmpty(i.Ip) ? i.Ip + (i.IpMode is { } m ? $" ({m})" : "") : i.Hostname));
            w.Write(0, $"LoadBalancer Ingress:\t{list}\n");
        }
        foreach (var sp in svc.Spec.Ports)
        {
            var name = string.IsNullOrEmpty(sp.Name) ? "<unset>" : sp.Name;
            w.Write(0, $"Port:\t{name}\t{sp.Port}/{sp.Protocol}\n");
            var tp = sp.TargetPort ?? IntOrString.FromInt(sp.Port);
            w.Write(0, $"TargetPort:\t{tp}/{sp.Protocol}\n");
            if (sp.NodePort is { } np && np != 0)
            {
                w.Write(0, $"NodePort:\t{name}\t{np}/{sp.Protocol}\n");
            }
            w.Write(0, $"Endpoints:\t{FormatEndpointSlices(slices, sp.Name ?? "")}\n");
        }
        w.Write(0, $"Session Affinity:\t{svc.Spec.SessionAffinity}\n");
        if (!string.IsNullOrEmpty(svc.Spec.ExternalTrafficPolicy))
        {
            w.Write(0, $"External Traffic Policy:\t{svc.Spec.ExternalTrafficPolicy}\n");
        }
        if (svc.Spec.InternalTrafficPolicy is { } itp)
        {
            w.Write(0, $"Internal Traffic Policy:\t{itp}\n");
        }
        if (svc.Spec.HealthCheckNodePort is { } h && h != 0)
        {
            w.Write(0, $"HealthCheck NodePort:\t{h}\n");
        }
        if (svc.Spec.LoadBalancerSourceRanges.Count > 0)
        {
            w.Write(0, $"LoadBalancer Source Ranges:\t{string.Join(",", svc.Spec.LoadBalancerSourceRanges)}\n");
        }
        if (!string.IsNullOrEmpty(svc.Spec.TrafficDistribution))
        {
            w.Write(0, $"Traffic Distribution:\t{svc.Spec.TrafficDistribution}\n");
        }
        Events(w, svc);
    }

    private void DescribeNode(Node node, PrefixWriter w)
    {
        w.Write(0, $"Name:\t{node.Name}\n");
        var roles = ResourceTables.NodeRoles(node);
        w.Write(0, $"Roles:\t{(roles.Count > 0 ? string.Join(",", roles) : "<none>")}\n");
        Labels(w, "Labels", node.Metadata.Labels);
        Annotations(w, "Annotations", node.Metadata.Annotations);
        w.Write(0, $"CreationTimestamp:\t{Rfc1123Z(node.Metadata.CreationTimestamp)}\n");
        w.Write(0, "Taints:\t");
        if (node.Spec.Taints.Count == 0)
        {
            w.WriteLine("<none>");
        }
        else
        {
            int i = 0;
            foreach (var t in node.Spec.Taints.OrderBy(t => t.Effect + "," + t.Key, StringComparer.Ordinal))
            {
                if (i++ != 0)
                {
                    w.Write(0, "\t");
                }
                w.Write(0, (string.IsNullOrEmpty(t.Value) ? t.Key : $"{t.Key}={t.Value}") + ":" + t.Effect + "\n");
            }
        }
        w.Write(0, $"Unschedulable:\t{(node.Spec.Unschedulable == true ? "true" : "false")}\n");
        var heartbeat = node.Status?.Conditions.FirstOrDefault(c => c.Type == "Ready")?.LastHeartbeatTime;
        w.Write(0, "Lease:\n");
        w.Write(1, $"HolderIdentity:\t{node.Name}\n");
        w.Write(1, "AcquireTime:\t<unset>\n");
        w.Write(1, $"RenewTime:\t{(heartbeat is null ? "<unset>" : Rfc1123Z(heartbeat))}\n");
        var conditions = node.Status?.Conditions ?? [];
        if (conditions.Count > 0)
        {
            w.Write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n");
            w.Write(1, "----\t------\t-----------------\t------------------\t------\t-------\n");
            foreach (var c in conditions)
            {
                w.Write(1, $"{c.Type} \t{c.Status} \t{Rfc1123Z(c.LastHeartbeatTime)} \t{Rfc1123Z(c.LastTransitionTime)} \t{c.Reason} \t{c.Message}\n");
            }
        }
        w.Write(0, "Addresses:\n");
        foreach (var a in node.Status?.Addresses ?? [])
        {
            w.Write(1, $"{a.Type}:\t{a.Address}\n");
        }
        void Resources(IReadOnlyDictionary<string, string> list)
        {
            foreach (var (k, v) in list.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.Write(0, $"  {k}:\t{v}\n");
            }
        }
        if (node.Status?.Capacity.Count > 0)
        {
            w.Write(0, "Capacity:\n");
            Resources(node.Status.Capacity);
        }
        if (node.Status?.Allocatable.Count > 0)
        {
            w.Write(0, "Allocatable:\n");
            Resources(node.Status.Allocatable);
        }
        var info = node.Status?.NodeInfo ?? new NodeSystemInfo();
        w.Write(0, "System Info:\n");
        w.Write(0, $"  Machine ID:\t{info.MachineID}\n");
        w.Write(0, $"  System UUID:\t{info.SystemUUID}\n");
        w.Write(0, $"  Boot ID:\t{info.BootID}\n");
        w.Write(0, $"  Kernel Version:\t{info.KernelVersion}\n");
        w.Write(0, $"  OS Image:\t{info.OsImage}\n");
        w.Write(0, $"  Operating System:\t{info.OperatingSystem}\n");
        w.Write(0, $"  Architecture:\t{info.Architecture}\n");
        w.Write(0, $"  Container Runtime Version:\t{info.ContainerRuntimeVersion}\n");
        w.Write(0, $"  Kubelet Version:\t{info.KubeletVersion}\n");
        w.Write(0, $"  Kube-Proxy Version:\t{info.KubeProxyVersion}\n");
        if (!string.IsNullOrEmpty(node.Spec.PodCIDR))
        {
            w.Write(0, $"PodCIDR:\t{node.Spec.PodCIDR}\n");
        }
        if (node.Spec.PodCIDRs.Count > 0)
        {
            w.Write(0, $"PodCIDRs:\t{string.Join(",", node.Spec.PodCIDRs)}\n");
        }
        if (!string.IsNullOrEmpty(node.Spec.ProviderID))
        {
            w.Write(0, $"ProviderID:\t{node.Spec.ProviderID}\n");
        }
        var pods = Listed("Pod", null).Cast<Pod>()
            .Where(p => p.Spec.NodeName == node.Name && p.Status?.Phase is not ("Succeeded" or "Failed"))
            .OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();
        w.Write(0, $"Non-terminated Pods:\t({pods.Count} in total)\n");
        w.Write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n");
        w.Write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n");
        foreach (var p in pods)
        {
            w.Write(1, $"{p.Namespace}\t{p.Name}\t\t0 (0%)\t0 (0%)\t0 (0%)\t0 (0%)\t{Format.Age(p, now)}\n");
        }
        w.Write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n");
        w.Write(1, "Resource\tRequests\tLimits\n");
        w.Write(1, "--------\t--------\t------\n");
        w.Write(1, "cpu\t0 (0%)\t0 (0%)\n");
        w.Write(1, "memory\t0 (0%)\t0 (0%)\n");
        w.Write(1, "ephemeral-storage\t0 (0%)\t0 (0%)\n");
        foreach (var hp in (node.Status?.Allocatable ?? Empty.Map).Keys.Where(k => k.StartsWith("hugepages-", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            w.Write(1, $"{hp}\t0 (0%)\t0 (0%)\n");
        }
        Events(w, node);
    }

    private void DescribeEndpoints(Endpoints ep, PrefixWriter w)
    {
        w.Write(0, $"Name:\t{ep.Name}\n");
        w.Write(0, $"Namespace:\t{ep.Namespace}\n");
        Labels(w, "Labels", ep.Metadata.Labels);
        Annotations(w, "Annotations", ep.Metadata.Annotations);
        w.Write(0, "Subsets:\n");
        foreach (var s in ep.Subsets)
        {
            var ready = string.Join(",", s.Addresses.Select(a => a.Ip));
            w.Write(1, $"Addresses:\t{(ready.Length == 0 ? "<none>" : ready)}\n");
            var notReady = string.Join(",", s.NotReadyAddresses.Select(a => a.Ip));
            w.Write(1, $"NotReadyAddresses:\t{(notReady.Length == 0 ? "<none>" : notReady)}\n");
            if (s.Ports.Count > 0)
            {
                w.Write(1, "Ports:\n");
                w.Write(2, "Name\tPort\tProtocol\n");
                w.Write(2, "----\t----\t--------\n");
                foreach (var p in s.Ports)
                {
                    w.Write(2, $"{(string.IsNullOrEmpty(p.Name) ? "<unset>" : p.Name)}\t{p.Port}\t{p.Protocol}\n");
                }
            }
            w.Write(0, "\n");
        }
        Events(w, ep);
    }

    private void DescribeEndpointSlice(EndpointSlice eps, PrefixWriter w)
    {
        w.Write(0, $"Name:\t{eps.Name}\n");
        w.Write(0, $"Namespace:\t{eps.Namespace}\n");
        Labels(w, "Labels", eps.Metadata.Labels);
        Annotations(w, "Annotations", eps.Metadata.Annotations);
        w.Write(0, $"AddressType:\t{eps.AddressType}\n");
        if (eps.Ports.Count == 0)
        {
            w.Write(0, "Ports: <unset>\n");
        }
        else
        {
            w.Write(0, "Ports:\n");
            w.Write(1, "Name\tPort\tProtocol\n");
            w.Write(1, "----\t----\t--------\n");
            foreach (var p in eps.Ports)
            {
                w.Write(1, $"{(string.IsNullOrEmpty(p.Name) ? "<unset>" : p.Name)}\t{(p.Port is { } n ? n.ToString(CultureInfo.InvariantCulture) : "<unset>")}\t{p.Protocol}\n");
            }
        }
        if (eps.Endpoints.Count == 0)
        {
            w.Write(0, "Endpoints: <none>\n");
        }
        else
        {
            w.Write(0, "Endpoints:\n");
            foreach (var e in eps.Endpoints)
            {
                var addresses = string.Join(", ", e.Addresses);
                w.Write(1, $"- Addresses:\t{(addresses.Length == 0 ? "<none>" : addresses)}\n");
                w.Write(2, "Conditions:\n");
                w.Write(3, $"Ready:\t{(e.Conditions.Ready is { } r ? (r ? "true" : "false") : "<unset>")}\n");
                w.Write(2, $"Hostname:\t{e.Hostname ?? "<unset>"}\n");
                if (e.TargetRef is { } t)
                {
                    w.Write(2, $"TargetRef:\t{t.Kind}/{t.Name}\n");
                }
                w.Write(2, $"NodeName:\t{e.NodeName ?? "<unset>"}\n");
                w.Write(2, $"Zone:\t{e.Zone ?? "<unset>"}\n");
            }
        }
        Events(w, eps);
    }

    private string Backend(string ns, IngressBackend backend)
    {
        if (backend.Service is not { } sb)
        {
            return "";
        }
        var port = sb.Port?.Number is { } n && n != 0 ? n.ToString(CultureInfo.InvariantCulture) : sb.Port?.Name ?? "";
        var text = $"{sb.Name}:{port}";
        var svc = Listed("Service", ns).OfType<Service>().FirstOrDefault(s => s.Namespace == ns && s.Name == sb.Name);
        if (svc is null)
        {
            return $"{text} (<error: services \"{sb.Name}\" not found>)";
        }
        var spName = "";
        foreach (var sp in svc.Spec.Ports)
        {
            if (sb.Port?.Number is { } num && num != 0 && num == sp.Port)
            {
                spName = sp.Name ?? "";
            }
            else if (!string.IsNullOrEmpty(sb.Port?.Name) && sb.Port.Name == sp.Name)
            {
                spName = sp.Name ?? "";
            }
        }
        return $"{text} ({FormatEndpointSlices(SlicesOf(ns, sb.Name), spName)})";
    }

    private void DescribeIngress(Ingress ing, PrefixWriter w)
    {
        w.Write(0, $"Name:\t{ing.Name}\n");
        Labels(w, "Labels", ing.Metadata.Labels);
        w.Write(0, $"Namespace:\t{ing.Namespace}\n");
        var addresses = (ing.Status?.LoadBalancer?.Ingress ?? []).Select(i => !string.IsNullOrEmpty(i.Ip) ? i.Ip : i.Hostname ?? "")
            .Where(s => s.Length > 0).Distinct().Order(StringComparer.Ordinal);
        w.Write(0, $"Address:\t{string.Join(",", addresses)}\n");
        w.Write(0, $"Ingress Class:\t{ing.Spec.IngressClassName ?? "<none>"}\n");
        var def = ing.Spec.DefaultBackend is { } d ? Backend(ing.Namespace, d) : "<default>";
        w.Write(0, $"Default backend:\t{def}\n");
        if (ing.Spec.Tls.Count > 0)
        {
            w.Write(0, "TLS:\n");
            foreach (var t in ing.Spec.Tls)
            {
                w.Write(1, string.IsNullOrEmpty(t.SecretName) ? $"SNI routes {string.Join(",", t.Hosts)}\n" : $"{t.SecretName} terminates {string.Join(",", t.Hosts)}\n");
            }
        }
        w.Write(0, "Rules:\n  Host\tPath\tBackends\n");
        w.Write(1, "----\t----\t--------\n");
        int count = 0;
        foreach (var rule in ing.Spec.Rules)
        {
            if (rule.Http is null)
            {
                continue;
            }
            count++;
            w.Write(1, $"{(string.IsNullOrEmpty(rule.Host) ? "*" : rule.Host)}\t\n");
            foreach (var path in rule.Http.Paths)
            {
                w.Write(2, $"\t{path.Path} \t{Backend(ing.Namespace, path.Backend)}\n");
            }
        }
        if (count == 0)
        {
            w.Write(1, $"*\t*\t{def}\n");
        }
        Annotations(w, "Annotations", ing.Metadata.Annotations);
        Events(w, ing);
    }

    private static string GoTime(DateTimeOffset? t) =>
        t is null ? "0001-01-01 00:00:00 +0000 UTC" : t.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " +0000 UTC";

    private static void DescribeNetworkPolicy(NetworkPolicy np, PrefixWriter w)
    {
        w.Write(0, $"Name:\t{np.Name}\n");
        w.Write(0, $"Namespace:\t{np.Namespace}\n");
        w.Write(0, $"Created on:\t{GoTime(np.Metadata.CreationTimestamp)}\n");
        Labels(w, "Labels", np.Metadata.Labels);
        Annotations(w, "Annotations", np.Metadata.Annotations);
        var spec = np.Spec;
        w.Write(0, "Spec:\n");
        w.Write(1, "PodSelector: ");
        w.Write(2, spec.PodSelector.IsEmpty ? "<none> (Allowing the specific traffic to all pods in this namespace)\n" : Format.LabelSelector(spec.PodSelector) + "\n");
        var ingress = spec.PolicyTypes.Contains("Ingress");
        var egress = spec.PolicyTypes.Contains("Egress");
        const string indent = "    ";
        if (ingress)
        {
            w.Write(1, "Allowing ingress traffic:\n");
            Rules(w, spec.Ingress.Select(r => (r.Ports, r.From)).ToList(), indent, "From", "source", "ingress");
        }
        else
        {
            w.Write(1, "Not affecting ingress traffic\n");
        }
        if (egress)
        {
            w.Write(1, "Allowing egress traffic:\n");
            Rules(w, spec.Egress.Select(r => (r.Ports, r.To)).ToList(), indent, "To", "destination", "egress");
        }
        else
        {
            w.Write(1, "Not affecting egress traffic\n");
        }
        w.Write(1, $"Policy Types: {(spec.PolicyTypes.Count == 0 ? "<none>" : string.Join(", ", spec.PolicyTypes))}\n");
    }

    private static void Rules(PrefixWriter w, List<(IReadOnlyList<NetworkPolicyPort> Ports, IReadOnlyList<NetworkPolicyPeer> Peers)> rules,
        string indent, string peerWord, string restrictWord, string direction)
    {
        if (rules.Count == 0)
        {
            w.Write(0, $"{indent}<none> (Selected pods are isolated for {direction} connectivity)\n");
            return;
        }
        for (int i = 0; i < rules.Count; i++)
        {
            var (ports, peers) = rules[i];
            if (ports.Count == 0)
            {
                w.Write(0, $"{indent}To Port: <any> (traffic allowed to all ports)\n");
            }
            else
            {
                foreach (var p in ports)
                {
                    var proto = p.Protocol ?? "TCP";
                    var portText = p.Port?.ToString() ?? "<nil>";
                    w.Write(0, p.EndPort is { } end ? $"{indent}To Port Range: {portText}-{end}/{proto}\n" : $"{indent}To Port: {portText}/{proto}\n");
                }
            }
            if (peers.Count == 0)
            {
                w.Write(0, $"{indent}{peerWord}: <any> (traffic not restricted by {restrictWord})\n");
            }
            else
            {
                foreach (var peer in peers)
                {
                    w.Write(0, $"{indent}{peerWord}:\n");
                    if (peer.PodSelector is not null && peer.NamespaceSelector is not null)
                    {
                        w.Write(1, $"{indent}NamespaceSelector: {Format.LabelSelector(peer.NamespaceSelector)}\n");
                        w.Write(1, $"{indent}PodSelector: {Format.LabelSelector(peer.PodSelector)}\n");
                    }
                    else if (peer.PodSelector is not null)
                    {
                        w.Write(1, $"{indent}PodSelector: {Format.LabelSelector(peer.PodSelector)}\n");
                    }
                    else if (peer.NamespaceSelector is not null)
                    {
                        w.Write(1, $"{indent}NamespaceSelector: {Format.LabelSelector(peer.NamespaceSelector)}\n");
                    }
                    else if (peer.IpBlock is { } b)
                    {
                        w.Write(1, $"{indent}IPBlock:\n");
                        w.Write(2, $"{indent}CIDR: {b.Cidr}\n");
                        w.Write(2, $"{indent}Except: {string.Join(", ", b.Except)}\n");
                    }
                }
            }
            if (i != rules.Count - 1)
            {
                w.Write(0, $"{indent}----------\n");
            }
        }
    }
}

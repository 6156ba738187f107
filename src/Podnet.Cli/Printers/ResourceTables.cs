using System.Globalization;
using Podnet.Cluster.Api.Apps;
using Podnet.Cluster.Api.Batch;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Discovery;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Networking;

namespace Podnet.Cli.Printers;

/// <summary>
/// The table of each kind, column for column and cell for cell as the apiserver's table convertor
/// produces it (kubernetes <c>pkg/printers/internalversion/printers.go</c>: <c>printPod</c>,
/// <c>printService</c>, <c>printEndpoints</c>, <c>printEndpointSlice</c>, <c>printNode</c>, ...).
/// </summary>
public static class ResourceTables
{
    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>Builds the table for objects of one kind; all objects must be of <paramref name="kind"/>.</summary>
    public static Table Build(string kind, IReadOnlyList<KubeObject> objects, DateTimeOffset now, bool wide)
    {
        return kind switch
        {
            "Pod" => Make(PodColumns, objects, o => PodRow((Pod)o, now, wide)),
            "Service" => Make(ServiceColumns, objects, o => ServiceRow((Service)o, now, wide)),
            "Endpoints" => Make([new("Name"), new("Endpoints"), new("Age")], objects, o => [o.Name, FormatEndpoints((Endpoints)o), Format.Age(o, now)]),
            "EndpointSlice" => Make([new("Name"), new("AddressType"), new("Ports"), new("Endpoints"), new("Age")], objects, o => EndpointSliceRow((EndpointSlice)o, now)),
            "Node" => Make(NodeColumns, objects, o => NodeRow((Node)o, now)),
            "Namespace" => Make([new("Name"), new("Status"), new("Age")], objects, o => [o.Name, ((Namespace)o).Status?.Phase ?? "", Format.Age(o, now)]),
            "Deployment" => Make(DeploymentColumns, objects, o => DeploymentRow((Deployment)o, now)),
            "ReplicaSet" => Make(ReplicaSetColumns, objects, o => ReplicaSetRow((ReplicaSet)o, now)),
            "StatefulSet" => Make([new("Name"), new("Ready"), new("Age"), new("Containers", 1), new("Images", 1)], objects, o => StatefulSetRow((StatefulSet)o, now)),
            "DaemonSet" => Make(DaemonSetColumns, objects, o => DaemonSetRow((DaemonSet)o, now)),
            "Job" => Make(JobColumns, objects, o => JobRow((Job)o, now)),
            "Ingress" => Make([new("Name"), new("Class"), new("Hosts"), new("Address"), new("Ports"), new("Age")], objects, o => IngressRow((Ingress)o, now, wide)),
            "IngressClass" => Make([new("Name"), new("Controller"), new("Parameters"), new("Age")], objects, o => IngressClassRow((IngressClass)o, now)),
            "NetworkPolicy" => Make([new("Name"), new("Pod-Selector"), new("Age")], objects, o => [o.Name, Format.LabelSelector(((NetworkPolicy)o).Spec.PodSelector), Format.Age(o, now)]),
            "ConfigMap" => Make([new("Name"), new("Data"), new("Age")], objects, o => [o.Name, I(((ConfigMap)o).Data.Count + ((ConfigMap)o).BinaryData.Count), Format.Age(o, now)]),
            "Secret" => Make([new("Name"), new("Type"), new("Data"), new("Age")], objects, o => SecretRow((Secret)o, now)),
            "Event" => Make(EventColumns, objects, o => EventRow((Event)o, now)),
            _ => Make([new("Name"), new("Age")], objects, o => [o.Name, Format.Age(o, now)]),
        };
    }

    private static Table Make(IReadOnlyList<TableColumn> columns, IReadOnlyList<KubeObject> objects, Func<KubeObject, IReadOnlyList<string>> row) =>
        new(columns, objects.Select(o => new TableRow(row(o), o)).ToList());

    private static readonly TableColumn[] PodColumns =
    [
        new("Name"), new("Ready"), new("Status"), new("Restarts"), new("Age"),
        new("IP", 1), new("Node", 1), new("Nominated Node", 1), new("Readiness Gates", 1),
    ];

    /// <summary><c>printPod</c>: READY, STATUS (the reason logic), RESTARTS, AGE and the wide cells.</summary>
    public static IReadOnlyList<string> PodRow(Pod pod, DateTimeOffset now, bool wide)
    {
        var status = pod.Status ?? new PodStatus();
        int restarts = 0, readyContainers = 0;
        DateTimeOffset? lastRestart = null;
        var reason = status.Phase ?? "";
        if (!string.IsNullOrEmpty(status.Reason))
        {
            reason = status.Reason;
        }
        foreach (var c in status.Conditions)
        {
            if (c.Type == "PodScheduled" && c.Reason == "SchedulingGated")
            {
                reason = "SchedulingGated";
            }
        }
        bool initializing = false;
        for (int i = 0; i < status.InitContainerStatuses.Count; i++)
        {
            var c = status.InitContainerStatuses[i];
            restarts += c.RestartCount;
            if (c.State?.Terminated is { ExitCode: 0 })
            {
                continue;
            }
            if (c.State?.Terminated is { } t)
            {
                reason = string.IsNullOrEmpty(t.Reason)
                    ? (t.Signal is { } sig && sig != 0 ? $"Init:Signal:{sig}" : $"Init:ExitCode:{t.ExitCode}")
                    : "Init:" + t.Reason;
            }
            else if (c.State?.Waiting is { Reason: { Length: > 0 } wr } && wr != "PodInitializing")
            {
                reason = "Init:" + wr;
            }
            else
            {
                reason = $"Init:{i}/{pod.Spec.InitContainers.Count}";
            }
            initializing = true;
            break;
        }
        if (!initializing || status.Conditions.Any(c => c.Type == "Initialized" && c.Status == "True"))
        {
            restarts = 0;
            bool hasRunning = false;
            for (int i = status.ContainerStatuses.Count - 1; i >= 0; i--)
            {
                var c = status.ContainerStatuses[i];
                restarts += c.RestartCount;
                if (c.LastState?.Terminated?.FinishedAt is { } fin && (lastRestart is null || fin > lastRestart))
                {
                    lastRestart = fin;
                }
                if (c.State?.Waiting is { Reason: { Length: > 0 } wr })
                {
                    reason = wr;
                }
                else if (c.State?.Terminated is { Reason: { Length: > 0 } tr })
                {
                    reason = tr;
                }
                else if (c.State?.Terminated is { } t)
                {
                    reason = t.Signal is { } sig && sig != 0 ? $"Signal:{sig}" : $"ExitCode:{t.ExitCode}";
                }
                else if (c.Ready && c.State?.Running is not null)
                {
                    hasRunning = true;
                    readyContainers++;
                }
            }
            if (reason == "Completed" && hasRunning)
            {
                reason = status.Conditions.Any(c => c.Type == "Ready" && c.Status == "True") ? "Running" : "NotReady";
            }
        }
        if (pod.Metadata.DeletionTimestamp is not null && status.Reason == "NodeLost")
        {
            reason = "Unknown";
        }
        else if (pod.Metadata.DeletionTimestamp is not null && status.Phase is not ("Succeeded" or "Failed"))
        {
            reason = "Terminating";
        }
        var restartsText = restarts != 0 && lastRestart is not null
            ? $"{restarts} ({HumanDuration.Since(lastRestart, now)} ago)"
            : I(restarts);
        var cells = new List<string> { pod.Name, $"{readyContainers}/{pod.Spec.Containers.Count}", reason, restartsText, Format.Age(pod, now) };
        var ip = status.PodIPs.Count > 0 ? status.PodIPs[0].Ip : "";
        var gates = "<none>";
        if (pod.Spec.ReadinessGates.Count > 0)
        {
            int trueConditions = 0;
            foreach (var g in pod.Spec.ReadinessGates)
            {
                var c = status.Conditions.FirstOrDefault(x => x.Type == g.ConditionType);
                if (c?.Status == "True")
                {
                    trueConditions++;
                }
            }
            gates = $"{trueConditions}/{pod.Spec.ReadinessGates.Count}";
        }
        cells.Add(string.IsNullOrEmpty(ip) ? "<none>" : ip);
        cells.Add(string.IsNullOrEmpty(pod.Spec.NodeName) ? "<none>" : pod.Spec.NodeName);
        cells.Add(string.IsNullOrEmpty(status.NominatedNodeName) ? "<none>" : status.NominatedNodeName);
        cells.Add(gates);
        return cells;
    }

    private static readonly TableColumn[] ServiceColumns =
    [
        new("Name"), new("Type"), new("Cluster-IP"), new("External-IP"), new("Port(s)"), new("Age"), new("Selector", 1),
    ];

    /// <summary><c>printService</c>.</summary>
    public static IReadOnlyList<string> ServiceRow(Service svc, DateTimeOffset now, bool wide)
    {
        var internalIp = svc.Spec.ClusterIPs.Count > 0 ? svc.Spec.ClusterIPs[0] : "<none>";
        var ports = MakePortString(svc.Spec.Ports);
        if (ports.Length == 0)
        {
            ports = "<none>";
        }
        return [svc.Name, svc.Spec.Type ?? "", internalIp, ServiceExternalIp(svc, wide), ports, Format.Age(svc, now), Format.Labels(svc.Spec.Selector)];
    }

    /// <summary><c>makePortString</c>: <c>80/TCP</c> or <c>80:30080/TCP</c>, comma-joined.</summary>
    public static string MakePortString(IReadOnlyList<ServicePort> ports) =>
        string.Join(",", ports.Select(p => p.NodePort is { } np && np > 0
            ? $"{p.Port}:{np}/{p.Protocol}"
            : $"{p.Port}/{p.Protocol}"));

    /// <summary><c>getServiceExternalIP</c>.</summary>
    public static string ServiceExternalIp(Service svc, bool wide)
    {
        switch (svc.Spec.Type)
        {
            case "ClusterIP":
            case "NodePort":
                return svc.Spec.ExternalIPs.Count > 0 ? string.Join(",", svc.Spec.ExternalIPs) : "<none>";
            case "LoadBalancer":
                var lb = Format.LoadBalancerStatus(svc.Status?.LoadBalancer, wide);
                if (svc.Spec.ExternalIPs.Count > 0)
                {
                    var results = new List<string>();
                    if (lb.Length > 0)
                    {
                        results.AddRange(lb.Split(','));
                    }
                    results.AddRange(svc.Spec.ExternalIPs);
                    return string.Join(",", results);
                }
                return lb.Length > 0 ? lb : "<pending>";
            case "ExternalName":
                return svc.Spec.ExternalName ?? "";
            default:
                return "<unknown>";
        }
    }

    /// <summary><c>formatEndpoints</c>: up to 3 <c>IP:port</c>, then <c> + N more...</c>; <c>&lt;none&gt;</c> without subsets.</summary>
    public static string FormatEndpoints(Endpoints ep, ISet<string>? portNames = null)
    {
        if (ep.Subsets.Count == 0)
        {
            return "<none>";
        }
        var list = new List<string>();
        const int max = 3;
        bool more = false;
        int count = 0;
        foreach (var ss in ep.Subsets)
        {
            if (ss.Ports.Count == 0)
            {
                count += ss.Addresses.Count;
                foreach (var a in ss.Addresses)
                {
                    if (list.Count == max)
                    {
                        more = true;
                    }
                    if (!more)
                    {
                        list.Add(a.Ip);
                    }
                }
            }
            else
            {
                foreach (var port in ss.Ports)
                {
                    if (portNames is null || portNames.Contains(port.Name ?? ""))
                    {
                        count += ss.Addresses.Count;
                        foreach (var a in ss.Addresses)
                        {
                            if (list.Count == max)
                            {
                                more = true;
                            }
                            if (!more)
                            {
                                list.Add(JoinHostPort(a.Ip, port.Port ?? 0));
                            }
                        }
                    }
                }
            }
        }
        var ret = string.Join(",", list);
        return more ? $"{ret} + {count - max} more..." : ret;
    }

    /// <summary><c>net.JoinHostPort</c>.</summary>
    public static string JoinHostPort(string host, int port) =>
        host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{I(port)}" : $"{host}:{I(port)}";

    private static IReadOnlyList<string> EndpointSliceRow(EndpointSlice s, DateTimeOffset now)
    {
        var ports = s.Ports.Select(p => p.Port is { } n ? I(n) : !string.IsNullOrEmpty(p.Name) ? p.Name! : "*").ToList();
        var addresses = s.Endpoints.SelectMany(e => e.Addresses).ToList();
        return [s.Name, s.AddressType, Format.ListWithMore(ports, 3, "<unset>"), Format.ListWithMore(addresses, 3, "<unset>"), Format.Age(s, now)];
    }

    private static readonly TableColumn[] NodeColumns =
    [
        new("Name"), new("Status"), new("Roles"), new("Age"), new("Version"),
        new("Internal-IP", 1), new("External-IP", 1), new("OS-Image", 1), new("Kernel-Version", 1), new("Container-Runtime", 1),
    ];

    /// <summary><c>printNode</c>.</summary>
    public static IReadOnlyList<string> NodeRow(Node node, DateTimeOffset now)
    {
        var statuses = new List<string>();
        var ready = node.Status?.Conditions.FirstOrDefault(c => c.Type == "Ready");
        if (ready is null)
        {
            statuses.Add("Unknown");
        }
        else
        {
            statuses.Add(ready.Status == "True" ? "Ready" : ready.Status == "False" ? "NotReady" : "Unknown");
        }
        if (node.Spec.Unschedulable == true)
        {
            statuses.Add("SchedulingDisabled");
        }
        var roles = NodeRoles(node);
        var info = node.Status?.NodeInfo;
        string Or(string? v) => string.IsNullOrEmpty(v) ? "<unknown>" : v;
        string Addr(string type) => node.Status?.Addresses.FirstOrDefault(a => a.Type == type)?.Address is { Length: > 0 } a ? a : "<none>";
        return
        [
            node.Name, string.Join(",", statuses), roles.Count == 0 ? "<none>" : string.Join(",", roles), Format.Age(node, now), info?.KubeletVersion ?? "",
            Addr("InternalIP"), Addr("ExternalIP"), Or(info?.OsImage), Or(info?.KernelVersion), Or(info?.ContainerRuntimeVersion),
        ];
    }

    /// <summary><c>findNodeRoles</c>: <c>node-role.kubernetes.io/X</c> labels and <c>kubernetes.io/role</c>, sorted.</summary>
    public static List<string> NodeRoles(Node node)
    {
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (k, v) in node.Metadata.Labels)
        {
            if (k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal))
            {
                var role = k["node-role.kubernetes.io/".Length..];
                if (role.Length > 0)
                {
                    roles.Add(role);
                }
            }
            else if (k == "kubernetes.io/role" && v.Length > 0)
            {
                roles.Add(v);
            }
        }
        return roles.ToList();
    }

    private static readonly TableColumn[] DeploymentColumns =
    [
        new("Name"), new("Ready"), new("Up-to-date"), new("Available"), new("Age"), new("Containers", 1), new("Images", 1), new("Selector", 1),
    ];

    private static IReadOnlyList<string> DeploymentRow(Deployment d, DateTimeOffset now) =>
    [
        d.Name, $"{d.Status?.ReadyReplicas ?? 0}/{d.Spec.Replicas ?? 1}", I(d.Status?.UpdatedReplicas ?? 0), I(d.Status?.AvailableReplicas ?? 0),
        Format.Age(d, now), Format.ContainerNames(d.Spec.Template.Spec), Format.ContainerImages(d.Spec.Template.Spec), Format.LabelSelector(d.Spec.Selector),
    ];

    private static readonly TableColumn[] ReplicaSetColumns =
    [
        new("Name"), new("Desired"), new("Current"), new("Ready"), new("Age"), new("Containers", 1), new("Images", 1), new("Selector", 1),
    ];

    private static IReadOnlyList<string> ReplicaSetRow(ReplicaSet rs, DateTimeOffset now) =>
    [
        rs.Name, I(rs.Spec.Replicas ?? 1), I(rs.Status?.Replicas ?? 0), I(rs.Status?.ReadyReplicas ?? 0),
        Format.Age(rs, now), Format.ContainerNames(rs.Spec.Template.Spec), Format.ContainerImages(rs.Spec.Template.Spec), Format.LabelSelector(rs.Spec.Selector),
    ];

    private static IReadOnlyList<string> StatefulSetRow(StatefulSet s, DateTimeOffset now) =>
    [
        s.Name, $"{s.Status?.ReadyReplicas ?? 0}/{s.Spec.Replicas ?? 1}", Format.Age(s, now),
        Format.ContainerNames(s.Spec.Template.Spec), Format.ContainerImages(s.Spec.Template.Spec),
    ];

    private static readonly TableColumn[] DaemonSetColumns =
    [
        new("Name"), new("Desired"), new("Current"), new("Ready"), new("Up-to-date"), new("Available"), new("Node Selector"), new("Age"),
        new("Containers", 1), new("Images", 1), new("Selector", 1),
    ];

    private static IReadOnlyList<string> DaemonSetRow(DaemonSet ds, DateTimeOffset now) =>
    [
        ds.Name, I(ds.Status?.DesiredNumberScheduled ?? 0), I(ds.Status?.CurrentNumberScheduled ?? 0), I(ds.Status?.NumberReady ?? 0),
        I(ds.Status?.UpdatedNumberScheduled ?? 0), I(ds.Status?.NumberAvailable ?? 0), Format.Labels(ds.Spec.Template.Spec.NodeSelector), Format.Age(ds, now),
        Format.ContainerNames(ds.Spec.Template.Spec), Format.ContainerImages(ds.Spec.Template.Spec), Format.LabelSelector(ds.Spec.Selector),
    ];

    private static readonly TableColumn[] JobColumns =
    [
        new("Name"), new("Status"), new("Completions"), new("Duration"), new("Age"), new("Containers", 1), new("Images", 1), new("Selector", 1),
    ];

    private static IReadOnlyList<string> JobRow(Job job, DateTimeOffset now)
    {
        string completions;
        var succeeded = job.Status?.Succeeded ?? 0;
        if (job.Spec.Completions is { } c)
        {
            completions = $"{succeeded}/{c}";
        }
        else
        {
            var parallelism = job.Spec.Parallelism ?? 0;
            completions = parallelism > 1 ? $"{succeeded}/1 of {parallelism}" : $"{succeeded}/1";
        }
        var duration = "";
        if (job.Status?.StartTime is { } start)
        {
            duration = HumanDuration.Format((job.Status.CompletionTime ?? now) - start);
        }
        var conds = job.Status?.Conditions ?? [];
        bool Has(string t) => conds.Any(x => x.Type == t && x.Status == "True");
        var status = Has("Complete") ? "Complete" : Has("Failed") ? "Failed" : Has("FailureTarget") ? "FailureTarget"
            : Has("SuccessCriteriaMet") ? "SuccessCriteriaMet" : Has("Suspended") ? "Suspended" : "Running";
        return
        [
            job.Name, status, completions, duration, Format.Age(job, now),
            Format.ContainerNames(job.Spec.Template.Spec), Format.ContainerImages(job.Spec.Template.Spec), Format.LabelSelector(job.Spec.Selector),
        ];
    }

    private static IReadOnlyList<string> IngressRow(Ingress ing, DateTimeOffset now, bool wide)
    {
        var hosts = ing.Spec.Rules.Select(r => r.Host).Where(h => !string.IsNullOrEmpty(h)).Select(h => h!).ToList();
        var hostText = hosts.Count == 0 ? "*" : Format.ListWithMore(hosts, 3, "*");
        var ports = ing.Spec.Tls.Count > 0 ? "80, 443" : "80";
        return [ing.Name, ing.Spec.IngressClassName ?? "<none>", hostText, Format.LoadBalancerStatus(ing.Status?.LoadBalancer, wide), ports, Format.Age(ing, now)];
    }

    private static IReadOnlyList<string> IngressClassRow(IngressClass ic, DateTimeOffset now)
    {
        // printIngressClass: Kind[.apiGroup]/name of spec.parameters, or <none>
        var parameters = "<none>";
        if (ic.Spec.Unmodeled?.TryGetValue("parameters", out var p) == true && p.ValueKind == System.Text.Json.JsonValueKind.Object)
        {
            string Field(string name) => p.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() ?? "" : "";
            parameters = Field("kind");
            if (Field("apiGroup") is { Length: > 0 } group)
            {
                parameters += "." + group;
            }
            parameters += "/" + Field("name");
        }
        return [ic.Name, ic.Spec.Controller ?? "", parameters, Format.Age(ic, now)];
    }

    private static IReadOnlyList<string> SecretRow(Secret s, DateTimeOffset now) =>
        [s.Name, s.Type ?? "Opaque", I(s.Data.Count + s.StringData.Count), Format.Age(s, now)];

    private static readonly TableColumn[] EventColumns =
    [
        new("Last Seen"), new("Type"), new("Reason"), new("Object"), new("Message"),
    ];

    private static IReadOnlyList<string> EventRow(Event e, DateTimeOffset now)
    {
        var last = e.LastTimestamp ?? e.Metadata.CreationTimestamp;
        var obj = (e.InvolvedObject.Kind ?? "").ToLowerInvariant() + "/" + e.InvolvedObject.Name;
        return [HumanDuration.Since(last, now), e.Type ?? "", e.Reason ?? "", obj, (e.Message ?? "").Trim()];
    }
}

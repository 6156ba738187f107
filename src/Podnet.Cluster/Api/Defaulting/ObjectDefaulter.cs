using System.Text;
using System.Text.Json;
using Podnet.Cluster.Api.Apps;
using Podnet.Cluster.Api.Batch;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Discovery;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Networking;

namespace Podnet.Cluster.Api.Defaulting;

/// <summary>
/// API defaulting as the API server applies it on create (the generated <c>SetDefaults_*</c> functions of
/// <c>pkg/apis/*/v1</c>, plus the defaults the registry and built-in admission add: the namespace,
/// Service IP families, <c>kubernetes.io/metadata.name</c> on namespaces, default tolerations and
/// service account on pods). Pure: returns a new object. Idempotent: defaulting twice changes nothing.
/// </summary>
public static class ObjectDefaulter
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>Defaults any registered kind; <paramref name="defaultNamespace"/> fills an empty namespace of namespaced kinds.</summary>
    public static KubeObject Default(KubeObject obj, string defaultNamespace = "default")
    {
        obj = DefaultNamespace(obj, defaultNamespace);
        return obj switch
        {
            Pod p => DefaultPod(p),
            Service s => DefaultService(s),
            NetworkPolicy n => DefaultNetworkPolicy(n),
            Deployment d => DefaultDeployment(d),
            ReplicaSet r => r with { Spec = r.Spec with { Replicas = r.Spec.Replicas ?? 1, Template = DefaultTemplate(r.Spec.Template) } },
            StatefulSet s => DefaultStatefulSet(s),
            DaemonSet d => DefaultDaemonSet(d),
            Job j => DefaultJob(j),
            Namespace n => DefaultNamespaceObject(n),
            Secret s => DefaultSecret(s),
            Endpoints e => e with
            {
                Subsets = e.Subsets.Select(ss => ss with { Ports = ss.Ports.Select(p => p with { Protocol = p.Protocol ?? "TCP" }).ToList() }).ToList(),
            },
            EndpointSlice es => es with { Ports = es.Ports.Select(p => p with { Protocol = p.Protocol ?? "TCP" }).ToList() },
            Ingress i => i.Status is null ? i with { Status = new IngressStatus { LoadBalancer = new LoadBalancerStatus() } } : i,
            _ => obj,
        };
    }

    private static KubeObject DefaultNamespace(KubeObject obj, string defaultNamespace)
    {
        var rt = KindRegistry.For(obj);
        if (rt is null)
        {
            return obj;
        }

        if (rt.Namespaced && obj.Metadata.Namespace.Length == 0)
        {
            return obj with { Metadata = obj.Metadata with { Namespace = defaultNamespace } };
        }

        if (!rt.Namespaced && obj.Metadata.Namespace.Length > 0)
        {
            return obj with { Metadata = obj.Metadata with { Namespace = "" } };
        }

        return obj;
    }

    /// <summary>Defaults a Pod (SetDefaults_Pod, SetDefaults_PodSpec, SetDefaults_Container, DefaultTolerationSeconds, ServiceAccount admission).</summary>
    public static Pod DefaultPod(Pod pod)
    {
        // A pod written again (a controller's pod, already defaulted when it was created) keeps its spec:
        // defaulting is idempotent, and an already defaulted spec is recognised without copying it.
        return IsDefaultedPodSpec(pod.Spec) ? pod : pod with { Spec = DefaultedPodSpec(pod.Spec) };
    }

    /// <summary>
    /// A pod spec with the pod's defaults (<see cref="DefaultPod"/>'s), shared per spec instance: the replicas
    /// of one template get one defaulted spec, as the apiserver's defaulting of each created pod gives them
    /// equal ones.
    /// </summary>
    public static PodSpec DefaultedPodSpec(PodSpec spec) =>
        IsDefaultedPodSpec(spec) ? spec : PodSpecs.GetValue(spec, ComputePodSpec);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<PodSpec, PodSpec> PodSpecs = new();

    // Whether defaulting would give this spec back unchanged: every default present, and the lists the
    // shared defaulted forms that defaulting gives back as they are.
    private static bool IsDefaultedPodSpec(PodSpec spec) =>
        spec.DnsPolicy is not null && spec.RestartPolicy is not null && spec.TerminationGracePeriodSeconds is not null
        && spec.SchedulerName is not null && spec.ServiceAccountName is not null && spec.EnableServiceLinks is not null
        && spec.Priority is not null
        && spec.Unmodeled is { } u && u.ContainsKey("securityContext") && u.ContainsKey("preemptionPolicy")
        && IsFixedPoint(spec.HostNetwork == true ? HostContainers : PodContainers, spec.Containers)
        && IsFixedPoint(spec.HostNetwork == true ? HostContainers : PodContainers, spec.InitContainers)
        && spec.Tolerations.Count > 0 && IsFixedPoint(PodTolerations, spec.Tolerations); // (a pod's defaults always add or keep some)

    private static bool IsFixedPoint<T>(System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<T>, IReadOnlyList<T>> table, IReadOnlyList<T> list)
        where T : class =>
        list.Count == 0 || (table.TryGetValue(list, out var defaulted) && ReferenceEquals(defaulted, list));

    private static PodSpec ComputePodSpec(PodSpec podSpec)
    {
        var spec = DefaultPodSpec(podSpec);
        spec = spec with
        {
            Tolerations = PodTolerations.GetValue(spec.Tolerations, static list =>
            {
                var tolerations = list.ToList();
                AddDefaultToleration(tolerations, "node.kubernetes.io/not-ready");
                AddDefaultToleration(tolerations, "node.kubernetes.io/unreachable");
                return FixedPoint(PodTolerations, FixedPoint(SpecTolerations, tolerations));
            }),
            ServiceAccountName = spec.ServiceAccountName ?? "default",
            EnableServiceLinks = spec.EnableServiceLinks ?? true,
            Priority = spec.Priority ?? 0,
        };
        spec = spec with { Unmodeled = WithDefault(spec.Unmodeled, "preemptionPolicy", JsonString("PreemptLowerPriority")) };
        return spec;
    }

    private static void AddDefaultToleration(List<Toleration> tolerations, string key)
    {
        if (tolerations.Any(t => (t.Key == key || (string.IsNullOrEmpty(t.Key) && t.Operator == "Exists")) && (string.IsNullOrEmpty(t.Effect) || t.Effect == "NoExecute")))
        {
            return;
        }

        tolerations.Add(new Toleration { Key = key, Operator = "Exists", Effect = "NoExecute", TolerationSeconds = 300 });
    }

    /// <summary>Defaults a pod template (the PodSpec defaults, no admission defaults).</summary>
    public static PodTemplateSpec DefaultTemplate(PodTemplateSpec t) => t with { Spec = DefaultPodSpec(t.Spec) };

    /// <summary>SetDefaults_PodSpec and SetDefaults_Container.</summary>
    public static PodSpec DefaultPodSpec(PodSpec spec)
    {
        var hostNetwork = spec.HostNetwork == true;
        return spec with
        {
            DnsPolicy = spec.DnsPolicy ?? "ClusterFirst",
            RestartPolicy = spec.RestartPolicy ?? "Always",
            TerminationGracePeriodSeconds = spec.TerminationGracePeriodSeconds ?? 30,
            SchedulerName = spec.SchedulerName ?? "default-scheduler",
            Containers = DefaultContainers(spec.Containers, hostNetwork),
            InitContainers = DefaultContainers(spec.InitContainers, hostNetwork),
            Tolerations = SpecTolerations.GetValue(spec.Tolerations, static list =>
                list.Select(t => t with { Operator = string.IsNullOrEmpty(t.Operator) ? "Equal" : t.Operator }).ToList()),
            Unmodeled = WithDefault(spec.Unmodeled, "securityContext", EmptyObject),
        };
    }

    // The records and lists are immutable, so a list's defaulted form is computed once and shared: the
    // replicas of a template (and a stored pod written again) share their containers and tolerations
    // lists, and defaulting 150,000 pods then copies no container.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<Container>, IReadOnlyList<Container>> PodContainers = new();
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<Container>, IReadOnlyList<Container>> HostContainers = new();
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<Toleration>, IReadOnlyList<Toleration>> SpecTolerations = new();
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<Toleration>, IReadOnlyList<Toleration>> PodTolerations = new();

    private static IReadOnlyList<Container> DefaultContainers(IReadOnlyList<Container> containers, bool hostNetwork) =>
        containers.Count == 0 ? containers
        : hostNetwork ? HostContainers.GetValue(containers, static list => FixedPoint(HostContainers, list.Select(c => DefaultContainer(c, hostNetwork: true)).ToList()))
        : PodContainers.GetValue(containers, static list => FixedPoint(PodContainers, list.Select(c => DefaultContainer(c, hostNetwork: false)).ToList()));

    // Defaulting is idempotent: a defaulted list defaults to itself (recorded, so that it is given back as it
    // is and recognised as defaulted).
    private static IReadOnlyList<T> FixedPoint<T>(System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<T>, IReadOnlyList<T>> table, IReadOnlyList<T> defaulted)
        where T : class
    {
        table.TryAdd(defaulted, defaulted);
        return defaulted;
    }

    private static Container DefaultContainer(Container c, bool hostNetwork)
    {
        return c with
        {
            TerminationMessagePath = c.TerminationMessagePath ?? "/dev/termination-log",
            TerminationMessagePolicy = c.TerminationMessagePolicy ?? "File",
            ImagePullPolicy = c.ImagePullPolicy ?? DefaultPullPolicy(c.Image),
            Ports = c.Ports.Select(p => p with
            {
                Protocol = p.Protocol ?? "TCP",
                HostPort = hostNetwork && (p.HostPort ?? 0) == 0 ? p.ContainerPortNumber : p.HostPort,
            }).ToList(),
            LivenessProbe = DefaultProbe(c.LivenessProbe),
            ReadinessProbe = DefaultProbe(c.ReadinessProbe),
            StartupProbe = DefaultProbe(c.StartupProbe),
            Unmodeled = WithDefault(c.Unmodeled, "resources", EmptyObject),
        };
    }

    /// <summary>Always for <c>:latest</c> or an untagged image, else IfNotPresent.</summary>
    public static string DefaultPullPolicy(string? image)
    {
        if (string.IsNullOrEmpty(image))
        {
            return "IfNotPresent";
        }

        var name = image;
        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            return "IfNotPresent";
        }

        var slash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        if (colon <= slash)
        {
            return "Always";
        }

        return name[(colon + 1)..] == "latest" ? "Always" : "IfNotPresent";
    }

    private static Probe? DefaultProbe(Probe? p)
    {
        if (p is null)
        {
            return null;
        }

        return p with
        {
            TimeoutSeconds = p.TimeoutSeconds ?? 1,
            PeriodSeconds = p.PeriodSeconds ?? 10,
            SuccessThreshold = p.SuccessThreshold ?? 1,
            FailureThreshold = p.FailureThreshold ?? 3,
            HttpGet = p.HttpGet is null ? null : p.HttpGet with { Scheme = p.HttpGet.Scheme ?? "HTTP" },
        };
    }

    /// <summary>Defaults a Service (SetDefaults_Service plus the registry's IP family defaults for a single-stack IPv4 cluster).</summary>
    public static Service DefaultService(Service svc)
    {
        var s = svc.Spec;
        var type = s.Type ?? "ClusterIP";
        var ports = s.Ports.Select(p => p with
        {
            Protocol = p.Protocol ?? "TCP",
            TargetPort = p.TargetPort is null || (p.TargetPort.Value.IsInt && p.TargetPort.Value.IntValue == 0) || (!p.TargetPort.Value.IsInt && p.TargetPort.Value.StringValue.Length == 0)
                ? IntOrString.FromInt(p.Port)
                : p.TargetPort,
        }).ToList();
        var affinity = s.SessionAffinity ?? "None";
        var affinityConfig = s.SessionAffinityConfig;
        if (affinity == "ClientIP")
        {
            var timeout = affinityConfig?.ClientIP?.TimeoutSeconds ?? 10800;
            affinityConfig = (affinityConfig ?? new SessionAffinityConfig()) with
            {
                ClientIP = (affinityConfig?.ClientIP ?? new ClientIPConfig()) with { TimeoutSeconds = timeout },
            };
        }

        var externallyAccessible = type is "NodePort" or "LoadBalancer" || (type == "ClusterIP" && s.ExternalIPs.Count > 0);
        var clusterIPs = s.ClusterIPs.Count == 0 && !string.IsNullOrEmpty(s.ClusterIP) ? [s.ClusterIP] : s.ClusterIPs;
        var spec = s with
        {
            Type = type,
            Ports = ports,
            SessionAffinity = affinity,
            SessionAffinityConfig = affinityConfig,
            ExternalTrafficPolicy = externallyAccessible ? s.ExternalTrafficPolicy ?? "Cluster" : s.ExternalTrafficPolicy,
            InternalTrafficPolicy = type != "ExternalName" ? s.InternalTrafficPolicy ?? "Cluster" : s.InternalTrafficPolicy,
            AllocateLoadBalancerNodePorts = type == "LoadBalancer" ? s.AllocateLoadBalancerNodePorts ?? true : s.AllocateLoadBalancerNodePorts,
            ClusterIPs = clusterIPs,
        };
        if (type != "ExternalName")
        {
            var headlessNoSelector = s.ClusterIP == "None" && s.Selector.Count == 0;
            spec = spec with
            {
                IpFamilyPolicy = spec.IpFamilyPolicy ?? (headlessNoSelector ? "RequireDualStack" : "SingleStack"),
                IpFamilies = spec.IpFamilies.Count == 0 ? ["IPv4"] : spec.IpFamilies,
            };
        }

        return svc with
        {
            Spec = spec,
            Status = svc.Status ?? new ServiceStatus { LoadBalancer = new LoadBalancerStatus() },
        };
    }

    /// <summary>Defaults a NetworkPolicy: port protocol TCP; policyTypes Ingress, plus Egress when egress rules exist.</summary>
    public static NetworkPolicy DefaultNetworkPolicy(NetworkPolicy np)
    {
        var s = np.Spec;
        var types = s.PolicyTypes;
        if (types.Count == 0)
        {
            types = s.Egress.Count > 0 ? ["Ingress", "Egress"] : ["Ingress"];
        }

        return np with
        {
            Spec = s with
            {
                PolicyTypes = types,
                Ingress = s.Ingress.Select(r => r with { Ports = DefaultPolicyPorts(r.Ports) }).ToList(),
                Egress = s.Egress.Select(r => r with { Ports = DefaultPolicyPorts(r.Ports) }).ToList(),
            },
        };
    }

    private static IReadOnlyList<NetworkPolicyPort> DefaultPolicyPorts(IReadOnlyList<NetworkPolicyPort> ports) =>
        ports.Select(p => p with { Protocol = p.Protocol ?? "TCP" }).ToList();

    private static Deployment DefaultDeployment(Deployment d)
    {
        var s = d.Spec;
        var strategy = s.Strategy ?? new DeploymentStrategy();
        var type = strategy.Type ?? "RollingUpdate";
        if (type == "RollingUpdate")
        {
            var ru = strategy.RollingUpdate ?? new RollingUpdateParameters();
            strategy = strategy with
            {
                Type = type,
                RollingUpdate = ru with { MaxUnavailable = ru.MaxUnavailable ?? "25%", MaxSurge = ru.MaxSurge ?? "25%" },
            };
        }
        else
        {
            strategy = strategy with { Type = type };
        }

        return d with
        {
            Spec = s with
            {
                Replicas = s.Replicas ?? 1,
                Strategy = strategy,
                RevisionHistoryLimit = s.RevisionHistoryLimit ?? 10,
                ProgressDeadlineSeconds = s.ProgressDeadlineSeconds ?? 600,
                Template = DefaultTemplate(s.Template),
            },
        };
    }

    private static StatefulSet DefaultStatefulSet(StatefulSet st)
    {
        var s = st.Spec;
        var us = s.UpdateStrategy ?? new WorkloadUpdateStrategy();
        var type = us.Type ?? "RollingUpdate";
        us = type == "RollingUpdate"
            ? us with { Type = type, RollingUpdate = (us.RollingUpdate ?? new RollingUpdateParameters()) with { Partition = us.RollingUpdate?.Partition ?? 0 } }
            : us with { Type = type };
        return st with
        {
            Spec = s with
            {
                Replicas = s.Replicas ?? 1,
                PodManagementPolicy = s.PodManagementPolicy ?? "OrderedReady",
                UpdateStrategy = us,
                RevisionHistoryLimit = s.RevisionHistoryLimit ?? 10,
                Template = DefaultTemplate(s.Template),
            },
        };
    }

    private static DaemonSet DefaultDaemonSet(DaemonSet ds)
    {
        var s = ds.Spec;
        var us = s.UpdateStrategy ?? new WorkloadUpdateStrategy();
        var type = us.Type ?? "RollingUpdate";
        us = type == "RollingUpdate"
            ? us with
            {
                Type = type,
                RollingUpdate = (us.RollingUpdate ?? new RollingUpdateParameters()) with
                {
                    MaxUnavailable = us.RollingUpdate?.MaxUnavailable ?? 1,
                    MaxSurge = us.RollingUpdate?.MaxSurge ?? 0,
                },
            }
            : us with { Type = type };
        return ds with
        {
            Spec = s with
            {
                UpdateStrategy = us,
                RevisionHistoryLimit = s.RevisionHistoryLimit ?? 10,
                Template = DefaultTemplate(s.Template),
            },
        };
    }

    private static Job DefaultJob(Job job)
    {
        var s = job.Spec;
        var template = DefaultTemplate(s.Template);
        var selector = s.Selector;
        if (s.ManualSelector != true && selector is null && !string.IsNullOrEmpty(job.Metadata.Uid))
        {
            // The job registry's generateSelector: a selector on the job's uid, stamped on the template.
            var uid = job.Metadata.Uid!;
            selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["batch.kubernetes.io/controller-uid"] = uid } };
            var labels = new Dictionary<string, string>(template.Metadata.Labels)
            {
                ["batch.kubernetes.io/controller-uid"] = uid,
                ["batch.kubernetes.io/job-name"] = job.Name,
                ["controller-uid"] = uid,
                ["job-name"] = job.Name,
            };
            template = template with { Metadata = template.Metadata with { Labels = labels } };
        }

        return job with
        {
            Spec = s with
            {
                Parallelism = s.Parallelism ?? 1,
                Completions = s.Completions ?? 1,
                BackoffLimit = s.BackoffLimit ?? 6,
                CompletionMode = s.CompletionMode ?? "NonIndexed",
                Suspend = s.Suspend ?? false,
                Selector = selector,
                Template = template,
            },
        };
    }

    private static Namespace DefaultNamespaceObject(Namespace ns)
    {
        var labels = ns.Metadata.Labels;
        if (!labels.TryGetValue("kubernetes.io/metadata.name", out var v) || v != ns.Name)
        {
            labels = new Dictionary<string, string>(labels) { ["kubernetes.io/metadata.name"] = ns.Name };
        }

        return ns with
        {
            Metadata = ns.Metadata with { Labels = labels },
            Spec = ns.Spec ?? new NamespaceSpec { Finalizers = ["kubernetes"] },
            Status = ns.Status ?? new NamespaceStatus { Phase = "Active" },
        };
    }

    private static Secret DefaultSecret(Secret s)
    {
        var data = s.Data;
        if (s.StringData.Count > 0)
        {
            var merged = new Dictionary<string, string>(data);
            foreach (var (k, v) in s.StringData)
            {
                merged[k] = Convert.ToBase64String(Encoding.UTF8.GetBytes(v));
            }

            data = merged;
        }

        return s with { Type = s.Type ?? "Opaque", Data = data, StringData = Empty.Map };
    }

    private static JsonElement JsonString(string s) => JsonSerializer.SerializeToElement(s);

    private static Dictionary<string, JsonElement> WithDefault(Dictionary<string, JsonElement>? bag, string key, JsonElement value)
    {
        if (bag is not null && bag.ContainsKey(key))
        {
            return bag;
        }

        var copy = bag is null ? new Dictionary<string, JsonElement>() : new Dictionary<string, JsonElement>(bag);
        copy[key] = value;
        return copy;
    }
}

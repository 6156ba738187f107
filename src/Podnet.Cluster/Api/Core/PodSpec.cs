using System.Text.Json;
using System.Text.Json.Serialization;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Core;

/// <summary>Kubernetes <c>v1 PodSpec</c> (the fields that matter to networking; the rest is kept in <see cref="Unmodeled"/>).</summary>
public sealed record PodSpec
{
    // The default spec of a new pod or template, shared (immutable; see ObjectMeta.Unset).
    internal static readonly PodSpec Unset = new();

    /// <summary><c>containers</c>.</summary>
    public IReadOnlyList<Container> Containers { get; init; } = [];
    /// <summary><c>initContainers</c>.</summary>
    public IReadOnlyList<Container> InitContainers { get; init; } = [];
    /// <summary><c>restartPolicy</c>: Always (default), OnFailure, Never.</summary>
    public string? RestartPolicy { get; init; }
    /// <summary><c>terminationGracePeriodSeconds</c> (default 30).</summary>
    public long? TerminationGracePeriodSeconds { get; init; }
    /// <summary><c>dnsPolicy</c>: ClusterFirst (default), ClusterFirstWithHostNet, Default, None.</summary>
    public string? DnsPolicy { get; init; }
    /// <summary><c>nodeSelector</c>.</summary>
    public IReadOnlyDictionary<string, string> NodeSelector { get; init; } = Empty.Map;
    /// <summary><c>serviceAccountName</c>.</summary>
    public string? ServiceAccountName { get; init; }
    /// <summary><c>nodeName</c>: the node the pod is bound to (set by the scheduler).</summary>
    public string? NodeName { get; init; }
    /// <summary><c>hostNetwork</c>: run in the node's network namespace.</summary>
    public bool? HostNetwork { get; init; }
    /// <summary><c>hostname</c> (defaults to the pod name in the container).</summary>
    public string? Hostname { get; init; }
    /// <summary><c>subdomain</c>: with a headless Service of that name gives <c>hostname.subdomain.ns.svc</c>.</summary>
    public string? Subdomain { get; init; }
    /// <summary><c>schedulerName</c> (default <c>default-scheduler</c>).</summary>
    public string? SchedulerName { get; init; }
    /// <summary><c>tolerations</c>.</summary>
    public IReadOnlyList<Toleration> Tolerations { get; init; } = [];
    /// <summary><c>priority</c>.</summary>
    public int? Priority { get; init; }
    /// <summary><c>dnsConfig</c>: extra resolv.conf settings.</summary>
    public PodDnsConfig? DnsConfig { get; init; }
    /// <summary><c>readinessGates</c>: extra conditions for readiness.</summary>
    public IReadOnlyList<PodReadinessGate> ReadinessGates { get; init; } = [];
    /// <summary><c>enableServiceLinks</c> (default true): inject <c>*_SERVICE_HOST</c> variables.</summary>
    public bool? EnableServiceLinks { get; init; }
    /// <summary><c>setHostnameAsFQDN</c>.</summary>
    public bool? SetHostnameAsFqdn { get; init; }
    /// <summary>Unmodelled fields (volumes, affinity, securityContext, ...).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 Container</c>.</summary>
public sealed record Container
{
    /// <summary><c>name</c>.</summary>
    public string Name { get; init; } = "";
    /// <summary><c>image</c>: selects the emulated program.</summary>
    public string? Image { get; init; }
    /// <summary><c>command</c> (entrypoint).</summary>
    public IReadOnlyList<string> Command { get; init; } = [];
    /// <summary><c>args</c>.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];
    /// <summary><c>workingDir</c>.</summary>
    public string? WorkingDir { get; init; }
    /// <summary><c>ports</c>: informational, but named ports are resolved from here.</summary>
    public IReadOnlyList<ContainerPort> Ports { get; init; } = [];
    /// <summary><c>env</c>.</summary>
    public IReadOnlyList<EnvVar> Env { get; init; } = [];
    /// <summary><c>livenessProbe</c>.</summary>
    public Probe? LivenessProbe { get; init; }
    /// <summary><c>readinessProbe</c>.</summary>
    public Probe? ReadinessProbe { get; init; }
    /// <summary><c>startupProbe</c>.</summary>
    public Probe? StartupProbe { get; init; }
    /// <summary><c>terminationMessagePath</c> (default <c>/dev/termination-log</c>).</summary>
    public string? TerminationMessagePath { get; init; }
    /// <summary><c>terminationMessagePolicy</c> (default <c>File</c>).</summary>
    public string? TerminationMessagePolicy { get; init; }
    /// <summary><c>imagePullPolicy</c> (Always for <c>:latest</c> or no tag, else IfNotPresent).</summary>
    public string? ImagePullPolicy { get; init; }
    /// <summary>Unmodelled fields (resources, volumeMounts, securityContext, ...).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 ContainerPort</c>.</summary>
public sealed record ContainerPort
{
    /// <summary><c>name</c>: an IANA_SVC_NAME that Services and NetworkPolicies may refer to.</summary>
    public string? Name { get; init; }
    /// <summary><c>hostPort</c>.</summary>
    public int? HostPort { get; init; }
    /// <summary><c>containerPort</c>.</summary>
    [JsonPropertyName("containerPort")]
    public int ContainerPortNumber { get; init; }
    /// <summary><c>protocol</c>: TCP (default), UDP, SCTP.</summary>
    public string? Protocol { get; init; }
    /// <summary><c>hostIP</c>.</summary>
    public string? HostIP { get; init; }
    /// <summary>Unmodelled fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 EnvVar</c> (valueFrom is kept unmodelled).</summary>
public sealed record EnvVar
{
    /// <summary><c>name</c>.</summary>
    public string Name { get; init; } = "";
    /// <summary><c>value</c>.</summary>
    public string? Value { get; init; }
    /// <summary>Unmodelled fields (valueFrom).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 Probe</c>: exec, httpGet, tcpSocket or grpc check with timing.</summary>
public sealed record Probe
{
    /// <summary><c>exec</c>.</summary>
    public ExecAction? Exec { get; init; }
    /// <summary><c>httpGet</c>.</summary>
    public HttpGetAction? HttpGet { get; init; }
    /// <summary><c>tcpSocket</c>.</summary>
    public TcpSocketAction? TcpSocket { get; init; }
    /// <summary><c>grpc</c>.</summary>
    public GrpcAction? Grpc { get; init; }
    /// <summary><c>initialDelaySeconds</c>.</summary>
    public int? InitialDelaySeconds { get; init; }
    /// <summary><c>timeoutSeconds</c> (default 1).</summary>
    public int? TimeoutSeconds { get; init; }
    /// <summary><c>periodSeconds</c> (default 10).</summary>
    public int? PeriodSeconds { get; init; }
    /// <summary><c>successThreshold</c> (default 1).</summary>
    public int? SuccessThreshold { get; init; }
    /// <summary><c>failureThreshold</c> (default 3).</summary>
    public int? FailureThreshold { get; init; }
    /// <summary><c>terminationGracePeriodSeconds</c>.</summary>
    public long? TerminationGracePeriodSeconds { get; init; }
    /// <summary>Unmodelled fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 ExecAction</c>.</summary>
public sealed record ExecAction
{
    /// <summary><c>command</c>.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];
    /// <summary>Unmodelled fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 HTTPGetAction</c>.</summary>
public sealed record HttpGetAction
{
    /// <summary><c>path</c>.</summary>
    public string? Path { get; init; }
    /// <summary><c>port</c>: number or container port name.</summary>
    public IntOrString Port { get; init; }
    /// <summary><c>host</c> (default: the pod IP).</summary>
    public string? Host { get; init; }
    /// <summary><c>scheme</c> (default HTTP).</summary>
    public string? Scheme { get; init; }
    /// <summary><c>httpHeaders</c>.</summary>
    public IReadOnlyList<HttpHeader> HttpHeaders { get; init; } = [];
    /// <summary>Unmodelled fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 HTTPHeader</c>.</summary>
public sealed record HttpHeader
{
    /// <summary>Header name.</summary>
    public string Name { get; init; } = "";
    /// <summary>Header value.</summary>
    public string Value { get; init; } = "";
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 TCPSocketAction</c>.</summary>
public sealed record TcpSocketAction
{
    /// <summary><c>port</c>: number or container port name.</summary>
    public IntOrString Port { get; init; }
    /// <summary><c>host</c>.</summary>
    public string? Host { get; init; }
    /// <summary>Unmodelled fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 GRPCAction</c>.</summary>
public sealed record GrpcAction
{
    /// <summary><c>port</c>.</summary>
    public int Port { get; init; }
    /// <summary><c>service</c>.</summary>
    public string? Service { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 Toleration</c>.</summary>
public sealed record Toleration
{
    /// <summary><c>key</c> (empty with Exists tolerates everything).</summary>
    public string? Key { get; init; }
    /// <summary><c>operator</c>: Equal (default) or Exists.</summary>
    public string? Operator { get; init; }
    /// <summary><c>value</c>.</summary>
    public string? Value { get; init; }
    /// <summary><c>effect</c>: NoSchedule, PreferNoSchedule, NoExecute; empty = all.</summary>
    public string? Effect { get; init; }
    /// <summary><c>tolerationSeconds</c>.</summary>
    public long? TolerationSeconds { get; init; }

    /// <summary>Whether this toleration tolerates <paramref name="taint"/> (as <c>v1helper.TolerationsTolerateTaint</c>).</summary>
    public bool Tolerates(Taint taint)
    {
        if (!string.IsNullOrEmpty(Effect) && Effect != taint.Effect)
        {
            return false;
        }

        if (!string.IsNullOrEmpty(Key) && Key != taint.Key)
        {
            return false;
        }

        return (Operator ?? "Equal") switch
        {
            "Exists" => true,
            "Equal" or "" => (Value ?? "") == (taint.Value ?? ""),
            _ => false,
        };
    }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 PodDNSConfig</c>.</summary>
public sealed record PodDnsConfig
{
    /// <summary><c>nameservers</c>.</summary>
    public IReadOnlyList<string> Nameservers { get; init; } = [];
    /// <summary><c>searches</c>.</summary>
    public IReadOnlyList<string> Searches { get; init; } = [];
    /// <summary><c>options</c>.</summary>
    public IReadOnlyList<PodDnsConfigOption> Options { get; init; } = [];
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 PodDNSConfigOption</c>: a resolv.conf option such as <c>ndots:2</c>.</summary>
public sealed record PodDnsConfigOption
{
    /// <summary><c>name</c>.</summary>
    public string Name { get; init; } = "";
    /// <summary><c>value</c>.</summary>
    public string? Value { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 PodReadinessGate</c>.</summary>
public sealed record PodReadinessGate
{
    /// <summary><c>conditionType</c>.</summary>
    public string ConditionType { get; init; } = "";
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

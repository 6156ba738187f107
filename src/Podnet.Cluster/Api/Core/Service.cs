using System.Text.Json;
using System.Text.Json.Serialization;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Core;

/// <summary>Kubernetes <c>v1 Service</c>: a stable virtual IP/ports in front of selected pods (realized by kube-proxy's NAT rules).</summary>
public sealed record Service : KubeObject
{
    /// <summary>Creates an empty Service with apiVersion and kind set.</summary>
    public Service()
    {
        ApiVersion = "v1";
        Kind = "Service";
    }

    /// <summary>Desired state.</summary>
    public ServiceSpec Spec { get; init; } = new();

    /// <summary>Observed state (load-balancer ingress).</summary>
    public ServiceStatus? Status { get; init; }
}

/// <summary>Kubernetes <c>v1 ServiceSpec</c>.</summary>
public sealed record ServiceSpec
{
    /// <summary><c>ports</c>.</summary>
    public IReadOnlyList<ServicePort> Ports { get; init; } = [];
    /// <summary><c>selector</c>: pods with these labels are the endpoints; empty = no managed endpoints.</summary>
    public IReadOnlyDictionary<string, string> Selector { get; init; } = Empty.Map;
    /// <summary><c>clusterIP</c>: the virtual IP, <c>None</c> for headless, empty to allocate.</summary>
    public string? ClusterIP { get; init; }
    /// <summary><c>clusterIPs</c>.</summary>
    public IReadOnlyList<string> ClusterIPs { get; init; } = [];
    /// <summary><c>type</c>: ClusterIP (default), NodePort, LoadBalancer, ExternalName.</summary>
    public string? Type { get; init; }
    /// <summary><c>externalIPs</c>.</summary>
    public IReadOnlyList<string> ExternalIPs { get; init; } = [];
    /// <summary><c>sessionAffinity</c>: None (default) or ClientIP.</summary>
    public string? SessionAffinity { get; init; }
    /// <summary><c>loadBalancerIP</c> (deprecated request for a LB address).</summary>
    public string? LoadBalancerIP { get; init; }
    /// <summary><c>loadBalancerSourceRanges</c>: CIDRs allowed through the load balancer.</summary>
    public IReadOnlyList<string> LoadBalancerSourceRanges { get; init; } = [];
    /// <summary><c>externalName</c> (type ExternalName): the CNAME target.</summary>
    public string? ExternalName { get; init; }
    /// <summary><c>externalTrafficPolicy</c>: Cluster or Local (NodePort/LoadBalancer only).</summary>
    public string? ExternalTrafficPolicy { get; init; }
    /// <summary><c>healthCheckNodePort</c> (LoadBalancer with Local policy).</summary>
    public int? HealthCheckNodePort { get; init; }
    /// <summary><c>publishNotReadyAddresses</c>.</summary>
    public bool? PublishNotReadyAddresses { get; init; }
    /// <summary><c>sessionAffinityConfig</c>.</summary>
    public SessionAffinityConfig? SessionAffinityConfig { get; init; }
    /// <summary><c>ipFamilies</c>: IPv4 / IPv6.</summary>
    public IReadOnlyList<string> IpFamilies { get; init; } = [];
    /// <summary><c>ipFamilyPolicy</c>: SingleStack, PreferDualStack, RequireDualStack.</summary>
    public string? IpFamilyPolicy { get; init; }
    /// <summary><c>allocateLoadBalancerNodePorts</c>.</summary>
    public bool? AllocateLoadBalancerNodePorts { get; init; }
    /// <summary><c>loadBalancerClass</c>.</summary>
    public string? LoadBalancerClass { get; init; }
    /// <summary><c>internalTrafficPolicy</c>: Cluster (default) or Local.</summary>
    public string? InternalTrafficPolicy { get; init; }
    /// <summary><c>trafficDistribution</c>.</summary>
    public string? TrafficDistribution { get; init; }
    /// <summary>Unmodelled fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 ServicePort</c>.</summary>
public sealed record ServicePort
{
    /// <summary><c>name</c> (required when there are several ports).</summary>
    public string? Name { get; init; }
    /// <summary><c>protocol</c>: TCP (default), UDP, SCTP.</summary>
    public string? Protocol { get; init; }
    /// <summary><c>appProtocol</c>.</summary>
    public string? AppProtocol { get; init; }
    /// <summary><c>port</c>: the service port.</summary>
    public int Port { get; init; }
    /// <summary><c>targetPort</c>: number or named container port (default = port).</summary>
    public IntOrString? TargetPort { get; init; }
    /// <summary><c>nodePort</c> (NodePort/LoadBalancer).</summary>
    public int? NodePort { get; init; }
    /// <summary>Unmodelled fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 SessionAffinityConfig</c>.</summary>
public sealed record SessionAffinityConfig
{
    /// <summary><c>clientIP</c>.</summary>
    public ClientIPConfig? ClientIP { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 ClientIPConfig</c>.</summary>
public sealed record ClientIPConfig
{
    /// <summary><c>timeoutSeconds</c> (default 10800).</summary>
    public int? TimeoutSeconds { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 ServiceStatus</c>.</summary>
public sealed record ServiceStatus
{
    /// <summary><c>loadBalancer</c>.</summary>
    public LoadBalancerStatus? LoadBalancer { get; init; }
    /// <summary><c>conditions</c>.</summary>
    public IReadOnlyList<Condition> Conditions { get; init; } = [];
    /// <summary>Unmodelled fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 LoadBalancerStatus</c> (also used by Ingress status).</summary>
public sealed record LoadBalancerStatus
{
    /// <summary><c>ingress</c>: the addresses of the load balancer.</summary>
    public IReadOnlyList<LoadBalancerIngress> Ingress { get; init; } = [];
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 LoadBalancerIngress</c>.</summary>
public sealed record LoadBalancerIngress
{
    /// <summary><c>ip</c>.</summary>
    public string? Ip { get; init; }
    /// <summary><c>hostname</c>.</summary>
    public string? Hostname { get; init; }
    /// <summary><c>ipMode</c>: VIP or Proxy.</summary>
    public string? IpMode { get; init; }
    /// <summary>Unmodelled fields (ports).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

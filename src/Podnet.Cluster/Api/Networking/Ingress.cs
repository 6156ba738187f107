using System.Text.Json;
using System.Text.Json.Serialization;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Networking;

/// <summary>Kubernetes <c>networking.k8s.io/v1 Ingress</c>: HTTP host/path routing to Services.</summary>
public sealed record Ingress : KubeObject
{
    /// <summary>Creates an empty Ingress with apiVersion and kind set.</summary>
    public Ingress()
    {
        ApiVersion = "networking.k8s.io/v1";
        Kind = "Ingress";
    }

    /// <summary>Desired state.</summary>
    public IngressSpec Spec { get; init; } = new();

    /// <summary>Observed state (load-balancer addresses).</summary>
    public IngressStatus? Status { get; init; }
}

/// <summary>Kubernetes <c>networking.k8s.io/v1 IngressSpec</c>.</summary>
public sealed record IngressSpec
{
    /// <summary><c>ingressClassName</c>.</summary>
    public string? IngressClassName { get; init; }
    /// <summary><c>defaultBackend</c>.</summary>
    public IngressBackend? DefaultBackend { get; init; }
    /// <summary><c>tls</c>.</summary>
    public IReadOnlyList<IngressTls> Tls { get; init; } = [];
    /// <summary><c>rules</c>.</summary>
    public IReadOnlyList<IngressRule> Rules { get; init; } = [];
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>networking.k8s.io/v1 IngressBackend</c>.</summary>
public sealed record IngressBackend
{
    /// <summary><c>service</c>.</summary>
    public IngressServiceBackend? Service { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>networking.k8s.io/v1 IngressServiceBackend</c>.</summary>
public sealed record IngressServiceBackend
{
    /// <summary><c>name</c>: the Service.</summary>
    public string Name { get; init; } = "";
    /// <summary><c>port</c>.</summary>
    public ServiceBackendPort? Port { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>networking.k8s.io/v1 ServiceBackendPort</c>: a port number or a port name.</summary>
public sealed record ServiceBackendPort
{
    /// <summary><c>name</c>.</summary>
    public string? Name { get; init; }
    /// <summary><c>number</c>.</summary>
    public int? Number { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>networking.k8s.io/v1 IngressTLS</c>.</summary>
public sealed record IngressTls
{
    /// <summary><c>hosts</c>.</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];
    /// <summary><c>secretName</c>.</summary>
    public string? SecretName { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>networking.k8s.io/v1 IngressRule</c>.</summary>
public sealed record IngressRule
{
    /// <summary><c>host</c> (may be a <c>*.</c> wildcard).</summary>
    public string? Host { get; init; }
    /// <summary><c>http</c>.</summary>
    public HttpIngressRuleValue? Http { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>networking.k8s.io/v1 HTTPIngressRuleValue</c>.</summary>
public sealed record HttpIngressRuleValue
{
    /// <summary><c>paths</c>.</summary>
    public IReadOnlyList<HttpIngressPath> Paths { get; init; } = [];
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>networking.k8s.io/v1 HTTPIngressPath</c>.</summary>
public sealed record HttpIngressPath
{
    /// <summary><c>path</c>.</summary>
    public string? Path { get; init; }
    /// <summary><c>pathType</c>: Exact, Prefix or ImplementationSpecific.</summary>
    public string? PathType { get; init; }
    /// <summary><c>backend</c>.</summary>
    public IngressBackend Backend { get; init; } = new();
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>networking.k8s.io/v1 IngressStatus</c>.</summary>
public sealed record IngressStatus
{
    /// <summary><c>loadBalancer</c>.</summary>
    public LoadBalancerStatus? LoadBalancer { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

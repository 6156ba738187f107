using System.Text.Json;
using System.Text.Json.Serialization;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Discovery;

/// <summary>
/// Kubernetes <c>discovery.k8s.io/v1 EndpointSlice</c>: up to 100 endpoints of a Service (labelled
/// <c>kubernetes.io/service-name</c>), what kube-proxy programs its backends from.
/// </summary>
public sealed record EndpointSlice : KubeObject
{
    /// <summary>Label naming the owning Service.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    /// <summary>Label naming the managing controller.</summary>
    public const string ManagedByLabel = "endpointslice.kubernetes.io/managed-by";

    /// <summary>The value of <see cref="ManagedByLabel"/> written by the EndpointSlice controller.</summary>
    public const string ControllerName = "endpointslice-controller.k8s.io";

    /// <summary>Creates an empty EndpointSlice with apiVersion and kind set.</summary>
    public EndpointSlice()
    {
        ApiVersion = "discovery.k8s.io/v1";
        Kind = "EndpointSlice";
    }

    /// <summary><c>addressType</c>: IPv4, IPv6 or FQDN.</summary>
    public string AddressType { get; init; } = "";

    /// <summary><c>endpoints</c>.</summary>
    public IReadOnlyList<Endpoint> Endpoints { get; init; } = [];

    /// <summary><c>ports</c> (resolved target ports).</summary>
    public IReadOnlyList<EndpointPort> Ports { get; init; } = [];
}

/// <summary>Kubernetes <c>discovery.k8s.io/v1 Endpoint</c>.</summary>
public sealed record Endpoint
{
    /// <summary><c>addresses</c>.</summary>
    public IReadOnlyList<string> Addresses { get; init; } = [];
    /// <summary><c>conditions</c>.</summary>
    public EndpointConditions Conditions { get; init; } = new();
    /// <summary><c>hostname</c>.</summary>
    public string? Hostname { get; init; }
    /// <summary><c>targetRef</c>: the backing Pod.</summary>
    public ObjectReference? TargetRef { get; init; }
    /// <summary><c>nodeName</c>.</summary>
    public string? NodeName { get; init; }
    /// <summary><c>zone</c>.</summary>
    public string? Zone { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>discovery.k8s.io/v1 EndpointConditions</c>; null means unknown (treated as true for ready/serving).</summary>
public sealed record EndpointConditions
{
    /// <summary><c>ready</c>.</summary>
    public bool? Ready { get; init; }
    /// <summary><c>serving</c>.</summary>
    public bool? Serving { get; init; }
    /// <summary><c>terminating</c>.</summary>
    public bool? Terminating { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

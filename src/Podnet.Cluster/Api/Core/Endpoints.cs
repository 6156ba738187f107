using System.Text.Json;
using System.Text.Json.Serialization;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Core;

/// <summary>Kubernetes <c>v1 Endpoints</c> (the legacy mirror of EndpointSlices).</summary>
public sealed record Endpoints : KubeObject
{
    /// <summary>Creates an empty Endpoints with apiVersion and kind set.</summary>
    public Endpoints()
    {
        ApiVersion = "v1";
        Kind = "Endpoints";
    }

    /// <summary><c>subsets</c>.</summary>
    public IReadOnlyList<EndpointSubset> Subsets { get; init; } = [];
}

/// <summary>Kubernetes <c>v1 EndpointSubset</c>: addresses × ports.</summary>
public sealed record EndpointSubset
{
    /// <summary><c>addresses</c>: ready endpoints.</summary>
    public IReadOnlyList<EndpointAddress> Addresses { get; init; } = [];
    /// <summary><c>notReadyAddresses</c>.</summary>
    public IReadOnlyList<EndpointAddress> NotReadyAddresses { get; init; } = [];
    /// <summary><c>ports</c>.</summary>
    public IReadOnlyList<EndpointPort> Ports { get; init; } = [];
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 EndpointAddress</c>.</summary>
public sealed record EndpointAddress
{
    /// <summary><c>ip</c>.</summary>
    public string Ip { get; init; } = "";
    /// <summary><c>hostname</c>.</summary>
    public string? Hostname { get; init; }
    /// <summary><c>nodeName</c>.</summary>
    public string? NodeName { get; init; }
    /// <summary><c>targetRef</c>.</summary>
    public ObjectReference? TargetRef { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 EndpointPort</c> and <c>discovery/v1 EndpointPort</c>.</summary>
public sealed record EndpointPort
{
    /// <summary><c>name</c>.</summary>
    public string? Name { get; init; }
    /// <summary><c>port</c>.</summary>
    public int? Port { get; init; }
    /// <summary><c>protocol</c>.</summary>
    public string? Protocol { get; init; }
    /// <summary><c>appProtocol</c>.</summary>
    public string? AppProtocol { get; init; }
    /// <summary>Unmodelled fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

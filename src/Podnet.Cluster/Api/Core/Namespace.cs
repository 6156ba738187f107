using System.Text.Json;
using System.Text.Json.Serialization;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Core;

/// <summary>Kubernetes <c>v1 Namespace</c> (cluster-scoped).</summary>
public sealed record Namespace : KubeObject
{
    /// <summary>Creates an empty Namespace with apiVersion and kind set.</summary>
    public Namespace()
    {
        ApiVersion = "v1";
        Kind = "Namespace";
    }

    /// <summary>Spec (finalizers).</summary>
    public NamespaceSpec? Spec { get; init; }

    /// <summary>Status (phase).</summary>
    public NamespaceStatus? Status { get; init; }
}

/// <summary>Kubernetes <c>v1 NamespaceSpec</c>.</summary>
public sealed record NamespaceSpec
{
    /// <summary><c>finalizers</c>.</summary>
    public IReadOnlyList<string> Finalizers { get; init; } = [];
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>v1 NamespaceStatus</c>.</summary>
public sealed record NamespaceStatus
{
    /// <summary><c>phase</c>: Active or Terminating.</summary>
    public string? Phase { get; init; }
    /// <summary>Unmodelled fields (conditions).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

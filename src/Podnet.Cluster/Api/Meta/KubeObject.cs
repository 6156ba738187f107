using System.Text.Json;
using System.Text.Json.Serialization;

namespace Podnet.Cluster.Api.Meta;

/// <summary>
/// The common shape of every Kubernetes API object (Go: <c>metav1.TypeMeta</c> + <c>metav1.ObjectMeta</c>,
/// the <c>runtime.Object</c> interface). Concrete kinds are sealed records deriving from this one.
/// Fields Podnet does not model are kept in <see cref="Unmodeled"/> (at every level of the object, each
/// modelled record has its own) and written back unchanged.
/// </summary>
public abstract record KubeObject
{
    /// <summary>The group/version, e.g. <c>v1</c>, <c>apps/v1</c>, <c>networking.k8s.io/v1</c>.</summary>
    [JsonPropertyOrder(-3)]
    public string ApiVersion { get; init; } = "";

    /// <summary>The kind, e.g. <c>Pod</c>.</summary>
    [JsonPropertyOrder(-2)]
    public string Kind { get; init; } = "";

    /// <summary>Standard object metadata.</summary>
    [JsonPropertyOrder(-1)]
    public ObjectMeta Metadata { get; init; } = ObjectMeta.Unset;

    /// <summary>Top-level fields Podnet does not model, kept verbatim for round trips.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }

    /// <summary>Shortcut for <c>Metadata.Name</c>.</summary>
    [JsonIgnore]
    public string Name => Metadata.Name;

    /// <summary>Shortcut for <c>Metadata.Namespace</c> (empty for cluster-scoped objects).</summary>
    [JsonIgnore]
    public string Namespace => Metadata.Namespace;
}

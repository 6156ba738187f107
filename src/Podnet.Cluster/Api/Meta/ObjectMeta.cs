using System.Text.Json;
using System.Text.Json.Serialization;

namespace Podnet.Cluster.Api.Meta;

/// <summary>Kubernetes <c>metav1.ObjectMeta</c>: the metadata every persisted object has.</summary>
public sealed record ObjectMeta
{
    // The default of a new object's metadata, shared: the records are immutable, and a fresh default
    // per object (replaced at once by an initializer in nearly every construction) is garbage.
    internal static readonly ObjectMeta Unset = new();

    /// <summary><c>metadata.name</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary><c>metadata.generateName</c>: prefix for a server-generated name when <see cref="Name"/> is empty.</summary>
    public string? GenerateName { get; init; }

    /// <summary><c>metadata.namespace</c>; empty for cluster-scoped kinds (and before defaulting).</summary>
    public string Namespace { get; init; } = "";

    /// <summary><c>metadata.uid</c>, assigned by the store on create.</summary>
    public string? Uid { get; init; }

    /// <summary><c>metadata.resourceVersion</c>: the store's revision at the last write of this object.</summary>
    public string? ResourceVersion { get; init; }

    /// <summary><c>metadata.generation</c>: bumped by the store when the desired state (spec) changes.</summary>
    public long? Generation { get; init; }

    /// <summary><c>metadata.creationTimestamp</c>, RFC 3339 in UTC.</summary>
    public DateTimeOffset? CreationTimestamp { get; init; }

    /// <summary><c>metadata.deletionTimestamp</c>: set while the object is terminating.</summary>
    public DateTimeOffset? DeletionTimestamp { get; init; }

    /// <summary><c>metadata.deletionGracePeriodSeconds</c>.</summary>
    public long? DeletionGracePeriodSeconds { get; init; }

    /// <summary><c>metadata.labels</c>.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = Empty.Map;

    /// <summary><c>metadata.annotations</c>.</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = Empty.Map;

    /// <summary><c>metadata.ownerReferences</c>.</summary>
    public IReadOnlyList<OwnerReference> OwnerReferences { get; init; } = [];

    /// <summary><c>metadata.finalizers</c>.</summary>
    public IReadOnlyList<string> Finalizers { get; init; } = [];

    /// <summary>Metadata fields Podnet does not model (managedFields, ...), kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

/// <summary>Kubernetes <c>metav1.OwnerReference</c>: the controller (or other owner) of an object.</summary>
public sealed record OwnerReference
{
    /// <summary>Owner's apiVersion.</summary>
    public string ApiVersion { get; init; } = "";
    /// <summary>Owner's kind.</summary>
    public string Kind { get; init; } = "";
    /// <summary>Owner's name.</summary>
    public string Name { get; init; } = "";
    /// <summary>Owner's uid.</summary>
    public string Uid { get; init; } = "";
    /// <summary>True when the owner is the managing controller.</summary>
    public bool? Controller { get; init; }
    /// <summary>Foreground deletion blocking flag.</summary>
    public bool? BlockOwnerDeletion { get; init; }
    /// <summary>Unmodelled fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

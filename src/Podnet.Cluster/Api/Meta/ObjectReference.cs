using System.Text.Json;
using System.Text.Json.Serialization;

namespace Podnet.Cluster.Api.Meta;

/// <summary>Kubernetes <c>corev1.ObjectReference</c> (EndpointSlice targetRef, Event involvedObject).</summary>
public sealed record ObjectReference
{
    // The default of an event's involved object, shared (immutable; see ObjectMeta.Unset).
    internal static readonly ObjectReference Unset = new();

    /// <summary>Kind of the referent.</summary>
    public string? Kind { get; init; }
    /// <summary>Namespace of the referent.</summary>
    public string? Namespace { get; init; }
    /// <summary>Name of the referent.</summary>
    public string? Name { get; init; }
    /// <summary>UID of the referent.</summary>
    public string? Uid { get; init; }
    /// <summary>API version of the referent.</summary>
    public string? ApiVersion { get; init; }
    /// <summary>Resource version of the referent.</summary>
    public string? ResourceVersion { get; init; }
    /// <summary>Field path within the referent, e.g. <c>spec.containers{web}</c>.</summary>
    public string? FieldPath { get; init; }
    /// <summary>Unmodelled fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

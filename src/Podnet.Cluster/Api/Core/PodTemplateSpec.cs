using System.Text.Json;
using System.Text.Json.Serialization;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Core;

/// <summary>Kubernetes <c>v1 PodTemplateSpec</c>: the pod a workload controller stamps out.</summary>
public sealed record PodTemplateSpec
{
    /// <summary>Template metadata (labels, annotations).</summary>
    public ObjectMeta Metadata { get; init; } = ObjectMeta.Unset;
    /// <summary>Template pod spec.</summary>
    public PodSpec Spec { get; init; } = PodSpec.Unset;
    /// <summary>Unmodelled fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

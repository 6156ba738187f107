using System.Text.Json;
using System.Text.Json.Serialization;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Networking;

/// <summary>Kubernetes <c>networking.k8s.io/v1 IngressClass</c> (cluster-scoped): which controller serves an Ingress.</summary>
public sealed record IngressClass : KubeObject
{
    /// <summary>Annotation that marks the default class.</summary>
    public const string IsDefaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class";

    /// <summary>Creates an empty IngressClass with apiVersion and kind set.</summary>
    public IngressClass()
    {
        ApiVersion = "networking.k8s.io/v1";
        Kind = "IngressClass";
    }

    /// <summary>Desired state.</summary>
    public IngressClassSpec Spec { get; init; } = new();
}

/// <summary>Kubernetes <c>networking.k8s.io/v1 IngressClassSpec</c> (parameters kept unmodelled).</summary>
public sealed record IngressClassSpec
{
    /// <summary><c>controller</c>, e.g. <c>k8s.io/ingress-nginx</c>.</summary>
    public string? Controller { get; init; }
    /// <summary>Unmodelled fields, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unmodeled { get; init; }
}

using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Core;

/// <summary>Kubernetes <c>v1 ConfigMap</c> (e.g. the CoreDNS Corefile).</summary>
public sealed record ConfigMap : KubeObject
{
    /// <summary>Creates an empty ConfigMap with apiVersion and kind set.</summary>
    public ConfigMap()
    {
        ApiVersion = "v1";
        Kind = "ConfigMap";
    }

    /// <summary><c>data</c>.</summary>
    public IReadOnlyDictionary<string, string> Data { get; init; } = Empty.Map;

    /// <summary><c>binaryData</c> (base64).</summary>
    public IReadOnlyDictionary<string, string> BinaryData { get; init; } = Empty.Map;

    /// <summary><c>immutable</c>.</summary>
    public bool? Immutable { get; init; }
}

using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Core;

/// <summary>Kubernetes <c>v1 Secret</c>: base64 <c>data</c>; <c>stringData</c> is merged into data on write.</summary>
public sealed record Secret : KubeObject
{
    /// <summary>Creates an empty Secret with apiVersion and kind set.</summary>
    public Secret()
    {
        ApiVersion = "v1";
        Kind = "Secret";
    }

    /// <summary><c>type</c> (default Opaque).</summary>
    public string? Type { get; init; }

    /// <summary><c>data</c>: base64-encoded values.</summary>
    public IReadOnlyDictionary<string, string> Data { get; init; } = Empty.Map;

    /// <summary><c>stringData</c>: plain values (write-only; defaulting moves them into <see cref="Data"/>).</summary>
    public IReadOnlyDictionary<string, string> StringData { get; init; } = Empty.Map;

    /// <summary><c>immutable</c>.</summary>
    public bool? Immutable { get; init; }
}

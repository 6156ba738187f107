using System.Collections.Frozen;

namespace Podnet.Cluster.Api.Meta;

/// <summary>Shared empty collections used as defaults so consumers never null-check.</summary>
public static class Empty
{
    /// <summary>An empty, read-only string map (labels, annotations, selectors).</summary>
    public static IReadOnlyDictionary<string, string> Map { get; } = FrozenDictionary<string, string>.Empty;
}

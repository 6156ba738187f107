using System.Text.Json;
using System.Text.Json.Serialization;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Controllers;

/// <summary>
/// Value comparison of API objects by their canonical JSON (records hold lists and maps, whose
/// default equality is by reference), and the canonical JSON itself, used for hashes.
/// </summary>
public static class ObjectComparer
{
    /// <summary>Serializer settings for canonical JSON: camelCase, nulls left out.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Canonical JSON of any value.</summary>
    public static string Canonical<T>(T value) => JsonSerializer.Serialize(value, value?.GetType() ?? typeof(T), Options);

    /// <summary>Whether two objects serialize to the same JSON.</summary>
    public static bool Same(KubeObject a, KubeObject b) => a.GetType() == b.GetType() && Canonical(a) == Canonical(b);
}

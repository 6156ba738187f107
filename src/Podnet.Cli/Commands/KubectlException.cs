using Podnet.Cluster.Api.Meta;

namespace Podnet.Cli.Commands;

/// <summary>
/// A user-facing failure, carrying the exact text kubectl prints (<c>error: ...</c>,
/// <c>Error from server (NotFound): ...</c>) and the exit code. Caught at the top level and
/// printed without a stack trace.
/// </summary>
public sealed class KubectlException(string message, int exitCode = 1) : Exception(message)
{
    /// <summary>The process exit code (kubectl exits 1 on errors).</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary><c>Error from server (NotFound): services "x" not found</c>.</summary>
    public static KubectlException NotFound(ResourceType type, string name) =>
        new(NotFoundText(type, name));

    /// <summary>The NotFound line for one object.</summary>
    public static string NotFoundText(ResourceType type, string name) =>
        $"Error from server (NotFound): {type.QualifiedPlural} \"{name}\" not found";

    /// <summary>Resolves a resource type name as kubectl does, or fails with <c>the server doesn't have a resource type</c>.</summary>
    public static ResourceType ResolveType(string name) =>
        KindRegistry.Resolve(name) ?? throw new KubectlException($"error: the server doesn't have a resource type \"{name}\"");
}

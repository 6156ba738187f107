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
        new($"Error from server (NotFound): {type.GroupResource} \"{name}\" not found");
}

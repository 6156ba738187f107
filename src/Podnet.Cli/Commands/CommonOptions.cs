using System.CommandLine;

namespace Podnet.Cli.Commands;

/// <summary>The flags kubectl users know, built fresh for each command that takes them.</summary>
public static class CommonOptions
{
    /// <summary><c>--cluster</c>: the cluster to use (like kubectl's <c>--context</c>); default is the current one.</summary>
    public static Option<string?> Cluster() => new("--cluster")
    {
        Description = "The name of the Podnet cluster to use (default: the current cluster)",
        Recursive = true,
    };

    /// <summary><c>-n/--namespace</c>.</summary>
    public static Option<string?> Namespace() => new("--namespace", "-n")
    {
        Description = "If present, the namespace scope for this CLI request",
    };

    /// <summary><c>-A/--all-namespaces</c>.</summary>
    public static Option<bool> AllNamespaces() => new("--all-namespaces", "-A")
    {
        Description = "If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.",
    };

    /// <summary><c>-l/--selector</c>.</summary>
    public static Option<string?> Selector() => new("--selector", "-l")
    {
        Description = "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.(e.g. -l key1=value1,key2=value2,key3 in (value3))",
    };

    /// <summary><c>-o/--output</c>.</summary>
    public static Option<string?> Output() => new("--output", "-o")
    {
        Description = "Output format. One of: (json, yaml, name, wide).",
    };

    /// <summary><c>-f/--filename</c> (repeatable; <c>-</c> is stdin).</summary>
    public static Option<string[]> Filename(string description) => new("--filename", "-f")
    {
        Description = description,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary><c>-R/--recursive</c>.</summary>
    public static Option<bool> Recursive() => new("--recursive", "-R")
    {
        Description = "Process the directory used in -f, --filename recursively.",
    };
}

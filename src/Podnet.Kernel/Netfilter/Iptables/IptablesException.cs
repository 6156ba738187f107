namespace Podnet.Kernel.Netfilter.Iptables;

/// <summary>A rule or restore-file error, carrying the message the real iptables prints.</summary>
internal sealed class IptablesException(string message, IptablesErrorKind kind = IptablesErrorKind.Parameter) : Exception(message)
{
    public IptablesErrorKind Kind { get; } = kind;
}

/// <summary>How the real tool reports an error (which affects the text and exit status).</summary>
internal enum IptablesErrorKind
{
    /// <summary>xtables_error(PARAMETER_PROBLEM): "iptables-restore v1.8.9 (nf_tables): MSG\nError occurred at line: N", exit 2.</summary>
    Parameter,
    /// <summary>The kernel refused the command: "iptables-restore: line N failed: MSG", exit 1.</summary>
    Kernel,
}

namespace Podnet.Kernel.Netfilter;

/// <summary>
/// What a netfilter user-space tool run (<c>iptables</c>, <c>iptables-restore</c>, <c>nft</c>, <c>ipset</c>,
/// <c>ipvsadm</c>, <c>conntrack</c>) returns: its exit status and the text it writes to stdout and stderr.
/// </summary>
public readonly record struct ToolResult(int ExitCode, string Stdout, string Stderr)
{
    public static ToolResult Ok(string stdout = "", string stderr = "") => new(0, stdout, stderr);
    public static ToolResult Fail(int code, string stderr) => new(code, "", stderr);
}

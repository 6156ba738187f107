namespace Podnet.Kernel.Tools;

/// <summary>What a tool run printed and its exit status, as a shell would see it.</summary>
public readonly record struct ToolResult(int ExitCode, string Stdout, string Stderr)
{
    public static ToolResult Ok(string stdout = "") => new(0, stdout, "");

    public static ToolResult Fail(string stderr, int code = 1) => new(code, "", stderr.EndsWith('\n') ? stderr : stderr + "\n");
}

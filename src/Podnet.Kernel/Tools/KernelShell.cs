using Podnet.Kernel.Stack;

namespace Podnet.Kernel.Tools;

/// <summary>
/// Runs the text commands a user can type on a Linux host against a <see cref="World"/>:
/// <c>ip ...</c>, <c>bridge ...</c>, <c>sysctl ...</c>, with <c>ip netns exec NS CMD</c> and
/// <c>ip -n NS</c> to pick the namespace. Output and errors are in the real tools' formats.
/// </summary>
public static class KernelShell
{
    /// <summary>Runs one command line in namespace <paramref name="ns"/> (null: only <c>ip netns</c> works).</summary>
    public static ToolResult Execute(World world, NetNamespace? ns, string commandLine) =>
        Execute(world, ns, CommandLine.Split(commandLine));

    public static ToolResult Execute(World world, NetNamespace? ns, IReadOnlyList<string> args)
    {
        if (args.Count == 0) return ToolResult.Ok();
        var rest = args.Skip(1).ToList();
        return args[0] switch
        {
            "ip" => IpCommand.Run(world, ns, rest),
            "bridge" => BridgeCommand.Run(world, ns, rest),
            "sysctl" => SysctlCommand.Run(ns, rest),
            _ => ToolResult.Fail($"{args[0]}: command not found", 127),
        };
    }
}

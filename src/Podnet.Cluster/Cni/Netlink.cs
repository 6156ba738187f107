using Podnet.Kernel.Stack;
using Podnet.Kernel.Tools;

namespace Podnet.Cluster.Cni;

/// <summary>
/// How the node agents program a namespace: the same requests <c>ip</c>, <c>bridge</c> and
/// <c>sysctl</c> send over netlink, given as their command text to the kernel's tools.
/// </summary>
internal static class Netlink
{
    /// <summary>Runs one command in <paramref name="ns"/>; a failure is a bug in the caller, so it throws with the tool's message.</summary>
    public static void Do(NetNamespace ns, string command)
    {
        var r = KernelShell.Execute(ns.World, ns, command);
        if (r.ExitCode != 0) throw new InvalidOperationException($"{ns.Name}: `{command}` failed: {r.Stderr.Trim()}");
    }

    /// <summary>Runs one command and returns the tool's result (for steps that may legitimately fail).</summary>
    public static ToolResult Try(NetNamespace ns, string command) => KernelShell.Execute(ns.World, ns, command);
}

using Podnet.Kernel.Stack;
using Podnet.Kernel.Tools;

namespace Podnet.Cluster.Cni;

/// <summary>
/// How the node agents program a namespace: the same requests <c>ip</c>, <c>bridge</c> and
/// <c>sysctl</c> send over netlink, given as their command text to the kernel's tools.
/// </summary>
internal static class Netlink
{
    [ThreadStatic]
    private static List<(string Namespace, string Command)>? t_journal;

    /// <summary>Starts recording every command run on this thread (namespace, text) until the result is disposed; used to replay a realized topology on a real kernel.</summary>
    public static Journal Record() => new();

    /// <summary>A recording of the commands run while it is open.</summary>
    public sealed class Journal : IDisposable
    {
        private readonly List<(string Namespace, string Command)>? _previous = t_journal;

        internal Journal() => t_journal = [];

        /// <summary>The commands, in order.</summary>
        public List<(string Namespace, string Command)> Commands { get; } = [];

        /// <summary>Stops recording.</summary>
        public void Dispose()
        {
            if (t_journal is not null) Commands.AddRange(t_journal);
            t_journal = _previous;
        }
    }

    /// <summary>Runs one command in <paramref name="ns"/>; a failure is a bug in the caller, so it throws with the tool's message.</summary>
    public static void Do(NetNamespace ns, string command)
    {
        t_journal?.Add((ns.Name, command));
        var r = KernelShell.Execute(ns.World, ns, command);
        if (r.ExitCode != 0) throw new InvalidOperationException($"{ns.Name}: `{command}` failed: {r.Stderr.Trim()}");
    }

    /// <summary>Journals a request made through the namespace API directly (same effect as <paramref name="command"/>).</summary>
    public static void Note(NetNamespace ns, string command) => t_journal?.Add((ns.Name, command));

    /// <summary>Runs one command and returns the tool's result (for steps that may legitimately fail).</summary>
    public static ToolResult Try(NetNamespace ns, string command) => KernelShell.Execute(ns.World, ns, command);
}

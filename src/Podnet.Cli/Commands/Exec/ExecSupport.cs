using System.CommandLine;
using Podnet.Cluster.Runtime;

namespace Podnet.Cli.Commands.Exec;

/// <summary>Options and printing shared by <c>exec</c>, <c>node exec</c> and <c>outside</c>.</summary>
internal static class ExecSupport
{
    public static Option<bool> Trace() => new("--trace") { Description = "Print the hops of every packet flow the command sent" };

    public static Option<int?> Seed() => new("--seed") { Description = "Seed of the emulation's random source (reproducible runs)" };

    public static Argument<string[]> CommandArgument() => new("COMMAND") { Description = "the command and its arguments (after --)", Arity = ArgumentArity.ZeroOrMore };

    /// <summary>Realizes the session's cluster (lazily: no node is built yet).</summary>
    public static ClusterRuntime Runtime(CliContext context, ClusterSession session, int? seed, bool runProbes = false) =>
        new(session.DataPlaneObjects, session.Config, new RuntimeOptions { Seed = seed ?? Environment.TickCount, Epoch = context.Clock(), RunProbes = runProbes });

    /// <summary>Writes a result the way kubectl exec relays it; returns the exit code.</summary>
    public static int Print(CliContext context, ExecResult r, bool trace, IReadOnlyList<string>? problems = null)
    {
        context.Out.Write(r.Stdout);
        context.Err.Write(r.Stderr);
        if (trace)
        {
            foreach (var problem in problems ?? []) context.Err.WriteLine("podnet: warning: " + problem);
            foreach (var (label, t) in r.Traces)
            {
                context.Out.WriteLine();
                context.Out.WriteLine("--- trace: " + label + " ---");
                context.Out.Write(t.ToText());
            }
        }
        if (r.ExitCode != 0) context.Err.WriteLine($"command terminated with exit code {r.ExitCode}");
        return r.ExitCode;
    }
}

using System.CommandLine;

namespace Podnet.Cli.Commands;

/// <summary>
/// The command tree of <c>podnet</c> and its top-level error handling: every user mistake ends as
/// a kubectl-shaped message (<c>error: ...</c>) and a non-zero exit code, never a stack trace.
/// </summary>
public static class PodnetCli
{
    /// <summary>Builds the root command with every subcommand.</summary>
    public static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("podnet: Kubernetes networking, emulated end to end and explained");
        root.Options.Add(CommonOptions.Cluster());
        root.Subcommands.Add(ClusterCommand.Create(context));
        root.Subcommands.Add(ApplyCommand.Create(context, ApplyMode.Apply));
        root.Subcommands.Add(ApplyCommand.Create(context, ApplyMode.Create));
        root.Subcommands.Add(DeleteCommand.Create(context));
        root.Subcommands.Add(GetCommand.Create(context));
        root.Subcommands.Add(DescribeCommand.Create(context));
        root.Subcommands.Add(ScaleCommand.Create(context));
        root.Subcommands.Add(LabelCommand.Create(context));
        root.Subcommands.Add(LogsCommand.Create(context));
        root.Subcommands.Add(TourCommand.Create(context));

        // Commands written in other parts register here (each exposes `public static Command Create(...)`).
        root.Subcommands.Add(Exec.ExecCommand.Create(context));
        root.Subcommands.Add(Exec.NodeExecCommand.Create(context));
        root.Subcommands.Add(Exec.OutsideCommand.Create(context));
        root.Subcommands.Add(PortForward.PortForwardCommand.Create(context));
        root.Subcommands.Add(Dns.DnsCommand.Create(() => CurrentObjects(context)));
        root.Subcommands.Add(KubeProxy.KubeProxyCommand.Create(() => CurrentObjects(context)));
        root.Subcommands.Add(Reach.ReachCommand.Create(context.Out, context.Err, () => CurrentObjects(context)));
        root.Subcommands.Add(Probe.ProbeCommand.Create(context));
        root.Subcommands.Add(Trace.TraceCommand.Create(context));
        return root;
    }

    /// <summary>All objects of the current cluster (for commands of other parts that read a snapshot).</summary>
    public static IReadOnlyList<Podnet.Cluster.Api.Meta.KubeObject> CurrentObjects(CliContext context)
    {
        using var session = ClusterSession.Open(context, null);
        return session.NetworkObjects;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code.</summary>
    public static int Run(string[] args, CliContext context)
    {
        var root = BuildRoot(context);
        ParseResult parse;
        try
        {
            parse = root.Parse(args);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            context.Err.WriteLine("error: " + e.Message);
            return 1;
        }
        // A flag nobody declared would otherwise be taken as a positional argument. Everything after
        // `--` belongs to the command being run (`podnet exec POD -- curl -s ...`), as with kubectl.
        var dashDash = Array.IndexOf(args, "--");
        var ownArgs = dashDash < 0 ? args : args[..dashDash];
        var unknownFlag = parse.CommandResult.Children.OfType<System.CommandLine.Parsing.ArgumentResult>()
            .SelectMany(a => a.Tokens).Select(t => t.Value)
            .FirstOrDefault(v => v.Length > 1 && v[0] == '-' && ownArgs.Contains(v));
        if (parse.Errors.Count > 0 || unknownFlag is not null)
        {
            var command = string.Join(" ", CommandPath(parse.CommandResult.Command));
            context.Err.WriteLine(unknownFlag is not null ? "error: unknown flag: " + unknownFlag : "error: " + Lower(parse.Errors[0].Message));
            context.Err.WriteLine($"See '{command} --help' for usage.");
            return 1;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration
            {
                Output = context.Out,
                Error = context.Err,
                EnableDefaultExceptionHandler = false,
            });
        }
        catch (Podnet.Cluster.Api.Store.StoreException e)
        {
            context.Out.Flush();
            context.Err.WriteLine(e.KubectlLine);
            return 1;
        }
        catch (Podnet.Cluster.Api.Validation.InvalidObjectException e)
        {
            context.Out.Flush();
            context.Err.WriteLine(e.KubectlMessage.TrimEnd('\n'));
            return 1;
        }
        catch (KubectlException e)
        {
            context.Out.Flush();
            context.Err.WriteLine(e.Message);
            return e.ExitCode;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or FormatException)
        {
            context.Out.Flush();
            context.Err.WriteLine("error: " + e.Message);
            return 1;
        }
    }

    private static string Lower(string message) =>
        message.Length > 0 && char.IsUpper(message[0]) && (message.Length == 1 || !char.IsUpper(message[1]))
            ? char.ToLowerInvariant(message[0]) + message[1..]
            : message;

    private static IEnumerable<string> CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c; s = c.Parents.FirstOrDefault())
        {
            names.Add(c is RootCommand ? "podnet" : c.Name);
        }
        names.Reverse();
        return names;
    }
}

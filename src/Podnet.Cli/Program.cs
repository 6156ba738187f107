using Podnet.Cli.Commands;

namespace Podnet.Cli;

/// <summary>The <c>podnet</c> executable: kubectl-shaped commands over emulated clusters.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        var context = CliContext.FromEnvironment();
        var rc = PodnetCli.Run(args, context);
        context.Out.Flush();
        context.Err.Flush();
        return rc;
    }
}

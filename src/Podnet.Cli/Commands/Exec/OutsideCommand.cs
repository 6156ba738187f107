using System.CommandLine;

namespace Podnet.Cli.Commands.Exec;

/// <summary><c>podnet outside [--trace] -- COMMAND...</c>: a command on the outside client (198.51.100.100), beyond the router, for NodePort and LoadBalancer checks.</summary>
public static class OutsideCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var cmd = ExecSupport.CommandArgument();
        var files = CommonOptions.Filename("Build a throwaway cluster from these manifests.");
        var trace = ExecSupport.Trace();
        var seed = ExecSupport.Seed();
        var command = new Command("outside", "Run a command on the emulated outside client") { cmd, files, trace, seed };
        command.SetAction(parse =>
        {
            var argv = parse.GetValue(cmd) ?? [];
            if (argv.Length == 0) throw new KubectlException("error: you must specify a command to run");
            using var session = GetCommand.SessionFor(context, parse.GetValue<string?>("--cluster"), parse.GetValue(files) ?? [], false, null);
            var runtime = ExecSupport.Runtime(context, session, parse.GetValue(seed));
            var r = runtime.ExecOutside(argv, parse.GetValue(trace));
            ContainerLogFiles.Persist(context, session, runtime);
            return ExecSupport.Print(context, r, parse.GetValue(trace));
        });
        return command;
    }
}

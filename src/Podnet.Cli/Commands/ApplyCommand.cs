using System.CommandLine;

namespace Podnet.Cli.Commands;

/// <summary><c>podnet apply -f</c> and <c>podnet create -f</c>.</summary>
public static class ApplyCommand
{
    /// <summary>Builds <c>apply</c> or <c>create</c>.</summary>
    public static Command Create(CliContext context, ApplyMode mode)
    {
        var files = CommonOptions.Filename(mode == ApplyMode.Apply
            ? "The files that contain the configurations to apply (files, folders, or - for stdin)."
            : "Filename, directory, or URL to files to use to create the resource (- for stdin).");
        var recursive = CommonOptions.Recursive();
        var ns = CommonOptions.Namespace();
        var command = mode == ApplyMode.Apply
            ? new Command("apply", "Apply a configuration to a resource by file name or stdin")
            : new Command("create", "Create a resource from a file or from stdin");
        command.Options.Add(files);
        command.Options.Add(recursive);
        command.Options.Add(ns);
        command.SetAction(parse =>
        {
            var paths = parse.GetValue(files) ?? [];
            if (paths.Length == 0)
            {
                throw new KubectlException(mode == ApplyMode.Apply
                    ? "error: must specify one of -f and -k"
                    : "error: must specify one of -f and -k\n\nSee 'podnet create -h' for help and examples");
            }
            var manifests = ApiBridge.Read(paths, parse.GetValue(recursive), context.In);
            if (manifests.Items.Count == 0 && manifests.Errors.Count == 0)
            {
                throw new KubectlException("error: no objects passed to " + (mode == ApplyMode.Apply ? "apply" : "create"));
            }
            using var session = ClusterSession.Open(context, parse.GetValue<string?>("--cluster"));
            return new ApplyEngine(session, context, parse.GetValue(ns)).Apply(manifests, mode);
        });
        return command;
    }
}

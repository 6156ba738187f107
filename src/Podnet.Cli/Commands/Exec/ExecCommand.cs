using System.CommandLine;

namespace Podnet.Cli.Commands.Exec;

/// <summary>
/// <c>podnet exec POD [-n NS] [-c CONTAINER] [--trace] [--seed S] [-f MANIFESTS] -- COMMAND...</c>:
/// <c>kubectl exec</c> into an emulated pod; the command runs as a program in the pod's network namespace.
/// </summary>
public static class ExecCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var pod = new Argument<string>("POD") { Description = "pod name (or pod/NAME)" };
        var cmd = ExecSupport.CommandArgument();
        var container = new Option<string?>("--container", "-c") { Description = "Container name. If omitted, the first container in the pod will be chosen" };
        var ns = CommonOptions.Namespace();
        var files = CommonOptions.Filename("Build a throwaway cluster from these manifests and exec in it.");
        var trace = ExecSupport.Trace();
        var seed = ExecSupport.Seed();
        var command = new Command("exec", "Execute a command in a container") { pod, cmd, container, ns, files, trace, seed };
        command.SetAction(parse =>
        {
            var argv = parse.GetValue(cmd) ?? [];
            if (argv.Length == 0) throw new KubectlException("error: you must specify at least one command for the container");
            var name = parse.GetValue(pod)!;
            if (name.StartsWith("pod/", StringComparison.Ordinal) || name.StartsWith("pods/", StringComparison.Ordinal)) name = name[(name.IndexOf('/', StringComparison.Ordinal) + 1)..];
            using var session = GetCommand.SessionFor(context, parse.GetValue<string?>("--cluster"), parse.GetValue(files) ?? [], false, parse.GetValue(ns));
            var runtime = ExecSupport.Runtime(context, session, parse.GetValue(seed));
            var p = runtime.PodObject(parse.GetValue(ns) ?? "default", name)
                ?? throw new KubectlException($"Error from server (NotFound): pods \"{name}\" not found");
            var c = parse.GetValue(container);
            if (c is not null && p.Spec.Containers.All(x => x.Name != c))
                throw new KubectlException($"error: unable to upgrade connection: container not found (\"{c}\")");
            if (c is null && p.Spec.Containers.Count > 1)
                context.Err.WriteLine($"Defaulted container \"{p.Spec.Containers[0].Name}\" out of: {string.Join(", ", p.Spec.Containers.Select(x => x.Name))}");
            var r = runtime.ExecInPod(p.Namespace, p.Name, c, argv, parse.GetValue(trace), out var error)
                ?? throw new KubectlException(error ?? "error: exec failed");
            ContainerLogFiles.Persist(context, session, runtime);
            return ExecSupport.Print(context, r, parse.GetValue(trace), runtime.Problems);
        });
        return command;
    }
}

using System.CommandLine;
using Podnet.Cluster.Api.Core;

namespace Podnet.Cli.Commands;

/// <summary>
/// <c>podnet logs POD [-c CONTAINER]</c>. The pod and container are resolved and checked as kubectl
/// does. The log is what the container's program wrote: its start-up lines and, kept across
/// commands (<see cref="Exec.ContainerLogFiles"/>), the lines it logged while earlier commands ran
/// (nginx's access log of the requests it served, for example).
/// </summary>
public static class LogsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var pod = new Argument<string>("POD") { Description = "pod name (or TYPE/NAME)" };
        var container = new Option<string?>("--container", "-c") { Description = "Print the logs of this container" };
        var ns = CommonOptions.Namespace();
        var filesOption = CommonOptions.Filename("Build a throwaway cluster from these manifests and show a log from it.");
        var command = new Command("logs", "Print the logs for a container in a pod") { pod, container, ns, filesOption };
        command.SetAction(parse =>
        {
            var files = parse.GetValue(filesOption) ?? [];
            using var session = GetCommand.SessionFor(context, parse.GetValue<string?>("--cluster"), files, false, parse.GetValue(ns));
            var nsName = parse.GetValue(ns) ?? "default";
            var name = parse.GetValue(pod)!;
            if (name.StartsWith("pod/", StringComparison.Ordinal) || name.StartsWith("pods/", StringComparison.Ordinal))
            {
                name = name[(name.IndexOf('/', StringComparison.Ordinal) + 1)..];
            }
            var p = session.List("Pod", nsName).OfType<Pod>().FirstOrDefault(x => x.Name == name)
                ?? throw new KubectlException($"Error from server (NotFound): pods \"{name}\" not found");
            var c = parse.GetValue(container);
            if (c is null)
            {
                if (p.Spec.Containers.Count > 1)
                {
                    throw new KubectlException($"error: a container name must be specified for pod {name}, choose one of: [{string.Join(" ", p.Spec.Containers.Select(x => x.Name))}]");
                }
                c = p.Spec.Containers.FirstOrDefault()?.Name ?? "";
            }
            else if (p.Spec.Containers.All(x => x.Name != c) && p.Spec.InitContainers.All(x => x.Name != c))
            {
                throw new KubectlException($"error: container {c} is not valid for pod {name}");
            }
            var kept = Exec.ContainerLogFiles.Read(context, session, nsName, name, c);
            if (kept is null)
            {
                // No command has run this container yet: start it now (its start-up output), and keep that.
                var runtime = Exec.ExecSupport.Runtime(context, session, null);
                var text = runtime.Logs(nsName, name, c, out var error) ?? throw new KubectlException(error ?? "error: no log");
                Exec.ContainerLogFiles.Persist(context, session, runtime);
                kept = Exec.ContainerLogFiles.Read(context, session, nsName, name, c) ?? text;
            }
            context.Out.Write(kept);
            return 0;
        });
        return command;
    }
}

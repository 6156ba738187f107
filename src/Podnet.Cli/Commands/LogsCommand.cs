using System.CommandLine;
using Podnet.Cluster.Api.Core;

namespace Podnet.Cli.Commands;

/// <summary>
/// <c>podnet logs POD [-c CONTAINER]</c>. The pod and container are resolved and checked as kubectl
/// does; container programs (and so their logs) arrive with the data plane, and until then the
/// command says so as an error.
/// </summary>
public static class LogsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var pod = new Argument<string>("POD") { Description = "pod name (or TYPE/NAME)" };
        var container = new Option<string?>("--container", "-c") { Description = "Print the logs of this container" };
        var ns = CommonOptions.Namespace();
        var command = new Command("logs", "Print the logs for a container in a pod") { pod, container, ns };
        command.SetAction(parse =>
        {
            using var session = ClusterSession.Open(context, parse.GetValue<string?>("--cluster"));
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
            context.Err.WriteLine($"error: container \"{c}\" in pod \"{name}\" runs no program yet: container programs and their logs arrive with the data plane");
            return 1;
        });
        return command;
    }
}

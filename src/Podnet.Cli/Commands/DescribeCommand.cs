using System.CommandLine;
using Podnet.Cli.Printers;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cli.Commands;

/// <summary><c>podnet describe</c>: kubectl's describe, with name-prefix matching as kubectl does.</summary>
public static class DescribeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var args = new Argument<string[]>("(TYPE [NAME_PREFIX | -l label] | TYPE/NAME)") { Arity = ArgumentArity.OneOrMore };
        var ns = CommonOptions.Namespace();
        var all = CommonOptions.AllNamespaces();
        var selector = CommonOptions.Selector();
        var files = CommonOptions.Filename("Build a throwaway cluster from these manifests (files, folders, or - for stdin) and describe in it.");
        var recursive = CommonOptions.Recursive();
        var command = new Command("describe", "Show details of a specific resource or group of resources") { args, ns, all, selector, files, recursive };
        command.SetAction(parse =>
        {
            using var session = GetCommand.SessionFor(context, parse.GetValue<string?>("--cluster"), parse.GetValue(files) ?? [], parse.GetValue(recursive), parse.GetValue(ns));
            return Run(context, session, parse.GetValue(args) ?? [], parse.GetValue(ns), parse.GetValue(all), parse.GetValue(selector));
        });
        return command;
    }

    /// <summary>Describes the requested objects; returns the exit code.</summary>
    public static int Run(CliContext context, ClusterSession session, IReadOnlyList<string> args, string? nsFlag, bool allNamespaces, string? selector)
    {
        var requests = ResourceArgs.Parse(args);
        LabelQuery query = LabelQuery.Everything;
        if (selector is not null && !LabelQuery.TryParse(selector, out query, out var selError))
        {
            throw new KubectlException("error: " + selError);
        }
        var ns = nsFlag ?? "default";
        var describer = new Describer(session.List, context.Clock(), session.EventsAbout);
        var targets = new List<KubeObject>();
        var errors = new List<string>();
        foreach (var req in requests)
        {
            var typeNs = req.Type.Namespaced && !allNamespaces ? ns : null;
            var candidates = session.List(req.Type.Kind, typeNs);
            if (req.Names.Count == 0)
            {
                targets.AddRange(candidates.Where(o => query.Matches(o.Metadata.Labels)));
                continue;
            }
            foreach (var name in req.Names)
            {
                var exact = candidates.FirstOrDefault(o => o.Name == name);
                if (exact is not null)
                {
                    targets.Add(exact);
                    continue;
                }
                var prefixed = candidates.Where(o => o.Name.StartsWith(name, StringComparison.Ordinal)).ToList();
                if (prefixed.Count == 0)
                {
                    errors.Add(KubectlException.NotFoundText(req.Type, name));
                }
                targets.AddRange(prefixed);
            }
        }
        bool first = true;
        foreach (var t in targets)
        {
            var text = describer.Describe(t);
            context.Out.Write(first ? text : "\n\n" + text);
            first = false;
        }
        if (targets.Count == 0 && errors.Count == 0)
        {
            context.Err.WriteLine(allNamespaces ? "No resources found" : $"No resources found in {ns} namespace.");
        }
        context.Out.Flush();
        foreach (var e in errors)
        {
            context.Err.WriteLine(e);
        }
        return errors.Count > 0 ? 1 : 0;
    }
}

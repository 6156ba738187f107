using System.CommandLine;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Validation;
using Podnet.Cluster.Controllers;

namespace Podnet.Cli.Commands;

/// <summary><c>podnet label [--overwrite] TYPE NAME KEY=VAL ... KEY-</c>, with kubectl's messages.</summary>
public static class LabelCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var args = new Argument<string[]>("(TYPE NAME | TYPE/NAME) KEY_1=VAL_1 ... KEY_N=VAL_N") { Arity = ArgumentArity.OneOrMore };
        var overwrite = new Option<bool>("--overwrite") { Description = "If true, allow labels to be overwritten, otherwise reject label updates that overwrite existing labels." };
        var ns = CommonOptions.Namespace();
        var command = new Command("label", "Update the labels on a resource") { args, overwrite, ns };
        command.SetAction(parse =>
        {
            var all = parse.GetValue(args) ?? [];
            var resourceArgs = all.TakeWhile(a => !a.Contains('=', StringComparison.Ordinal) && !a.EndsWith('-')).ToList();
            var changes = all.Skip(resourceArgs.Count).ToList();
            if (changes.Count == 0)
            {
                throw new KubectlException("error: at least one label update is required");
            }
            var set = new Dictionary<string, string>();
            var remove = new List<string>();
            foreach (var c in changes)
            {
                if (c.EndsWith('-') && !c.Contains('=', StringComparison.Ordinal))
                {
                    remove.Add(c[..^1]);
                    continue;
                }
                var eq = c.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw new KubectlException($"error: invalid label spec: {c}");
                }
                var key = c[..eq];
                var value = c[(eq + 1)..];
                var problems = NameValidation.QualifiedNameErrors(key).Concat(NameValidation.LabelValueErrors(value)).ToList();
                if (problems.Count > 0)
                {
                    throw new KubectlException($"error: invalid label value: \"{c}\": {string.Join("; ", problems)}");
                }
                set[key] = value;
            }
            using var session = ClusterSession.Open(context, parse.GetValue<string?>("--cluster"));
            var objects = session.Objects;
            var nsName = parse.GetValue(ns) ?? "default";
            bool changed = false;
            var errors = new List<string>();
            foreach (var req in ResourceArgs.Parse(resourceArgs))
            {
                foreach (var name in req.Names)
                {
                    var obj = objects.Get(req.Type.Kind, req.Type.Namespaced ? nsName : "", name);
                    if (obj is null)
                    {
                        errors.Add(KubectlException.NotFoundText(req.Type, name));
                        continue;
                    }
                    var labels = new Dictionary<string, string>(obj.Metadata.Labels);
                    foreach (var (k, v) in set)
                    {
                        if (labels.TryGetValue(k, out var old) && old != v && !parse.GetValue(overwrite))
                        {
                            throw new KubectlException($"error: '{k}' already has a value ({old}), and --overwrite is false");
                        }
                    }
                    bool modified = false;
                    foreach (var (k, v) in set)
                    {
                        modified |= !labels.TryGetValue(k, out var old) || old != v;
                        labels[k] = v;
                    }
                    bool removed = false;
                    foreach (var k in remove)
                    {
                        removed |= labels.Remove(k);
                    }
                    if (!modified && !removed)
                    {
                        context.Out.WriteLine($"{req.Type.QualifiedSingular}/{name} not labeled");
                        continue;
                    }
                    objects.Put(obj with { Metadata = obj.Metadata with { Labels = labels } });
                    changed = true;
                    context.Out.WriteLine($"{req.Type.QualifiedSingular}/{name} {(modified ? "labeled" : "unlabeled")}");
                }
            }
            if (changed)
            {
                ControlPlane.Converge(objects, session.Config, context.Clock());
                session.Commit();
            }
            context.Out.Flush();
            foreach (var e in errors)
            {
                context.Err.WriteLine(e);
            }
            return errors.Count > 0 ? 1 : 0;
        });
        return command;
    }
}

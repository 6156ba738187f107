using System.CommandLine;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Controllers;

namespace Podnet.Cli.Commands;

/// <summary>
/// <c>podnet delete</c>: by manifest (<c>-f</c>), by <c>TYPE NAME...</c>, <c>TYPE/NAME</c>,
/// <c>-l</c> or <c>--all</c>. Deletion is immediate (no grace period); the garbage collector then
/// removes what the object owned, and deleting a namespace deletes everything in it.
/// </summary>
public static class DeleteCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var args = new Argument<string[]>("([-f FILENAME] | TYPE [(NAME | -l label | --all)])") { Arity = ArgumentArity.ZeroOrMore };
        var files = CommonOptions.Filename("containing the resource to delete.");
        var recursive = CommonOptions.Recursive();
        var ns = CommonOptions.Namespace();
        var selector = CommonOptions.Selector();
        var all = new Option<bool>("--all") { Description = "Delete all resources, in the namespace of the specified resource types." };
        var ignoreNotFound = new Option<bool>("--ignore-not-found") { Description = "Treat \"resource not found\" as a successful delete." };
        var command = new Command("delete", "Delete resources by file names, stdin, resources and names, or by resources and label selector")
        {
            args, files, recursive, ns, selector, all, ignoreNotFound,
        };
        command.SetAction(parse =>
        {
            using var session = ClusterSession.Open(context, parse.GetValue<string?>("--cluster"));
            var targets = new List<(ResourceType Type, string Namespace, string Name, string? Source)>();
            var nsFlag = parse.GetValue(ns);
            var namespaceName = nsFlag ?? "default";
            var paths = parse.GetValue(files) ?? [];
            int rc = 0;
            var errors = new List<string>();
            if (paths.Length > 0)
            {
                var manifests = ApiBridge.Read(paths, parse.GetValue(recursive), context.In);
                foreach (var e in manifests.Errors)
                {
                    errors.Add(e.KubectlLine);
                    rc = 1;
                }
                foreach (var item in manifests.Items)
                {
                    var type = KindRegistry.For(item.Object);
                    if (type is null)
                    {
                        errors.Add($"error: resource mapping not found for name: \"{item.Object.Name}\" namespace: \"{item.Object.Namespace}\" from \"{item.Source}\": no matches for kind \"{item.Object.Kind}\" in version \"{item.Object.ApiVersion}\"\nensure CRDs are installed first");
                        rc = 1;
                        continue;
                    }
                    var objNs = type.Namespaced ? (item.Object.Namespace.Length > 0 ? item.Object.Namespace : namespaceName) : "";
                    targets.Add((type, objNs, item.Object.Name, item.Source));
                }
            }
            else
            {
                var requests = ResourceArgs.Parse(parse.GetValue(args) ?? []);
                if (requests.Count == 0)
                {
                    throw new KubectlException("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
                }
                LabelQuery query = LabelQuery.Everything;
                var sel = parse.GetValue(selector);
                if (sel is not null && !LabelQuery.TryParse(sel, out query, out var selError))
                {
                    throw new KubectlException("error: " + selError);
                }
                foreach (var req in requests)
                {
                    var typeNs = req.Type.Namespaced ? namespaceName : "";
                    if (req.Names.Count > 0)
                    {
                        targets.AddRange(req.Names.Select(n => (req.Type, typeNs, n, (string?)null)));
                    }
                    else if (parse.GetValue(all) || sel is not null)
                    {
                        foreach (var o in session.List(req.Type.Kind, req.Type.Namespaced ? typeNs : null).Where(o => query.Matches(o.Metadata.Labels)))
                        {
                            targets.Add((req.Type, o.Namespace, o.Name, null));
                        }
                    }
                    else
                    {
                        throw new KubectlException("error: resource(s) were provided, but no name was specified");
                    }
                }
                if (targets.Count == 0)
                {
                    context.Err.WriteLine($"No resources found");
                    return 0;
                }
            }
            var objects = session.Objects;
            bool changed = false;
            foreach (var (type, objNs, name, source) in targets)
            {
                if (objects.Get(type.Kind, objNs, name) is null)
                {
                    if (!parse.GetValue(ignoreNotFound))
                    {
                        errors.Add(source is null
                            ? KubectlException.NotFoundText(type, name)
                            : $"Error from server (NotFound): error when deleting \"{source}\": {type.QualifiedPlural} \"{name}\" not found");
                        rc = 1;
                    }
                    continue;
                }
                Remove(objects, type.Kind, objNs, name);
                changed = true;
                context.Out.WriteLine($"{type.QualifiedSingular} \"{name}\" deleted");
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
            return rc;
        });
        return command;
    }

    /// <summary>Removes an object; a Namespace takes everything in it along (the namespace controller's job).</summary>
    public static void Remove(ObjectSet objects, string kind, string ns, string name)
    {
        objects.Remove(kind, ns, name);
        if (kind == "Namespace")
        {
            foreach (var o in objects.All.Where(o => o.Namespace == name).ToList())
            {
                objects.Remove(o.Kind, o.Namespace, o.Name);
            }
        }
    }
}

using System.CommandLine;
using Podnet.Cli.Printers;
using Podnet.Cluster;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Serialization;

namespace Podnet.Cli.Commands;

/// <summary>
/// <c>podnet get</c>: kubectl's <c>get</c> over a stored cluster, or over a throwaway in-memory
/// cluster built from <c>-f</c> manifests.
/// </summary>
public static class GetCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var args = new Argument<string[]>("TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...") { Arity = ArgumentArity.ZeroOrMore };
        var ns = CommonOptions.Namespace();
        var all = CommonOptions.AllNamespaces();
        var selector = CommonOptions.Selector();
        var output = CommonOptions.Output();
        var showLabels = new Option<bool>("--show-labels") { Description = "When printing, show all labels as the last column (default hide labels column)." };
        var noHeaders = new Option<bool>("--no-headers") { Description = "When using the default or custom-column output format, don't print headers (default print headers)." };
        var files = CommonOptions.Filename("Build a throwaway cluster from these manifests (files, folders, or - for stdin) and read it instead of the stored cluster.");
        var recursive = CommonOptions.Recursive();
        var command = new Command("get", "Display one or many resources") { args, ns, all, selector, output, showLabels, noHeaders, files, recursive };
        command.SetAction(parse =>
        {
            var request = new GetRequest(
                parse.GetValue(args) ?? [],
                parse.GetValue(ns),
                parse.GetValue(all),
                parse.GetValue(selector),
                parse.GetValue(output),
                parse.GetValue(showLabels),
                parse.GetValue(noHeaders));
            var fileList = parse.GetValue(files) ?? [];
            using var session = SessionFor(context, parse.GetValue<string?>("--cluster"), fileList, parse.GetValue(recursive), request.Namespace);
            if (request.Args.Count == 0 && fileList.Length > 0)
            {
                var manifests = ApiBridge.Read(fileList, parse.GetValue(recursive), TextReader.Null);
                var byType = manifests.Items.GroupBy(i => KindRegistry.For(i.Object)).Where(g => g.Key is not null)
                    .Select(g => new ResourceRequest(g.Key!, g.Select(i => i.Object.Name).ToList())).ToList();
                return Run(context, session, request, byType, namespaceFromObjects: true);
            }
            if (request.Args.Count == 0)
            {
                throw new KubectlException("You must specify the type of resource to get. Use \"podnet api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"podnet explain <resource>\" for a detailed description of that resource (e.g. podnet explain pods).\nSee 'podnet get -h' for help and examples");
            }
            return Run(context, session, request, ResourceArgs.Parse(request.Args), namespaceFromObjects: false);
        });
        return command;
    }

    /// <summary>The stored cluster, or an in-memory one when <paramref name="files"/> are given.</summary>
    public static ClusterSession SessionFor(CliContext context, string? cluster, IReadOnlyList<string> files, bool recursive, string? ns)
    {
        if (files.Count == 0)
        {
            return ClusterSession.Open(context, cluster);
        }
        BatchHeap.EnterFor(files, recursive);
        var timer = new StepTimer(context.Timings);
        var manifests = ApiBridge.Read(files, recursive, context.In);
        timer.Done("read manifests");
        return ClusterSession.InMemory(context, manifests, ns);
    }

    /// <summary>The options of one <c>get</c>.</summary>
    public sealed record GetRequest(IReadOnlyList<string> Args, string? Namespace, bool AllNamespaces, string? Selector, string? Output, bool ShowLabels, bool NoHeaders);

    /// <summary>Runs a get over <paramref name="session"/>; returns the exit code.</summary>
    public static int Run(CliContext context, ClusterSession session, GetRequest request, IReadOnlyList<ResourceRequest> requests, bool namespaceFromObjects)
    {
        var output = request.Output ?? "";
        if (output is not ("" or "wide" or "yaml" or "json" or "name"))
        {
            throw new KubectlException($"error: unable to match a printer suitable for the output format \"{output}\", allowed formats are: json,name,wide,yaml");
        }
        LabelQuery query = LabelQuery.Everything;
        if (request.Selector is { } sel && !LabelQuery.TryParse(sel, out query, out var selError))
        {
            throw new KubectlException("error: " + selError);
        }
        var ns = request.Namespace ?? "default";
        var withKind = requests.Count > 1;
        var printer = new GetPrinter(context.Out, new TableOptions
        {
            Wide = output == "wide",
            WithNamespace = request.AllNamespaces,
            ShowLabels = request.ShowLabels,
            NoHeaders = request.NoHeaders,
            WithKind = withKind,
        });
        var now = context.Clock();
        var errors = new List<string>();
        var found = new List<KubeObject>();
        bool singleItem = requests.Count == 1 && requests[0].Names.Count == 1;
        int rows = 0;
        foreach (var req in requests)
        {
            var typeNs = req.Type.Namespaced && !request.AllNamespaces ? ns : null;
            List<KubeObject> objs;
            if (req.Names.Count > 0)
            {
                objs = [];
                foreach (var name in req.Names)
                {
                    KubeObject? obj;
                    if (namespaceFromObjects && req.Type.Namespaced)
                    {
                        obj = session.List(req.Type.Kind, null).FirstOrDefault(o => o.Name == name && (request.Namespace is null || o.Namespace == request.Namespace));
                    }
                    else
                    {
                        obj = session.List(req.Type.Kind, req.Type.Namespaced ? ns : null).FirstOrDefault(o => o.Name == name);
                    }
                    if (obj is null)
                    {
                        errors.Add(KubectlException.NotFoundText(req.Type, name));
                    }
                    else if (query.Matches(obj.Metadata.Labels))
                    {
                        objs.Add(obj);
                    }
                }
            }
            else
            {
                objs = session.List(req.Type.Kind, typeNs).Where(o => query.Matches(o.Metadata.Labels)).ToList();
            }
            if (req.Type.Kind == "Endpoints" && objs.Count > 0 && output is "" or "wide")
            {
                context.Err.WriteLine("Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice");
            }
            found.AddRange(objs);
            rows += objs.Count;
            switch (output)
            {
                case "" or "wide":
                    printer.Print(ResourceTables.Build(req.Type.Kind, objs, now, output == "wide"), req.Type);
                    break;
                case "name":
                    foreach (var o in objs)
                    {
                        context.Out.WriteLine($"{req.Type.QualifiedSingular}/{o.Name}");
                    }
                    break;
            }
        }
        if (output is "yaml" or "json")
        {
            if (singleItem && found.Count == 1)
            {
                // kubectl's JSON printer ends the document with one newline, as the YAML one does
                context.Out.Write(output == "yaml" ? ApiBridge.ToYaml(found[0]) : ApiBridge.ToJson(found[0]));
            }
            else if (found.Count > 0 || errors.Count == 0)
            {
                // written item by item (a list of 150k pods is not built as one tree and one string first)
                if (output == "yaml") ObjectWriter.WriteYamlList(found, context.Out);
                else ObjectWriter.WriteJsonList(found, context.Out);
            }
        }
        else if (rows == 0 && errors.Count == 0)
        {
            var anyNamespaced = requests.Any(r => r.Type.Namespaced);
            context.Err.WriteLine(request.AllNamespaces || !anyNamespaced ? "No resources found" : $"No resources found in {ns} namespace.");
        }
        context.Out.Flush();
        foreach (var e in errors)
        {
            context.Err.WriteLine(e);
        }
        return errors.Count > 0 ? 1 : 0;
    }
}

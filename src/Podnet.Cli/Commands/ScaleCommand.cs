using System.CommandLine;
using Podnet.Cluster.Api.Apps;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Controllers;

namespace Podnet.Cli.Commands;

/// <summary><c>podnet scale --replicas=N TYPE NAME | TYPE/NAME</c> for Deployments, ReplicaSets and StatefulSets.</summary>
public static class ScaleCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var args = new Argument<string[]>("(TYPE NAME | TYPE/NAME)") { Arity = ArgumentArity.OneOrMore };
        var replicas = new Option<int?>("--replicas") { Description = "The new desired number of replicas. Required." };
        var ns = CommonOptions.Namespace();
        var command = new Command("scale", "Set a new size for a deployment, replica set, or stateful set") { args, replicas, ns };
        command.SetAction(parse =>
        {
            if (parse.GetValue(replicas) is not { } n)
            {
                throw new KubectlException("error: required flag(s) \"replicas\" not set");
            }
            if (n < 0)
            {
                throw new KubectlException("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0");
            }
            using var session = ClusterSession.Open(context, parse.GetValue<string?>("--cluster"));
            var objects = session.Objects;
            var nsName = parse.GetValue(ns) ?? "default";
            var errors = new List<string>();
            bool changed = false;
            foreach (var req in ResourceArgs.Parse(parse.GetValue(args) ?? []))
            {
                if (req.Type.Kind is not ("Deployment" or "ReplicaSet" or "StatefulSet"))
                {
                    throw new KubectlException($"error: no scaler has been implemented for {{\"{req.Type.Group}\" \"{req.Type.Kind}\"}}");
                }
                if (req.Names.Count == 0)
                {
                    throw new KubectlException("error: resource(s) were provided, but no name was specified");
                }
                foreach (var name in req.Names)
                {
                    KubeObject? obj = objects.Get(req.Type.Kind, nsName, name);
                    KubeObject? scaled = obj switch
                    {
                        Deployment d => d with { Spec = d.Spec with { Replicas = n }, Metadata = d.Metadata with { Generation = (d.Metadata.Generation ?? 1) + 1 } },
                        ReplicaSet r => r with { Spec = r.Spec with { Replicas = n }, Metadata = r.Metadata with { Generation = (r.Metadata.Generation ?? 1) + 1 } },
                        StatefulSet s => s with { Spec = s.Spec with { Replicas = n }, Metadata = s.Metadata with { Generation = (s.Metadata.Generation ?? 1) + 1 } },
                        _ => null,
                    };
                    if (obj is null || scaled is null)
                    {
                        errors.Add(KubectlException.NotFoundText(req.Type, name));
                        continue;
                    }
                    objects.Put(scaled);
                    changed = true;
                    context.Out.WriteLine($"{req.Type.QualifiedSingular}/{name} scaled");
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

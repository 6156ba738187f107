using System.CommandLine;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Store;
using Podnet.Cluster.Controllers;

namespace Podnet.Cli.Commands;

/// <summary>
/// <c>podnet cluster create|delete|list|use</c>: clusters side by side under <c>$PODNET_HOME</c>,
/// one of them current (like <c>kind create cluster</c> plus kubectl contexts).
/// </summary>
public static class ClusterCommand
{
    /// <summary>Builds the command group.</summary>
    public static Command Create(CliContext context)
    {
        var command = new Command("cluster", "Create, delete, list and choose emulated clusters");
        command.Subcommands.Add(CreateCommand(context));
        command.Subcommands.Add(DeleteCommand(context));
        command.Subcommands.Add(ListCommand(context));
        command.Subcommands.Add(UseCommand(context));
        return command;
    }

    private static Command CreateCommand(CliContext context)
    {
        var name = new Argument<string?>("NAME") { Arity = ArgumentArity.ZeroOrOne, Description = "cluster name (default \"podnet\")" };
        var workers = new Option<int>("--workers") { Description = "number of worker nodes", DefaultValueFactory = _ => 2 };
        var proxyMode = new Option<string>("--proxy-mode") { Description = "kube-proxy mode: iptables, nftables or ipvs", DefaultValueFactory = _ => "iptables" };
        var overlay = new Option<string>("--overlay") { Description = "cross-node pod network: host-gw or vxlan", DefaultValueFactory = _ => "host-gw" };
        var podCidr = new Option<string>("--pod-cidr") { Description = "cluster pod CIDR (a /24 per node)", DefaultValueFactory = _ => "10.244.0.0/16" };
        var serviceCidr = new Option<string>("--service-cidr") { Description = "service CIDR", DefaultValueFactory = _ => "10.96.0.0/16" };
        var ingress = new Option<bool>("--ingress") { Description = "install the ingress-nginx controller (namespace ingress-nginx, IngressClass nginx as default, a LoadBalancer Service)" };
        var command = new Command("create", "Create a cluster and make it current") { name, workers, proxyMode, overlay, podCidr, serviceCidr, ingress };
        command.SetAction(parse =>
        {
            var config = new ClusterConfig
            {
                Name = parse.GetValue(name) ?? "podnet",
                Workers = parse.GetValue(workers),
                ProxyMode = parse.GetValue(proxyMode)!,
                Overlay = parse.GetValue(overlay)!,
                PodCidr = parse.GetValue(podCidr)!,
                ServiceCidr = parse.GetValue(serviceCidr)!,
            };
            var problem = config.Validate();
            if (problem is not null)
            {
                throw new KubectlException("error: " + problem);
            }
            if (Podnet.Cluster.Api.Validation.NameValidation.Dns1123LabelErrors(config.Name) is { Count: > 0 } nameErrors)
            {
                throw new KubectlException($"error: invalid cluster name \"{config.Name}\": {string.Join("; ", nameErrors)}");
            }
            var home = new ClusterHome(context.Home);
            if (home.Exists(config.Name))
            {
                throw new KubectlException($"error: cluster \"{config.Name}\" already exists");
            }
            context.Out.WriteLine($"Creating cluster \"{config.Name}\" ...");
            using (var session = ClusterSession.CreateStored(context, config))
            {
                var nodes = session.Objects.OfKind<Node>("Node");
                foreach (var n in nodes)
                {
                    context.Out.WriteLine($" ✓ node {n.Name}  {ClusterBootstrap.NodeInternalIp(n)}  pod CIDR {n.Spec.PodCIDR}");
                }
                context.Out.WriteLine($" ✓ kube-proxy mode {config.ProxyMode}, {config.Overlay} pod network, services {config.ServiceCidr}");
                if (parse.GetValue(ingress))
                {
                    if (Podnet.Cluster.Ingresses.IngressNginxInstall.Install(session.Objects, config, context.Clock()) is { } installError)
                    {
                        throw new KubectlException("error: " + installError);
                    }
                    session.Commit();
                    var svc = session.Objects.Get<Service>("Service", Podnet.Cluster.Ingresses.IngressNginxInstall.Namespace, Podnet.Cluster.Ingresses.IngressNginxInstall.ControllerName);
                    var ports = string.Join(", ", svc?.Spec.Ports.Select(p => $"{p.Port}:{p.NodePort}/{p.Protocol}") ?? []);
                    context.Out.WriteLine($" ✓ ingress-nginx controller {Podnet.Cluster.Ingresses.IngressNginxInstall.Version}, IngressClass nginx (default), Service ingress-nginx-controller {ports}");
                }
            }
            context.Out.WriteLine($"Set current cluster to \"{config.Name}\"");
            return 0;
        });
        return command;
    }

    private static Command DeleteCommand(CliContext context)
    {
        var name = new Argument<string?>("NAME") { Arity = ArgumentArity.ZeroOrOne, Description = "cluster name (default: the current cluster)" };
        var command = new Command("delete", "Delete a cluster") { name };
        command.SetAction(parse =>
        {
            var home = new ClusterHome(context.Home);
            var target = parse.GetValue(name) ?? home.Current ?? "podnet";
            context.Out.WriteLine($"Deleting cluster \"{target}\" ...");
            if (home.Delete(target))
            {
                context.Out.WriteLine($"Deleted cluster \"{target}\"");
            }
            return 0;
        });
        return command;
    }

    private static Command ListCommand(CliContext context)
    {
        var command = new Command("list", "List clusters (the current one is marked with *)");
        command.SetAction(_ =>
        {
            var home = new ClusterHome(context.Home);
            var names = home.List();
            if (names.Count == 0)
            {
                context.Err.WriteLine("No clusters found.");
                return 0;
            }
            var current = home.Current;
            foreach (var n in names)
            {
                context.Out.WriteLine(n == current ? n + " *" : n);
            }
            return 0;
        });
        return command;
    }

    private static Command UseCommand(CliContext context)
    {
        var name = new Argument<string>("NAME");
        var command = new Command("use", "Make a cluster the current one") { name };
        command.SetAction(parse =>
        {
            var home = new ClusterHome(context.Home);
            var target = parse.GetValue(name)!;
            if (!home.Exists(target))
            {
                throw new KubectlException($"error: no cluster exists with the name: \"{target}\"");
            }
            home.Use(target);
            context.Out.WriteLine($"Switched to cluster \"{target}\".");
            return 0;
        });
        return command;
    }
}

using System.CommandLine;
using Podnet.Cluster.Api.Store;

namespace Podnet.Cli.Commands;

/// <summary>
/// <c>podnet tour</c>: a guided first look at a cluster. Creates (or reuses) the cluster
/// <c>tour</c> with two workers, applies <c>examples/tour/</c>, and shows nodes, pods, Services,
/// endpoints and one Service in detail, each under a short plain-language heading. The traffic
/// steps arrive with the data plane. Exits 0 only if every step worked.
/// </summary>
public static class TourCommand
{
    /// <summary>The tour's cluster name.</summary>
    public const string ClusterName = "tour";

    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var examples = new Option<string?>("--examples") { Description = "folder with the tour's manifests (default: examples/tour of this checkout)" };
        var command = new Command("tour", "A guided walk through a small cluster: nodes, pods, Services and their endpoints") { examples };
        command.SetAction(parse => Run(context, parse.GetValue(examples)));
        return command;
    }

    /// <summary>Finds <c>examples/tour</c> from the working directory or the program's location.</summary>
    public static string? FindExamples()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "examples", "tour");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    /// <summary>Runs the tour; returns 0 only if every step succeeded.</summary>
    public static int Run(CliContext context, string? examples)
    {
        examples ??= FindExamples();
        if (examples is null || !Directory.Exists(examples))
        {
            throw new KubectlException("error: the tour's manifests were not found (examples/tour); run the tour from the Podnet checkout or pass --examples");
        }
        var home = new ClusterHome(context.Home);
        int failures = 0;
        void Heading(string title, string text)
        {
            context.Out.WriteLine();
            context.Out.WriteLine("== " + title + " ==");
            context.Out.WriteLine(text);
            context.Out.WriteLine();
        }
        void Step(params string[] args)
        {
            var shown = args.Length >= 2 && args[^2] == "--cluster" ? args[..^2] : args;
            context.Out.WriteLine("$ podnet " + string.Join(" ", shown));
            context.Out.Flush();
            var rc = PodnetCli.Run(args, context);
            context.Out.Flush();
            if (rc != 0)
            {
                failures++;
                context.Err.WriteLine($"tour: step 'podnet {string.Join(" ", args)}' failed with exit code {rc}");
            }
        }

        context.Out.WriteLine("Welcome to the Podnet tour: a small Kubernetes cluster, emulated, and what a kubectl user would see in it.");
        if (home.Exists(ClusterName))
        {
            Heading("1. The cluster", $"Reusing the cluster \"{ClusterName}\": one control-plane node and two workers, each a machine on the node network 172.18.0.0/16 with its own /24 of pod addresses.");
        }
        else
        {
            Heading("1. The cluster", "Creating a cluster like `kind create cluster` would: one control-plane node and two workers, each a machine on the node network 172.18.0.0/16 with its own /24 of pod addresses.");
            var previous = home.Current;
            Step("cluster", "create", ClusterName, "--workers", "2");
            if (previous is not null && previous != ClusterName && home.Exists(previous))
            {
                home.Use(previous); // the tour does not change the user's current cluster
            }
        }
        Heading("2. The nodes", "INTERNAL-IP is each node's address on the node network; the control plane is tainted, so ordinary pods go to the workers.");
        Step("get", "nodes", "-o", "wide", "--cluster", ClusterName);

        Heading("3. The shop application", $"Applying the manifests in {examples}: a namespace `shop`, a frontend, a backend with 3 replicas, a pod `web` with two containers, and a database StatefulSet behind a headless Service.");
        Step("apply", "-f", examples, "--cluster", ClusterName);

        Heading("4. Where the pods run", "Every pod got an address from the pod CIDR of the node it was scheduled to (.1 is the node's bridge, cni0). The two containers of `web` share one address.");
        Step("get", "pods", "-n", "shop", "-o", "wide", "--cluster", ClusterName);

        Heading("5. Services: stable addresses in front of pods", "A ClusterIP is a virtual address from the service CIDR 10.96.0.0/16; a NodePort opens the same port on every node; `db` is headless (no ClusterIP: DNS names point at the pods).");
        Step("get", "svc", "-n", "shop", "--cluster", ClusterName);

        Heading("6. Endpoints: who stands behind each Service", "The EndpointSlice controller lists the ready pods that match each Service's selector, with the target port resolved per pod.");
        Step("get", "endpoints", "-n", "shop", "--cluster", ClusterName);

        Heading("7. One Service up close", "`describe` puts it together: the selector, the virtual IP, the port mapping, and the pod addresses traffic will be sent to.");
        Step("describe", "svc", "backend", "-n", "shop", "--cluster", ClusterName);

        Heading("What comes next", "So far this is the control plane's view. The traffic steps — curl from a pod, DNS through CoreDNS, kube-proxy's NAT to a backend, packets across nodes — arrive with the data plane in a later version of this tour.");
        context.Out.Flush();
        if (failures > 0)
        {
            context.Err.WriteLine($"tour: {failures} step(s) failed");
            return 1;
        }
        return 0;
    }
}

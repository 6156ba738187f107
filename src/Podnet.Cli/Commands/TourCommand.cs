using System.CommandLine;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Store;
using Podnet.Cluster.Controllers;

namespace Podnet.Cli.Commands;

/// <summary>
/// <c>podnet tour</c>: a guided first look at a cluster. Creates (or reuses) the cluster
/// <c>tour</c> with two workers, applies <c>examples/tour/</c>, and shows nodes, pods, Services,
/// endpoints and one Service in detail, then walks the traffic paths through the emulated data plane
/// (localhost, pod to pod on one node and across nodes, ClusterIP, DNS, egress, NodePort), each under a
/// short plain-language heading, and ends with a table of outcomes. Exits 0 only if every step worked.
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

        // The traffic steps: every output below comes from the emulated data plane (node and pod
        // network namespaces, the bridge CNI plugin, kube-proxy's iptables rules, CoreDNS pods).
        var outcomes = new List<(string Path, string Outcome)>();
        Pod[] pods;
        string[] nodeIps;
        using (var session = ClusterSession.Open(context, ClusterName))
        {
            pods = session.Objects.OfKind<Pod>("Pod").Where(p => p.Namespace == "shop").ToArray();
            nodeIps = session.Objects.OfKind<Node>("Node")
                .Where(n => !n.Metadata.Labels.ContainsKey("node-role.kubernetes.io/control-plane"))
                .Select(ClusterBootstrap.NodeInternalIp).OfType<string>().ToArray();
        }
        Pod? First(string app, Func<Pod, bool>? extra = null) => pods
            .Where(p => p.Metadata.Labels.TryGetValue("app", out var a) && a == app && p.Status?.PodIP is not null && (extra?.Invoke(p) ?? true))
            .OrderBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault();
        void Path(string path, params string[] args) => PathExpecting(path, 0, args);
        void PathExpecting(string path, int expected, params string[] args)
        {
            // `--cluster` goes before `--`, which ends podnet's own flags.
            var dd = Array.IndexOf(args, "--");
            var full = dd < 0 ? [.. args, "--cluster", ClusterName] : args[..dd].Concat(["--cluster", ClusterName]).Concat(args[dd..]).ToArray();
            context.Out.WriteLine("$ podnet " + string.Join(" ", args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? "'" + a + "'" : a)));
            context.Out.Flush();
            var rc = PodnetCli.Run(full, context);
            context.Out.WriteLine();
            context.Out.Flush();
            outcomes.Add((path, rc == expected ? "ok" : $"FAILED (exit {rc}, expected {expected})"));
            if (rc != expected)
            {
                failures++;
                context.Err.WriteLine($"tour: path '{path}' failed: 'podnet {string.Join(" ", args)}' exited {rc}");
            }
        }

        var frontend = First("frontend");
        if (frontend is null)
        {
            context.Err.WriteLine("tour: no running frontend pod in namespace shop");
            return 1;
        }
        var sameNode = First("backend", p => p.Spec.NodeName == frontend.Spec.NodeName);
        var otherNode = First("backend", p => p.Spec.NodeName != frontend.Spec.NodeName);

        Heading("8. Containers in one pod talk over localhost", "The pod `web` has two containers, nginx and a redis cache. They share one network namespace, so the web container reaches redis on localhost:6379 without any network in between.");
        Path("container to container (localhost)", "exec", "web", "-n", "shop", "-c", "web", "--", "redis-cli", "-h", "localhost", "-p", "6379", "PING");

        if (sameNode is not null)
        {
            Heading("9. Pod to pod on one node", $"{frontend.Name} and {sameNode.Name} both run on {frontend.Spec.NodeName}. The packet leaves the pod by its veth pair, the node's bridge cni0 finds the other pod's veth (ARP, then its forwarding table) and hands it over: no routing between nodes, no address translation. The trace lists every hop.");
            Path("pod to pod, same node", "exec", frontend.Name, "-n", "shop", "--trace", "--", "curl", "-s", $"http://{sameNode.Status!.PodIP}:8080/hostname");
        }
        if (otherNode is not null)
        {
            Heading("10. Pod to pod across nodes", $"{otherNode.Name} runs on {otherNode.Spec.NodeName}. The node routes the pod's packet to the other node (a route per pod CIDR, or the VXLAN overlay), and the backend sees the frontend's own pod IP {frontend.Status!.PodIP}: there is no NAT between pods.");
            Path("pod to pod, across nodes", "exec", frontend.Name, "-n", "shop", "--trace", "--", "curl", "-s", $"http://{otherNode.Status!.PodIP}:8080/clientip");
        }

        Heading("11. Pod to Service: ClusterIP and kube-proxy", "`backend` is a name and a virtual IP. kube-proxy wrote iptables rules on every node: KUBE-SERVICES matches the ClusterIP, KUBE-SVC picks one endpoint at random (probability 1/3, then 1/2, then the rest), KUBE-SEP DNATs to it, and conntrack reverses the NAT on the reply. Three requests, three random choices:");
        Path("pod to Service (ClusterIP)", "exec", frontend.Name, "-n", "shop", "--trace", "--", "curl", "-s", "http://backend/hostname");
        Path("pod to Service (ClusterIP)", "exec", frontend.Name, "-n", "shop", "--", "curl", "-s", "http://backend/hostname");
        Path("pod to Service (ClusterIP)", "exec", frontend.Name, "-n", "shop", "--", "curl", "-s", "http://backend/hostname");

        Heading("12. DNS: names for Services", "The kubelet wrote the pod's /etc/resolv.conf: the kube-dns Service as nameserver and a search list, so `backend` becomes backend.shop.svc.cluster.local. CoreDNS pods answer with the ClusterIP; for the headless Service `db` they answer with the pods' own IPs.");
        Path("DNS (CoreDNS, search list)", "exec", frontend.Name, "-n", "shop", "--", "cat", "/etc/resolv.conf");
        Path("DNS (CoreDNS, search list)", "exec", frontend.Name, "-n", "shop", "--", "nslookup", "backend");
        Path("DNS (CoreDNS, search list)", "exec", frontend.Name, "-n", "shop", "--", "nslookup", "backend.shop.svc.cluster.local");
        Path("DNS (CoreDNS, search list)", "exec", frontend.Name, "-n", "shop", "--", "nslookup", "db");

        Heading("13. Egress: a pod reaches the internet", "The outside world's router knows nothing of pod addresses, so the node masquerades traffic leaving the cluster: the source becomes the node's IP (watch for MASQUERADE in the trace), and conntrack maps the reply back to the pod.");
        Path("egress (masquerade)", "exec", frontend.Name, "-n", "shop", "--trace", "--", "curl", "-sI", "http://example.com");

        if (nodeIps.Length > 0)
        {
            Heading("14. From outside: NodePort", $"`frontend` is a NodePort Service: every node opens port 30080. A client on the internet connects to a node IP ({nodeIps[0]}); kube-proxy DNATs to a frontend pod, possibly on another node, and masquerades so the reply comes back the same way.");
            Path("outside to NodePort", "outside", "--", "curl", "-sI", $"http://{nodeIps[0]}:30080/");
        }

        Heading("15. NetworkPolicy: who may talk to whom", "The NetworkPolicy `backend-from-frontend` selects the backend pods and allows ingress on TCP 8080 only from pods labelled app=frontend. A policy agent on every node compiled it into filter rules (an ipset of allowed peers, a DROP for everything else). The pod `web` is not a frontend: its connection is dropped, so curl times out, while the frontend still gets through. The static analyzer says the same, with the reason.");
        PathExpecting("NetworkPolicy (deny, then allow)", 28, "exec", "web", "-n", "shop", "-c", "web", "--", "curl", "-sS", "--connect-timeout", "2", "http://backend/hostname");
        Path("NetworkPolicy (deny, then allow)", "exec", frontend.Name, "-n", "shop", "--", "curl", "-s", "http://backend/hostname");
        Path("NetworkPolicy (deny, then allow)", "reach", "-f", examples, "--from", "pod/shop/web", "--to", "svc/shop/backend", "--port", "80");

        Heading("Summary", "Each path the tour walked, with what actually happened in the emulation:");
        foreach (var group in outcomes.GroupBy(o => o.Path))
        {
            var bad = group.FirstOrDefault(o => o.Outcome != "ok");
            context.Out.WriteLine($"  {group.Key,-38} {(bad.Path is null ? "ok" : bad.Outcome)}");
        }
        context.Out.WriteLine($"  {"Ingress (host and path routing, TLS)",-38} not emulated yet");
        context.Out.WriteLine($"  {"podnet probe (measured policy matrix)",-38} not built yet");
        context.Out.Flush();
        if (failures > 0)
        {
            context.Err.WriteLine($"tour: {failures} step(s) failed");
            return 1;
        }
        return 0;
    }
}

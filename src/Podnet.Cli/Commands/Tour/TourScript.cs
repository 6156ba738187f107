using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Networking;
using Podnet.Cluster.Api.Store;
using Podnet.Cluster.Controllers;

namespace Podnet.Cli.Commands.Tour;

/// <summary>
/// The tour's steps, numbered by the eight communication paths of Kubernetes networking (issue 10),
/// after a step 0 that sets up the cluster. Every output comes from the emulation: the commands are
/// the ones a user would type, and each step's closing line is built from what they measured.
/// </summary>
internal static class TourScript
{
    /// <summary>The eight paths, as the summary names them.</summary>
    public static readonly IReadOnlyList<(int Path, string Name)> Paths =
    [
        (1, "container to container (localhost)"),
        (2, "pod to pod, same node"),
        (3, "pod to pod, across nodes"),
        (4, "pod to Service (ClusterIP, kube-proxy)"),
        (5, "DNS (CoreDNS, search list)"),
        (6, "egress to the internet (masquerade)"),
        (7, "from outside: Ingress (TLS), NodePort"),
        (8, "NetworkPolicy (deny, allow, probe = analyzer)"),
    ];

    /// <summary>What the tour does not show yet, said plainly in the summary.</summary>
    public static readonly IReadOnlyList<string> Notes = [];

    public static int Run(CliContext context, TourOptions options, string examples)
    {
        var tour = new TourRunner(context, options);
        var policies = Path.Combine(examples, "policies");
        tour.Say("Welcome to the Podnet tour: a small Kubernetes cluster, emulated, and every path its network traffic takes.");
        tour.Say("Each step shows the command a user would type, what it prints, the hop-by-hop explanation, and what happened.");

        tour.Visible = options.Only is null or 0;
        Setup(context, tour, examples);
        tour.Visible = true;

        Pod[] pods;
        string[] workerIps;
        string[] workers;
        using (var session = ClusterSession.Open(context, TourCommand.ClusterName))
        {
            pods = session.Objects.OfKind<Pod>("Pod").Where(p => p.Namespace == "shop").ToArray();
            var nodes = session.Objects.OfKind<Node>("Node").Where(n => !n.Metadata.Labels.ContainsKey("node-role.kubernetes.io/control-plane")).OrderBy(n => n.Name, StringComparer.Ordinal).ToArray();
            workers = nodes.Select(n => n.Name).ToArray();
            workerIps = nodes.Select(ClusterBootstrap.NodeInternalIp).OfType<string>().ToArray();
        }

        Pod? First(string app, Func<Pod, bool>? extra = null) => pods
            .Where(p => p.Metadata.Labels.TryGetValue("app", out var a) && a == app && p.Status?.PodIP is not null && (extra?.Invoke(p) ?? true))
            .OrderBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault();
        var frontend = First("frontend");
        if (frontend is null || workerIps.Length == 0)
        {
            context.Err.WriteLine("tour: no running frontend pod in namespace shop (or no worker node); the tour cannot go on");
            return 1;
        }

        var fe = frontend.Name;
        var feIp = frontend.Status!.PodIP!;
        var sameNode = First("backend", p => p.Spec.NodeName == frontend.Spec.NodeName);
        var otherNode = First("backend", p => p.Spec.NodeName != frontend.Spec.NodeName);
        bool Want(int path) => options.Only is null || options.Only == path;

        if (Want(1))
        {
            tour.Begin(1, "Containers in one pod talk over localhost",
                "The pod `web` has two containers, nginx and a redis cache. They share one network namespace (one IP, one loopback), so the web container reaches redis on localhost:6379: no network in between.");
            var r = tour.Run(["exec", "web", "-n", "shop", "-c", "web", "--", "redis-cli", "-h", "localhost", "-p", "6379", "PING"],
                check: c => c.Stdout.Contains("PONG", StringComparison.Ordinal) ? null : "did not get PONG from redis");
            tour.End($"redis answered {r.Stdout.Trim()} over the loopback of the pod's shared network namespace.");
        }

        if (Want(2))
        {
            tour.Begin(2, "Pod to pod on one node",
                sameNode is null
                    ? "No backend pod shares a node with the frontend in this cluster, so this path cannot be shown."
                    : $"{fe} and {sameNode.Name} both run on {frontend.Spec.NodeName}. The packet leaves the pod by its veth pair; an ARP request finds the other pod's MAC address, and the node's bridge cni0 forwards the frame to that pod's veth by its forwarding table (FDB): no routing between nodes, no address translation. `podnet trace` shows every hop.");
            if (sameNode is not null)
            {
                tour.Run(["trace", "pod/" + fe, $"pod/{sameNode.Name}:8080", "-n", "shop"], pcap: "step-2-pod-to-pod-same-node.pcap");
                var r = tour.Run(["exec", fe, "-n", "shop", "--", "curl", "-s", $"http://{sameNode.Status!.PodIP}:8080/hostname"]);
                tour.End($"The request stayed on {frontend.Spec.NodeName}: bridge cni0 delivered it, and the backend answered with its name, {r.Stdout.Trim()}.");
            }
            else
            {
                tour.End("Not shown: no backend pod on the frontend's node.");
            }
        }

        if (Want(3))
        {
            tour.Begin(3, "Pod to pod across nodes",
                otherNode is null
                    ? "Every backend pod shares the frontend's node, so this path cannot be shown."
                    : $"{otherNode.Name} runs on {otherNode.Spec.NodeName}. The node routes the packet to the other node (a route per pod CIDR, or the VXLAN overlay) over the node network, and the backend sees the frontend's own pod IP {feIp}: there is no NAT between pods.");
            if (otherNode is not null)
            {
                tour.Run(["trace", "pod/" + fe, $"pod/{otherNode.Name}:8080", "-n", "shop"], pcap: "step-3-pod-to-pod-across-nodes.pcap");
                var r = tour.Run(["exec", fe, "-n", "shop", "--", "curl", "-s", $"http://{otherNode.Status!.PodIP}:8080/clientip"],
                    check: c => c.Stdout.StartsWith(feIp + ":", StringComparison.Ordinal) ? null : $"the backend saw {c.Stdout.Trim()}, not the frontend's pod IP {feIp}");
                tour.End($"The packet crossed from {frontend.Spec.NodeName} to {otherNode.Spec.NodeName}, and the backend saw the client address {r.Stdout.Trim()}: the source IP was preserved.");
            }
            else
            {
                tour.End("Not shown: no backend pod on another node.");
            }
        }

        if (Want(4))
        {
            tour.Begin(4, "Pod to Service: ClusterIP and kube-proxy",
                "`backend` is a name and a virtual IP from the service CIDR. kube-proxy wrote iptables rules on every node: KUBE-SERVICES matches the ClusterIP, KUBE-SVC picks one endpoint at random (probability 1/3, then 1/2, then the rest), KUBE-SEP DNATs to it, and conntrack reverses the NAT on the reply. First one connection traced, then three requests, three random choices.");
            tour.Run(["trace", "pod/" + fe, "svc/backend", "-n", "shop"], pcap: "step-4-pod-to-service.pcap");
            var answers = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                answers.Add(tour.Run(["exec", fe, "-n", "shop", "--", "curl", "-s", "http://backend/hostname"]).Stdout.Trim());
            }

            tour.Say("What kubectl shows for it: the Service, its endpoints, and the two together.");
            tour.Run(["get", "svc", "-n", "shop"]);
            tour.Run(["get", "endpoints", "-n", "shop"]);
            tour.Run(["describe", "svc", "backend", "-n", "shop"]);
            tour.End($"Each request was DNATed from the ClusterIP to one backend pod: {string.Join(", ", answers)} ({answers.Distinct(StringComparer.Ordinal).Count()} different endpoint(s) in 3 random choices).");
        }

        if (Want(5))
        {
            tour.Begin(5, "DNS: names for Services",
                "The kubelet wrote the pod's /etc/resolv.conf: the kube-dns Service as nameserver and a search list, so `backend` is tried as backend.shop.svc.cluster.local first. CoreDNS pods answer with the ClusterIP; for the headless Service `db` they answer with the pods' own IPs.");
            tour.Run(["exec", fe, "-n", "shop", "--", "cat", "/etc/resolv.conf"]);
            var names = new[] { "backend", "backend.shop", "backend.shop.svc.cluster.local", "db" };
            foreach (var n in names)
            {
                tour.Run(["exec", fe, "-n", "shop", "--", "nslookup", n]);
            }

            tour.End("CoreDNS answered every name: the short names through the search list, `db` with one address per pod because it is headless.");
        }

        if (Want(6))
        {
            tour.Begin(6, "Egress: a pod reaches the internet",
                "The internet's router knows nothing of pod addresses, so the node masquerades traffic leaving the cluster: the source becomes the node's IP (MASQUERADE in the trace, marked *), and conntrack maps the reply back to the pod. The name example.com is resolved by CoreDNS, which forwards it to the public resolver.");
            var egress = tour.Run(["trace", "pod/" + fe, "example.com:80", "-n", "shop"], pcap: "step-6-egress.pcap",
                check: c => c.Stdout.Contains("MASQUERADE", StringComparison.Ordinal) ? null : "no MASQUERADE in the trace");
            tour.Run(["exec", fe, "-n", "shop", "--", "curl", "-sI", "http://example.com"]);
            var masq = System.Text.RegularExpressions.Regex.Match(egress.Stdout, @"MASQUERADE (\S+) -> (\S+)");
            tour.End(masq.Success
                ? $"The connection left {frontend.Spec.NodeName} as {masq.Groups[2].Value} instead of {masq.Groups[1].Value} (MASQUERADE to the node's address), and example.com answered."
                : "example.com answered.");
        }

        if (Want(7))
        {
            string? lb;
            using (var session = ClusterSession.Open(context, TourCommand.ClusterName))
            {
                lb = session.Objects.Get<Ingress>("Ingress", "shop", "myapp")?.Status?.LoadBalancer?.Ingress.FirstOrDefault()?.Ip;
            }
            tour.Begin(7, "From outside: an Ingress by host and path, with TLS; and a NodePort",
                $"The ingress-nginx controller runs as a pod; its LoadBalancer Service got the address {lb ?? "(none)"} from the cloud's pool, and the cloud's load balancer forwards that address to the nodes. The Ingress `myapp` sends myapp.example.com/app1 to the frontend and /app2 to the backend. The controller reads the HTTP request (an L7 decision: host, then the longest matching path), then opens its own connection straight to a backend pod. HTTPS is terminated at the controller with the certificate from the Secret `myapp-tls`, picked by the name the client asks for (SNI).");
            tour.Run(["get", "ingress", "-n", "shop"]);
            if (lb is null)
            {
                tour.End("The Ingress has no address: the ingress controller is not installed in this cluster.");
            }
            else
            {
                tour.Run(["outside", "--", "curl", "-sI", "-H", "Host: myapp.example.com", $"http://{lb}/app2/hostname"],
                    check: c => c.Stdout.StartsWith("HTTP/1.1 308", StringComparison.Ordinal) ? null : "plain HTTP to a TLS host was not redirected");
                tour.Run(["outside", "--", "curl", "-sS", "--resolve", $"myapp.example.com:443:{lb}", "https://myapp.example.com/app2/hostname"], expected: 60);
                tour.Say($"Without -k curl refused the certificate (exit 60): it is signed by a private CA, as a company's internal CA would be; `curl --cacert examples/tour/tls/ca.crt` on your machine through `podnet port-forward --cluster tour -n ingress-nginx svc/ingress-nginx-controller 8443:443` verifies it; here -k skips the check to show the rest of the path.");
                var app2 = tour.Run(["outside", "--", "curl", "-sk", "--resolve", $"myapp.example.com:443:{lb}", "https://myapp.example.com/app2/hostname"],
                    check: c => c.Stdout.StartsWith("backend-", StringComparison.Ordinal) ? null : "/app2 did not reach a backend pod");
                var app1 = tour.Run(["outside", "--", "curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}\\n", "--resolve", $"myapp.example.com:443:{lb}", "https://myapp.example.com/app1/"],
                    check: c => c.Stdout.StartsWith("200", StringComparison.Ordinal) ? null : "/app1 did not reach the frontend through the controller");
                string? controller;
                using (var session = ClusterSession.Open(context, TourCommand.ClusterName))
                {
                    controller = session.List("Pod", Podnet.Cluster.Ingresses.IngressNginxInstall.Namespace).OfType<Pod>().Select(p => p.Name).Order(StringComparer.Ordinal).FirstOrDefault();
                }
                var peer = System.Text.RegularExpressions.Match.Empty;
                if (controller is not null)
                {
                    tour.Say("The controller's access log says, for each request, which Service it chose ([namespace-service-port]) and the pod address it proxied to:");
                    var log = tour.Run(["logs", "-n", Podnet.Cluster.Ingresses.IngressNginxInstall.Namespace, controller]);
                    peer = System.Text.RegularExpressions.Regex.Match(log.Stdout, @"""GET /app1/ HTTP/1\.1"" 200 .* \[shop-frontend-80\] \[\] (\S+) ");
                }
                tour.Say($"`frontend` is also a NodePort Service: every node opens port 30080, so a client can use any node's address ({workerIps[0]}); kube-proxy DNATs to a frontend pod, possibly on another node, and masquerades so the reply comes back the same way.");
                tour.Run(["outside", "--", "curl", "-sI", $"http://{workerIps[0]}:30080/"]);
                var np = tour.Run(["trace", "outside", $"node/{workers[0]}:30080"], pcap: "step-7-nodeport.pcap");
                var reached = System.Text.RegularExpressions.Regex.Match(np.Stdout, @"delivered to (pod \S+)");
                tour.End($"Through the load balancer address, the controller sent /app2 to {app2.Stdout.Trim()} and /app1 to the frontend pod at {(peer.Success ? peer.Groups[1].Value : "(not in the log)")} over HTTPS (HTTP was redirected with 308); the NodePort reached {(reached.Success ? reached.Groups[1].Value : "a frontend pod")} through {workers[0]}.");
            }
        }

        if (Want(8))
        {
            tour.Begin(8, "NetworkPolicy: who may talk to whom",
                "A NetworkPolicy agent on every node turns policies into filter rules (an ipset of allowed peers, a DROP for the rest). First a default deny for the namespace shop: path 4 breaks (curl times out). Then a policy allowing the frontend, and only it, to reach the backend on 8080: path 4 works again from the frontend, not from `web`. Finally `podnet probe` connects every shop pod to every other and compares with what the static analyzer predicts.");
            tour.Run(["apply", "-f", Path.Combine(policies, "10-default-deny.yaml")]);
            tour.Run(["exec", fe, "-n", "shop", "--", "curl", "-sS", "--connect-timeout", "2", "http://backend/hostname"], expected: 28);
            tour.Run(["trace", "pod/" + fe, "svc/backend", "-n", "shop"], expected: 1, pcap: "step-8-denied.pcap",
                check: c => c.Stdout.Contains("absence of an allowing NetworkPolicy", StringComparison.Ordinal) ? null : "the trace does not name the missing NetworkPolicy");
            tour.Run(["apply", "-f", Path.Combine(policies, "20-allow-frontend-to-backend.yaml")]);
            var ok = tour.Run(["exec", fe, "-n", "shop", "--", "curl", "-s", "http://backend/hostname"]);
            tour.Run(["exec", "web", "-n", "shop", "-c", "web", "--", "curl", "-sS", "--connect-timeout", "2", "http://backend/hostname"], expected: 28);
            var probe = tour.Run(["probe", "-n", "shop", "--port", "8080"]);
            tour.Say("Back to the application alone: the policies are removed, so a second tour starts from the same state.");
            tour.Run(["delete", "-f", policies]);
            tour.End($"Default deny dropped the frontend's connection; the allow rule let it through again ({ok.Stdout.Trim()} answered) while `web` stayed dropped, and the measured matrix {(probe.ExitCode == 0 ? "equals" : "differs from")} the analyzer's.");
        }

        var all = tour.Steps.All(s => s.Ok);
        if (options.Output == "json")
        {
            tour.WriteJson(Paths, Notes, all);
        }
        else
        {
            tour.Summary(Paths, Notes);
        }

        if (!all)
        {
            context.Err.WriteLine($"tour: {tour.Steps.Count(s => !s.Ok)} step(s) failed");
            return 1;
        }

        return 0;
    }

    private static void Setup(CliContext context, TourRunner tour, string examples)
    {
        var home = new ClusterHome(context.Home);
        var reuse = home.Exists(TourCommand.ClusterName);
        tour.Begin(0, "The cluster and the shop application",
            (reuse
                ? $"Reusing the cluster \"{TourCommand.ClusterName}\""
                : "Creating a cluster as `kind create cluster` would")
            + ": one control-plane node and two workers, each a machine on the node network 172.18.0.0/16 with its own /24 of pod addresses. Then the manifests in "
            + examples + ": a namespace `shop`, a frontend (nginx, NodePort), a backend with 3 replicas (ClusterIP), a pod `web` with two containers, a database StatefulSet behind a headless Service, and an Ingress for myapp.example.com with its TLS Secret.");
        if (!reuse)
        {
            var previous = home.Current;
            tour.Run(["cluster", "create", TourCommand.ClusterName, "--workers", "2", "--ingress"]);
            if (previous is not null && previous != TourCommand.ClusterName && home.Exists(previous))
            {
                home.Use(previous); // the tour does not change the user's current cluster
            }
        }

        else
        {
            using var session = ClusterSession.Open(context, TourCommand.ClusterName);
            if (session.Objects.Get<Namespace>("Namespace", "", Podnet.Cluster.Ingresses.IngressNginxInstall.Namespace) is null)
            {
                tour.Say("The reused cluster has no ingress controller; installing it (as `podnet cluster create --ingress` does).");
                if (Podnet.Cluster.Ingresses.IngressNginxInstall.Install(session.Objects, session.Config, context.Clock()) is { } error)
                {
                    context.Err.WriteLine("tour: installing the ingress controller failed: " + error);
                }
                session.Commit();
            }
        }

        tour.Run(["get", "nodes", "-o", "wide"]);
        tour.Run(["apply", "-f", examples]);
        using (var session = ClusterSession.Open(context, TourCommand.ClusterName))
        {
            if (session.Objects.OfKind<NetworkPolicy>("NetworkPolicy").Any(p => p.Namespace == "shop"))
            {
                tour.Say("NetworkPolicies left in shop by an earlier run would change what the paths show; removing them:");
                tour.Run(["delete", "networkpolicy", "--all", "-n", "shop"]);
            }
        }

        tour.Run(["get", "pods", "-n", "shop", "-o", "wide"]);
        tour.End("Every pod got an address from the pod CIDR of the node it was scheduled to (.1 is the node's bridge cni0); the two containers of `web` share one address.");
    }
}

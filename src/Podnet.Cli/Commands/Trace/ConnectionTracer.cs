using System.Globalization;
using System.Text;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Controllers;
using Podnet.Cluster.Dns.Resolver;
using Podnet.Cluster.Images;
using Podnet.Cluster.Images.Dns;
using Podnet.Cluster.Images.Http;
using Podnet.Cluster.Outside;
using Podnet.Cluster.Runtime;
using Podnet.Kernel.Links;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Tracing;
using Podnet.Kernel.Wire;

namespace Podnet.Cli.Commands.Trace;

/// <summary>
/// Sends one connection through a realized cluster and returns it as a <see cref="ConnectionTrace"/>:
/// the source's process resolves the destination name with its own resolv.conf (through CoreDNS, as a
/// real program would), then opens a TCP connection, sends one UDP datagram or one ICMP echo with a
/// <see cref="FlowTrace"/> attached, while a capture on every device keeps the flow's frames.
/// Bad user input throws <see cref="KubectlException"/> with a kubectl-style message.
/// </summary>
public sealed class ConnectionTracer(ClusterRuntime runtime, string defaultNamespace)
{
    /// <summary>How long to wait for an answer (virtual time), as <c>curl --connect-timeout</c>.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Traces <paramref name="source"/> → <paramref name="destination"/> (with an optional <c>:PORT</c>) over <paramref name="protocol"/>.</summary>
    public ConnectionTrace Run(string source, string destination, string protocol)
    {
        protocol = protocol.ToLowerInvariant();
        if (protocol is not ("tcp" or "udp" or "icmp"))
        {
            throw new KubectlException($"error: unsupported protocol \"{protocol}\" (supported: tcp, udp, icmp)");
        }

        var (destText, port) = SplitPort(destination);
        (string Host, string Path)? http = null;
        Target target;
        if (destText.StartsWith("ingress/", StringComparison.Ordinal))
        {
            if (protocol != "tcp") throw new KubectlException("error: an ingress destination is traced over tcp");
            var (ingressTarget, host, path) = ResolveIngress(destText);
            target = ingressTarget;
            http = (host, path);
            runtime.EnsureFor([ingressTarget.Address!]);
        }
        else
        {
            target = ResolveDestination(destText);
        }

        var src = ResolveSource(source);
        port ??= target.DefaultPort;
        if (protocol != "icmp" && port is null)
        {
            throw new KubectlException($"error: no port for {destText}: give one as {destText}:PORT");
        }

        if (protocol == "icmp")
        {
            port = 0;
        }

        ConnectionTrace? result = null;
        var run = runtime.World.Loop.Run(
            async () => result = await TraceAsync(src, target, destination, protocol, port!.Value, http),
            Timeout + Timeout + TimeSpan.FromSeconds(60),
            TimeSpan.FromSeconds(60));
        if (!run.Completed || result is null)
        {
            throw new InvalidOperationException($"the trace did not finish in the emulation ({run.Outcome})", run.Exception);
        }

        var places = runtime.World.Namespaces.ToDictionary(ns => ns.Name, ns => PlaceName(ns.Name), StringComparer.Ordinal);
        return result with { Places = places };
    }

    private async Task<ConnectionTrace> TraceAsync(Endpoint src, Target target, string destination, string protocol, int port, (string Host, string Path)? http)
    {
        string? httpOutcome = null;
        DnsLookupTrace? lookup = null;
        var address = target.Address;
        if (address is null)
        {
            var conf = ResolvConf.Parse(src.Context.Files.TryGetValue("/etc/resolv.conf", out var rc) ? rc : "");
            var dnsFlow = new FlowTrace();
            var r = await NetworkResolver.ResolveAsync(src.Context.Namespace, conf, src.Flavor, target.Name, AddressRequest.V4, dnsFlow);
            var candidates = r.Candidates.Select(c => (c.QName, c.Outcome == ResolverOutcome.Found
                ? string.Join(", ", c.Exchanges.SelectMany(e => e.Response?.Answers ?? []).Select(a => a.Data).OfType<Podnet.Cluster.Dns.Wire.ARecordData>().Select(a => a.Address.ToString()).Distinct())
                : OutcomeWord(c.Outcome))).ToList();
            var a = r.Addresses.FirstOrDefault(x => x.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
            lookup = new DnsLookupTrace(target.Name, candidates, r.Outcome.ToString(), [dnsFlow]);
            if (a is null)
            {
                var outcome = r.Outcome == ResolverOutcome.NxDomain ? TraceOutcome.NxDomain : TraceOutcome.TimedOut;
                return new ConnectionTrace
                {
                    Source = src.Given, SourceDescription = src.Description, SourceAddress = src.Address,
                    Destination = destination, DestinationDescription = target.Description, Protocol = protocol, Port = port, Timeout = Timeout,
                    Lookup = lookup, Outcome = outcome,
                    OutcomeText = r.Outcome == ResolverOutcome.NxDomain
                        ? $"NXDOMAIN: no name {target.Name} exists (every search-list candidate was asked)"
                        : $"the name {target.Name} did not resolve: {OutcomeWord(r.Outcome)}",
                };
            }

            address = a.ToString();
            target = target with { Description = DescribeAddress(address, target.Name) };
        }

        var flow = new FlowTrace();
        var capture = new FlowCapture(flow);
        foreach (var ns in runtime.World.Namespaces)
        {
            foreach (var dev in ns.Devices)
            {
                dev.AddTap(capture);
            }
        }

        var ip = Ipv4Address.Parse(address);
        try
        {
            switch (protocol)
            {
                case "tcp":
                    {
                        var socket = src.Context.Namespace.Tcp.Open();
                        var err = await socket.ConnectAsync(ip, (ushort)port, new TcpConnectOptions { Timeout = Timeout, Trace = flow });
                        if (err == Errno.None && http is { } h)
                        {
                            // One HTTP request through the ingress controller: its L7 decision and its own
                            // connection to the backend pod join the trace.
                            socket.Send(Encoding.ASCII.GetBytes($"GET {h.Path} HTTP/1.1\r\nHost: {h.Host}\r\nUser-Agent: podnet-trace\r\nConnection: close\r\n\r\n"));
                            var message = await HttpWire.ReadMessageAsync(socket, Timeout, bodyUntilClose: true);
                            var response = message is { } m ? HttpWire.ParseResponse(m.Head, m.Body) : null;
                            httpOutcome = response is null ? "no HTTP response from the ingress controller" : DescribeIngressAnswer(flow, h.Host, h.Path, response.Status, response.Reason);
                            flow.Complete(response is null ? Errno.ETIMEDOUT : Errno.None);
                            socket.Abort();
                            break;
                        }

                        flow.Complete(err);
                        var taken = flow.Steps.Count;
                        socket.Abort();
                        flow = Prefix(flow, taken);
                        break;
                    }

                case "udp":
                    {
                        var socket = src.Context.Namespace.Udp.Open();
                        socket.Trace = flow;
                        var err = socket.Connect(ip, (ushort)port);
                        if (err == Errno.None)
                        {
                            err = socket.Send(Encoding.ASCII.GetBytes("podnet trace\n"));
                        }

                        if (err == Errno.None)
                        {
                            var r = await socket.ReceiveAsync(Timeout);
                            err = r.Error;
                            if (err == Errno.ETIMEDOUT || err == Errno.EAGAIN)
                            {
                                // A UDP server may stay silent: delivery to a socket is the answer then.
                                if (flow.Steps.Any(s => s.Kind == TraceStepKind.Deliver && s.Text.StartsWith("delivered to udp socket", StringComparison.Ordinal)))
                                {
                                    err = Errno.None;
                                }
                            }
                        }

                        socket.Close();
                        flow.Complete(err);
                        break;
                    }

                default:
                    {
                        var r = await src.Context.Namespace.Icmp.PingAsync(ip, Timeout, 64, 1, flow);
                        flow.Outcome = r.Status == PingStatus.Reply ? TraceOutcome.Delivered : TraceOutcome.TimedOut;
                        if (flow.Steps.Any(s => s.Kind == TraceStepKind.Drop && s.Text.Contains("rejected", StringComparison.Ordinal)))
                        {
                            flow.Outcome = TraceOutcome.Rejected;
                        }

                        break;
                    }
            }
        }
        finally
        {
            foreach (var ns in runtime.World.Namespaces)
            {
                foreach (var dev in ns.Devices)
                {
                    dev.RemoveTap(capture);
                }
            }
        }

        var trace = new ConnectionTrace
        {
            Source = src.Given, SourceDescription = src.Description, SourceAddress = src.Address,
            Destination = destination, DestinationDescription = target.Description, DestinationAddress = address,
            Protocol = protocol, Port = port, Timeout = Timeout, Lookup = lookup, Flow = flow, Frames = capture.Frames,
            Outcome = flow.Outcome, OutcomeText = "",
        };
        return trace with { OutcomeText = httpOutcome ?? TraceOutcomeWords.Describe(trace, PlaceName) };
    }

    /// <summary>The words for an answer through the ingress controller: status, the rule that matched and the pod that answered.</summary>
    private static string DescribeIngressAnswer(FlowTrace flow, string host, string path, int status, string reason)
    {
        var decision = flow.Steps.Select(st => st.Text).FirstOrDefault(t => t.StartsWith("ingress-nginx L7:", StringComparison.Ordinal));
        var peer = flow.Steps.Select(st => st.Text).FirstOrDefault(t => t.StartsWith("ingress-nginx: upstream", StringComparison.Ordinal));
        var pod = peer is null ? null : System.Text.RegularExpressions.Regex.Match(peer, @"\(pod ([^)]+)\)") is { Success: true } m ? m.Groups[1].Value : null;
        var text = $"HTTP {status.ToString(CultureInfo.InvariantCulture)} {reason} for http://{host}{path}";
        text += pod is not null ? $", answered by pod {pod} through the ingress controller" : " from the ingress controller itself";
        if (decision is not null) text += " (" + decision["ingress-nginx L7: ".Length..] + ")";
        return text;
    }

    /// <summary><c>ingress/HOST/PATH</c>: the address the Ingress for HOST publishes (its load balancer), port 80.</summary>
    private (Target Target, string Host, string Path) ResolveIngress(string text)
    {
        var rest = text["ingress/".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var host = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "/" : rest[slash..];
        if (host.Length == 0) throw new KubectlException("error: ingress destination needs a host: ingress/HOST/PATH");
        var ingresses = runtime.Objects.OfType<Podnet.Cluster.Api.Networking.Ingress>().ToList();
        var served = ingresses.FirstOrDefault(i => i.Spec.Rules.Any(r => string.Equals(r.Host, host, StringComparison.OrdinalIgnoreCase)))
            ?? ingresses.FirstOrDefault(i => i.Spec.Rules.Any(r => r.Host is { } h && h.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(h[1..], StringComparison.OrdinalIgnoreCase)));
        var controller = runtime.Objects.OfType<Service>().FirstOrDefault(s => s.Namespace == Podnet.Cluster.Ingresses.IngressNginxInstall.Namespace && s.Name == Podnet.Cluster.Ingresses.IngressNginxInstall.ControllerName);
        if (controller is null)
        {
            throw new KubectlException("error: no ingress controller runs in this cluster (create one with `podnet cluster create --ingress`)");
        }

        var address = served?.Status?.LoadBalancer?.Ingress.FirstOrDefault()?.Ip ?? controller.Status?.LoadBalancer?.Ingress.FirstOrDefault()?.Ip
            ?? throw new KubectlException($"error: no address for host {host}: the ingress controller's Service has no load-balancer address yet");

        var description = served is null ? $"the ingress controller at {address} (no Ingress names {host})" : $"Ingress {served.Namespace}/{served.Name} at {address}";
        return (new Target(host, address, description, 80), host, path);
    }

    private static FlowTrace Prefix(FlowTrace flow, int count)
    {
        var copy = new FlowTrace { Outcome = flow.Outcome };
        foreach (var s in flow.Steps.Take(count))
        {
            copy.Add(s);
        }

        return copy;
    }

    private static string OutcomeWord(ResolverOutcome o) => o switch
    {
        ResolverOutcome.Found => "found",
        ResolverOutcome.NxDomain => "NXDOMAIN",
        ResolverOutcome.NoData => "no address records",
        ResolverOutcome.ServFail => "SERVFAIL",
        _ => "no answer (timed out)",
    };

    /// <summary>A friendly name for a network namespace: the pod, node or outside host it stands for.</summary>
    public string PlaceName(string ns)
    {
        foreach (var host in runtime.BuiltNodes.Values)
        {
            if (host.Namespace.Name == ns)
            {
                return "node " + host.Name;
            }

            foreach (var (key, sandbox) in host.Kubelet.Pods)
            {
                if (sandbox.Namespace.Name == ns)
                {
                    return "pod " + key;
                }
            }
        }

        if (ns == "underlay")
        {
            return "node network (" + ClusterRuntime.NodeBridge + ")";
        }

        if (runtime.Outside.Router.Name == ns)
        {
            return "internet router";
        }

        foreach (var h in runtime.Outside.Hosts.Values)
        {
            if (h.Namespace.Name == ns)
            {
                return h.Name == "outside" ? "outside client" : "outside host " + h.Name;
            }
        }

        return ns;
    }

    private static (string Text, int? Port) SplitPort(string destination)
    {
        var colon = destination.LastIndexOf(':');
        if (colon > 0 && colon < destination.Length - 1 && destination[(colon + 1)..].All(char.IsAsciiDigit))
        {
            var p = int.Parse(destination[(colon + 1)..], CultureInfo.InvariantCulture);
            if (p is < 1 or > 65535)
            {
                throw new KubectlException($"error: invalid port {destination[(colon + 1)..]}: must be between 1 and 65535");
            }

            return (destination[..colon], p);
        }

        return (destination, null);
    }

    private sealed record Endpoint(string Given, string Description, string Address, ProcessContext Context, ResolverFlavor Flavor);

    private sealed record Target(string Name, string? Address, string Description, int? DefaultPort);

    private Endpoint ResolveSource(string source)
    {
        if (source == "outside")
        {
            return OutsideEndpoint(source);
        }

        if (source.StartsWith("pod/", StringComparison.Ordinal) || source.StartsWith("pods/", StringComparison.Ordinal))
        {
            return PodEndpoint(source, defaultNamespace, source[(source.IndexOf('/', StringComparison.Ordinal) + 1)..]);
        }

        if (source.StartsWith("node/", StringComparison.Ordinal) || source.StartsWith("nodes/", StringComparison.Ordinal))
        {
            return NodeEndpoint(source, source[(source.IndexOf('/', StringComparison.Ordinal) + 1)..]);
        }

        if (Ipv4Address.TryParse(source, out _))
        {
            if (runtime.PodByIp(source) is { } pod)
            {
                return PodEndpoint(source, pod.Namespace, pod.Name);
            }

            if (runtime.Objects.OfType<Node>().FirstOrDefault(n => ClusterBootstrap.NodeInternalIp(n) == source) is { } node)
            {
                return NodeEndpoint(source, node.Name);
            }

            if (source == OutsideWorld.ClientAddress)
            {
                return OutsideEndpoint(source);
            }

            throw new KubectlException($"error: no pod, node or outside client has the address {source}");
        }

        throw new KubectlException($"error: unknown source \"{source}\": use pod/NAME, node/NAME, outside or an IP");
    }

    private Endpoint OutsideEndpoint(string given)
    {
        var client = runtime.Outside.Client;
        var ctx = new ProcessContext(client.Namespace, "outside", runtime.Options.Epoch)
        {
            Files = new Dictionary<string, string> { ["/etc/resolv.conf"] = OutsideWorld.ResolvConf },
        };
        return new Endpoint(given, "the outside client", client.Address, ctx, ResolverFlavor.Glibc);
    }

    private Endpoint PodEndpoint(string given, string ns, string name)
    {
        var sandbox = runtime.EnsurePod(ns, name, out var reason) ?? throw new KubectlException(reason ?? $"Error from server (NotFound): pods \"{name}\" not found");
        var c = sandbox.Containers.FirstOrDefault() ?? throw new KubectlException($"error: pod {name} has no running container");
        return new Endpoint(given, $"pod {ns}/{name}", sandbox.Ip, c.Context, ImageCatalog.Libc(c.Spec.Image ?? ""));
    }

    private Endpoint NodeEndpoint(string given, string name)
    {
        var host = runtime.EnsureNode(name) ?? throw new KubectlException($"Error from server (NotFound): nodes \"{name}\" not found");
        var ctx = new ProcessContext(host.Namespace, name, runtime.Options.Epoch)
        {
            Files = new Dictionary<string, string> { ["/etc/resolv.conf"] = OutsideWorld.ResolvConf },
        };
        return new Endpoint(given, "node " + name, host.Ip, ctx, ResolverFlavor.Glibc);
    }

    private Target ResolveDestination(string dest)
    {
        if (dest.StartsWith("pod/", StringComparison.Ordinal) || dest.StartsWith("pods/", StringComparison.Ordinal))
        {
            var name = dest[(dest.IndexOf('/', StringComparison.Ordinal) + 1)..];
            var pod = runtime.PodObject(defaultNamespace, name) ?? throw new KubectlException($"Error from server (NotFound): pods \"{name}\" not found");
            var ip = pod.Status?.PodIP ?? throw new KubectlException($"error: pod {name} has no IP yet");
            runtime.EnsureFor([ip]);
            var p = pod.Spec.Containers.SelectMany(c => c.Ports).Select(x => (int?)x.ContainerPortNumber).FirstOrDefault();
            return new Target(dest, ip, $"pod {pod.Namespace}/{pod.Name}", p ?? 80);
        }

        if (dest.StartsWith("svc/", StringComparison.Ordinal) || dest.StartsWith("service/", StringComparison.Ordinal) || dest.StartsWith("services/", StringComparison.Ordinal))
        {
            var name = dest[(dest.IndexOf('/', StringComparison.Ordinal) + 1)..];
            var svc = runtime.Objects.OfType<Service>().FirstOrDefault(s => s.Namespace == defaultNamespace && s.Name == name)
                ?? throw new KubectlException($"Error from server (NotFound): services \"{name}\" not found");
            if (string.IsNullOrEmpty(svc.Spec.ClusterIP) || svc.Spec.ClusterIP == "None")
            {
                throw new KubectlException($"error: service {name} is headless (no ClusterIP): trace {name}.{svc.Namespace} by name, or one of its pods");
            }

            runtime.EnsureFor([svc.Spec.ClusterIP]);
            return new Target(dest, svc.Spec.ClusterIP, $"Service {svc.Namespace}/{svc.Name} (ClusterIP {svc.Spec.ClusterIP})", svc.Spec.Ports.FirstOrDefault()?.Port);
        }

        if (dest.StartsWith("node/", StringComparison.Ordinal) || dest.StartsWith("nodes/", StringComparison.Ordinal))
        {
            var name = dest[(dest.IndexOf('/', StringComparison.Ordinal) + 1)..];
            var node = runtime.NodeObject(name) ?? throw new KubectlException($"Error from server (NotFound): nodes \"{name}\" not found");
            var ip = ClusterBootstrap.NodeInternalIp(node) ?? throw new KubectlException($"error: node {name} has no InternalIP");
            runtime.EnsureFor([ip]);
            return new Target(dest, ip, "node " + name, null);
        }

        if (dest == "outside")
        {
            runtime.EnsureFor([OutsideWorld.ClientAddress]);
            return new Target(dest, OutsideWorld.ClientAddress, "the outside client", null);
        }

        if (Ipv4Address.TryParse(dest, out _))
        {
            runtime.EnsureFor([dest]);
            return new Target(dest, dest, DescribeAddress(dest, null), null);
        }

        if (ClusterRuntime.HostOf(dest) != dest)
        {
            throw new KubectlException($"error: unknown destination \"{dest}\": use pod/NAME, svc/NAME, node/NAME, outside, an IP or a DNS name");
        }

        // A DNS name: the source resolves it; build what the name may lead to.
        runtime.EnsureFor([dest]);
        var port = runtime.Objects.OfType<Service>().FirstOrDefault(s => s.Name == dest.Split('.')[0])?.Spec.Ports.FirstOrDefault()?.Port;
        return new Target(dest, null, dest, port ?? 80);
    }

    private string DescribeAddress(string ip, string? name)
    {
        var prefix = name is null ? "" : name + " = ";
        if (runtime.PodByIp(ip) is { } pod)
        {
            return $"{prefix}pod {pod.Namespace}/{pod.Name}";
        }

        if (runtime.Objects.OfType<Service>().FirstOrDefault(s => s.Spec.ClusterIP == ip) is { } svc)
        {
            return $"{prefix}Service {svc.Namespace}/{svc.Name} (ClusterIP)";
        }

        if (runtime.Objects.OfType<Node>().FirstOrDefault(n => ClusterBootstrap.NodeInternalIp(n) == ip) is { } node)
        {
            return $"{prefix}node {node.Name}";
        }

        if (runtime.Outside.Hosts.Values.FirstOrDefault(h => h.Address == ip) is { } host)
        {
            return $"{prefix}outside host {host.Name}";
        }

        return prefix + ip;
    }

    /// <summary>Keeps the frames of one traced flow, on every device it crosses.</summary>
    private sealed class FlowCapture(FlowTrace flow) : ICaptureTap
    {
        public List<TracedFrame> Frames { get; } = [];

        public void Capture(NetDevice device, Frame frame, bool outgoing)
        {
            if (ReferenceEquals(frame.Trace, flow))
            {
                Frames.Add(new TracedFrame(device.Namespace.World.Loop.Now, device.Namespace.Name, device.Name, outgoing, frame.Span.ToArray()));
            }
        }
    }
}

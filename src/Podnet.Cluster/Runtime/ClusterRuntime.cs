using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Discovery;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Cni;
using Podnet.Cluster.Controllers;
using Podnet.Cluster.Dns.CoreDns;
using Podnet.Cluster.Kubelet;
using Podnet.Cluster.Outside;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Wire;

namespace Podnet.Cluster.Runtime;

/// <summary>
/// The realized cluster: takes a converged object snapshot and builds the kernel <see cref="World"/>
/// lazily — the node network (a bridge in an <c>underlay</c> namespace standing for kind's docker
/// network), the outside world, and only the nodes a command touches, each with its kube-proxy
/// rules, overlay, egress masquerade and kubelet-run pods. Nothing here is Kubernetes inside the
/// kernel: every node component programs its namespace through the kernel's tools.
/// </summary>
public sealed partial class ClusterRuntime
{
    /// <summary>The node network's bridge (docker's bridge for the <c>kind</c> network).</summary>
    public const string NodeBridge = "br-kind";

    private IReadOnlyList<KubeObject> _objects;
    private readonly Dictionary<string, Node> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeHost> _built = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeKubeProxy> _kubeProxies = new(StringComparer.Ordinal);
    private List<Pod> _pods;
    private List<Service> _services;
    private readonly NetNamespace _underlay;
    private DnsClusterView? _dnsView;

    /// <summary>Realizes <paramref name="objects"/> (already converged by the controllers) under <paramref name="config"/>.</summary>
    public ClusterRuntime(IEnumerable<KubeObject> objects, ClusterConfig config, RuntimeOptions? options = null)
    {
        Options = options ?? new RuntimeOptions();
        Config = config;
        _objects = objects.ToList();
        foreach (var n in _objects.OfType<Node>()) _nodes[n.Name] = n;
        _pods = _objects.OfType<Pod>().ToList();
        _services = _objects.OfType<Service>().ToList();
        Overlay = Options.Overlay ?? config.Overlay;
        ProxyMode = Options.ProxyMode ?? config.ProxyMode;
        World = new World(Options.Seed);
        _underlay = World.CreateNamespace("underlay");
        Netlink.Do(_underlay, $"ip link add {NodeBridge} type bridge");
        Netlink.Do(_underlay, $"ip link set {NodeBridge} up");
        Outside = new OutsideWorld(World, _underlay, NodeBridge, config.NodeNetwork, Options.Epoch);
        Outside.LoadBalancer.Sync(_objects, config.LoadBalancerPool);
        var cm = _objects.OfType<ConfigMap>().FirstOrDefault(c => c.Namespace == "kube-system" && c.Name == "coredns");
        Corefile = cm is not null ? CoreDnsServer.CorefileFrom(cm) : ClusterBootstrap.Corefile(config.ClusterDomain);
    }

    /// <summary>The options in force.</summary>
    public RuntimeOptions Options { get; }

    /// <summary>The cluster's settings.</summary>
    public ClusterConfig Config { get; }

    /// <summary>The overlay in force (<c>host-gw</c> or <c>vxlan</c>).</summary>
    public string Overlay { get; }

    /// <summary>The kube-proxy mode in force.</summary>
    public string ProxyMode { get; }

    /// <summary>The emulated machine room.</summary>
    public World World { get; }

    /// <summary>The emulated internet.</summary>
    public OutsideWorld Outside { get; }

    /// <summary>The Corefile CoreDNS pods load.</summary>
    public string Corefile { get; }

    /// <summary>The nodes built so far.</summary>
    public IReadOnlyDictionary<string, NodeHost> BuiltNodes => _built;

    /// <summary>Errors met while realizing (kube-proxy sync failures, CNI errors), in order.</summary>
    public List<string> Problems { get; } = [];

    /// <summary>The objects.</summary>
    public IReadOnlyList<KubeObject> Objects => _objects;

    /// <summary>The DNS view CoreDNS pods serve (built once from the snapshot).</summary>
    public DnsClusterView DnsView => _dnsView ??= DnsClusterViewBuilder.Build(_objects.OfType<Namespace>(), _services, _objects.OfType<EndpointSlice>(), _pods);

    /// <summary>The Node object named <paramref name="name"/>, or null.</summary>
    public Node? NodeObject(string name) => _nodes.GetValueOrDefault(name);

    /// <summary>The pod <paramref name="ns"/>/<paramref name="name"/>, or null.</summary>
    public Pod? PodObject(string ns, string name) => _pods.FirstOrDefault(p => p.Namespace == ns && p.Name == name);

    private PeerNode Peer(Node n) => new(n.Name, ClusterBootstrap.NodeInternalIp(n) ?? "", n.Spec.PodCIDR ?? "", FlannelOverlay.VtepMac(n));

    /// <summary>Builds node <paramref name="name"/> (once) with its pods; null when there is no such node.</summary>
    public NodeHost? EnsureNode(string name)
    {
        if (_built.TryGetValue(name, out var host)) return host;
        if (!_nodes.TryGetValue(name, out var node)) return null;
        var ip = ClusterBootstrap.NodeInternalIp(node) ?? throw new InvalidOperationException($"node {name} has no InternalIP");
        var podCidr = node.Spec.PodCIDR ?? throw new InvalidOperationException($"node {name} has no podCIDR");
        var ns = World.CreateNamespace(name);
        var hostVeth = "veth" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0, 4)[..7];
        Netlink.Do(_underlay, $"ip link add {hostVeth} type veth peer name eth0 netns {name}");
        Netlink.Do(_underlay, $"ip link set {hostVeth} master {NodeBridge}");
        Netlink.Do(_underlay, $"ip link set {hostVeth} up");
        var plen = Config.NodeNetwork.Split('/')[1];
        Netlink.Do(ns, "ip link set lo up");
        Netlink.Do(ns, $"ip addr add {ip}/{plen} dev eth0");
        Netlink.Do(ns, "ip link set eth0 up");
        Netlink.Do(ns, $"ip route add default via {OutsideWorld.RouterAddress} dev eth0");
        Netlink.Do(ns, "sysctl -w net.ipv4.ip_forward=1");
        Netlink.Do(ns, "sysctl -w net.bridge.bridge-nf-call-iptables=1");
        ns.Netfilter = new Kernel.Netfilter.Netfilter(ns, name);

        FlannelOverlay.Program(ns, Overlay, Peer(node), _nodes.Values.OrderBy(n => n.Name, StringComparer.Ordinal).Select(Peer));
        var vxlan = Overlay == "vxlan";
        var netConf = new CniNetworkConfig { Subnet = podCidr, Mtu = vxlan ? FlannelOverlay.VxlanMtu : 1500, IpMasq = false, HairpinMode = true, IsGateway = true };
        var cni = new BridgePlugin(ns, netConf);
        var nodeResolv = OutsideWorld.ResolvConf;
        var dnsIp = KubeDnsIp();
        var kubelet = new Kubelet.Kubelet(ns, cni, new PodDnsConfigurer(dnsIp is null ? [] : [dnsIp], Config.ClusterDomain, nodeResolv), Config.ClusterDomain,
            () => _services, () => DnsView, Corefile, Options.Epoch) { RunProbes = Options.RunProbes, ClusterObjects = () => _objects };
        host = new NodeHost(node, ns, ip, podCidr, kubelet);
        _built[name] = host;

        if (Options.EgressMasquerade)
        {
            var r = host.Netfilter.IptablesRestore(EgressMasquerade.RestoreText(Config.PodCidr), noflush: true);
            if (r.ExitCode != 0) Problems.Add($"{name}: ip-masq-agent rules: {r.Stderr.Trim()}");
        }
        var proxy = new NodeKubeProxy(host, ProxyMode, Config.PodCidr, Config.ServiceCidr);
        _kubeProxies[name] = proxy;
        var kp = proxy.Sync(_objects);
        if (kp is not null) Problems.Add($"{name}: kube-proxy: {kp.Trim()}");
        if (Options.EnforceNetworkPolicies && NodePolicyAgent.Sync(host, _objects) is { } np) Problems.Add($"{name}: NetworkPolicy agent: {np}");

        foreach (var pod in _pods.Where(p => p.Spec.NodeName == name && IsRunnable(p)).OrderBy(p => p.Spec.HostNetwork == true ? 0 : 1).ThenBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal))
        {
            if (kubelet.RunPod(pod, out var err) is null) Problems.Add($"{name}: pod {pod.Namespace}/{pod.Name}: CNI ADD failed: {err?.Msg}");
        }
        // an ingress controller proxies to its backends' pods and resolves ExternalNames: realize those nodes too
        if (host.Kubelet.Pods.Values.Any(p => p.Pod.Spec.Containers.Any(c => Ingresses.IngressNginxInstall.IsControllerImage(c.Image ?? ""))))
        {
            foreach (var n in NodesForService("kube-system", "kube-dns").ToList()) EnsureNode(n);
            foreach (var b in Ingresses.IngressRouteTable.Build(_objects).Backends)
                foreach (var n in NodesForService(b.Namespace, b.Service).ToList()) EnsureNode(n);
        }
        return host;
    }

    private static bool IsRunnable(Pod p) => p.Metadata.DeletionTimestamp is null && p.Status?.Phase is "Running" or "Pending" && (p.Spec.HostNetwork == true || !string.IsNullOrEmpty(p.Status?.PodIP));

    private string? KubeDnsIp() => _services.FirstOrDefault(s => s.Namespace == "kube-system" && s.Name == "kube-dns")?.Spec.ClusterIP;

    /// <summary>Builds the node of pod <paramref name="ns"/>/<paramref name="name"/> and returns the pod's sandbox (null with a reason when it cannot run).</summary>
    public PodSandbox? EnsurePod(string ns, string name, out string? reason)
    {
        reason = null;
        var pod = PodObject(ns, name);
        if (pod is null)
        {
            reason = $"Error from server (NotFound): pods \"{name}\" not found";
            return null;
        }
        if (string.IsNullOrEmpty(pod.Spec.NodeName))
        {
            reason = $"error: unable to upgrade connection: pod {name} is not scheduled to a node";
            return null;
        }
        var host = EnsureNode(pod.Spec.NodeName);
        if (host is null || !host.Kubelet.Pods.TryGetValue(ns + "/" + name, out var sb))
        {
            reason = $"error: unable to upgrade connection: container not found (\"{pod.Spec.Containers.FirstOrDefault()?.Name}\")";
            return null;
        }
        return sb;
    }

    /// <summary>
    /// Builds the nodes a command aimed at <paramref name="targets"/> (addresses, names, URLs) may
    /// reach: the node of a pod IP, a node IP, the endpoints' nodes of a ClusterIP or Service name,
    /// and CoreDNS's nodes whenever a name must be resolved.
    /// </summary>
    public void EnsureFor(IEnumerable<string> targets)
    {
        foreach (var raw in targets)
        {
            var host = HostOf(raw);
            if (host is null) continue;
            if (Ipv4Address.TryParse(host, out _))
            {
                foreach (var n in NodesForAddress(host)) EnsureNode(n);
                continue;
            }
            if (host is "localhost") continue;
            foreach (var n in NodesForService("kube-system", "kube-dns")) EnsureNode(n);
            var parts = host.Split('.');
            var svcNs = parts.Length > 1 && parts[1] != "svc" ? parts[1] : null;
            foreach (var s in _services.Where(s => s.Name == parts[0] && (svcNs is null || s.Namespace == svcNs)))
                foreach (var n in NodesForService(s.Namespace, s.Name)) EnsureNode(n);
            var pod = _pods.FirstOrDefault(p => p.Name == parts[0] || (p.Spec.Hostname ?? "") == parts[0]);
            if (pod?.Spec.NodeName is { } pn) EnsureNode(pn);
        }
        Settle();
    }

    /// <summary>Runs the loop briefly so newly started programs bind their sockets (and failures are logged).</summary>
    public void Settle()
    {
        World.Loop.RunFor(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(30));
        foreach (var (_, _, _, log) in ContainerLogs()) log.MarkStartupEnd();
    }

    /// <summary>The logs of every container running on the nodes built so far: (namespace, pod, container, log).</summary>
    public IEnumerable<(string Namespace, string Pod, string Container, Images.ContainerLog Log)> ContainerLogs() =>
        _built.Values.SelectMany(h => h.Kubelet.Pods.Values).SelectMany(sb => sb.Containers.Select(c => (sb.Pod.Namespace, sb.Pod.Name, c.Spec.Name, c.Log)));

    /// <summary>The host part of an argument: a URL's host, <c>host:port</c>'s host, or the word itself when it looks like a name or address.</summary>
    public static string? HostOf(string arg)
    {
        if (arg.StartsWith('-')) return null;
        var s = arg;
        // curl --resolve HOST:PORT:ADDRESS: the address is where the connection goes
        var parts = s.Split(':');
        if (parts.Length == 3 && parts[1].Length > 0 && parts[1].All(char.IsDigit) && Ipv4Address.TryParse(parts[2], out _)) return parts[2];
        var scheme = s.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) s = s[(scheme + 3)..];
        s = s.Split('/')[0].Split('?')[0];
        if (s.Contains('@', StringComparison.Ordinal)) s = s[(s.LastIndexOf('@') + 1)..];
        var colon = s.LastIndexOf(':');
        if (colon > 0) s = s[..colon];
        if (s.Length == 0 || s.All(char.IsDigit)) return null;
        if (!s.All(c => char.IsLetterOrDigit(c) || c is '.' or '-')) return null;
        return s;
    }

    /// <summary>Nodes that own or answer for an address: a pod's node, a node, or a Service's endpoint nodes.</summary>
    public IEnumerable<string> NodesForAddress(string ip)
    {
        foreach (var n in _nodes.Values)
        {
            if (ClusterBootstrap.NodeInternalIp(n) != ip) continue;
            yield return n.Name;
            // A node IP answers NodePorts too, and kube-proxy forwards those to endpoints on any node.
            foreach (var s in _services.Where(s => s.Spec.Ports.Any(p => p.NodePort is > 0)))
                foreach (var en in NodesForService(s.Namespace, s.Name)) yield return en;
        }
        foreach (var p in _pods)
            if (p.Status?.PodIP == ip && p.Spec.HostNetwork != true && p.Spec.NodeName is { } pn) yield return pn;
        foreach (var s in _services)
            if (s.Spec.ClusterIP == ip || s.Spec.ExternalIPs.Contains(ip) || (s.Status?.LoadBalancer?.Ingress.Any(i => i.Ip == ip) ?? false))
                foreach (var n in NodesForService(s.Namespace, s.Name)) yield return n;
        // An LB address: the node the cloud load balancer forwards it to.
        if (Outside.LoadBalancer.TargetOf(ip)?.NodeName is { } lbNode) yield return lbNode;
        if (ip == KubeDnsIp())
            foreach (var n in NodesForService("kube-system", "kube-dns")) yield return n;
    }

    /// <summary>The nodes of a Service's endpoints (from its EndpointSlices).</summary>
    public IEnumerable<string> NodesForService(string ns, string name) =>
        _objects.OfType<EndpointSlice>()
            .Where(e => e.Namespace == ns && e.Metadata.Labels.TryGetValue("kubernetes.io/service-name", out var sn) && sn == name)
            .SelectMany(e => e.Endpoints).Select(e => e.NodeName).OfType<string>().Distinct(StringComparer.Ordinal);

    /// <summary>Builds every node (for commands whose reach cannot be predicted).</summary>
    public void EnsureAll()
    {
        foreach (var n in _nodes.Keys.Order(StringComparer.Ordinal).ToList()) EnsureNode(n);
        Settle();
    }

    /// <summary>The pod whose IP is <paramref name="ip"/>, if any (for traces naming pods).</summary>
    public Pod? PodByIp(string ip) => _pods.FirstOrDefault(p => p.Status?.PodIP == ip && p.Spec.HostNetwork != true);

    /// <summary>Formats a count for messages.</summary>
    internal static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
}

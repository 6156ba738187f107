using System.Security.Cryptography;
using System.Text;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Cni;
using Podnet.Cluster.Dns.CoreDns;
using Podnet.Cluster.Images;
using Podnet.Kernel.Stack;

namespace Podnet.Cluster.Kubelet;

/// <summary>
/// The kubelet of one node: for each pod bound to the node it creates the sandbox (a network
/// namespace with <c>lo</c> up), calls the CNI plugin's ADD with the pod's IP from its status
/// (<c>CNI_ARGS IP=...</c>), writes resolv.conf and /etc/hosts, computes the Service variables and
/// starts the containers' programs in the shared namespace; hostNetwork pods use the node's
/// namespace. Deleting a pod stops it, calls CNI DEL and removes the namespace.
/// </summary>
public sealed class Kubelet
{
    private readonly NetNamespace _node;
    private readonly BridgePlugin _cni;
    private readonly PodDnsConfigurer _dns;
    private readonly string _clusterDomain;
    private readonly Func<IEnumerable<Service>> _services;
    private readonly Func<DnsClusterView> _dnsView;
    private readonly string _corefile;
    private readonly DateTimeOffset _epoch;
    private readonly Dictionary<string, PodSandbox> _pods = new(StringComparer.Ordinal);

    /// <summary>The kubelet on node namespace <paramref name="node"/>.</summary>
    public Kubelet(NetNamespace node, BridgePlugin cni, PodDnsConfigurer dns, string clusterDomain, Func<IEnumerable<Service>> services,
        Func<DnsClusterView> dnsView, string corefile, DateTimeOffset epoch)
    {
        _node = node;
        _cni = cni;
        _dns = dns;
        _clusterDomain = clusterDomain;
        _services = services;
        _dnsView = dnsView;
        _corefile = corefile;
        _epoch = epoch;
    }

    /// <summary>The cluster's objects as a controller running in a pod watches them (the ingress controller's informers).</summary>
    public Func<IReadOnlyList<Api.Meta.KubeObject>> ClusterObjects { get; init; } = () => [];

    /// <summary>The pods running on this node by <c>namespace/name</c>.</summary>
    public IReadOnlyDictionary<string, PodSandbox> Pods => _pods;

    /// <summary>Whether the kubelet runs the containers' startup, readiness and liveness probes (<see cref="ProbeWorker"/>).</summary>
    public bool RunProbes { get; init; }

    /// <summary>Events the kubelet recorded for its pods: (pod, type, reason, message), in order.</summary>
    public List<(Pod Pod, string Type, string Reason, string Message)> Events { get; } = [];

    /// <summary>The CNI plugin the kubelet calls.</summary>
    public BridgePlugin Cni => _cni;

    /// <summary>A sandbox ID the way containerd makes them (64 hex), deterministic per pod UID.</summary>
    public static string SandboxId(Pod pod) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("sandbox/" + (pod.Metadata.Uid ?? pod.Namespace + "/" + pod.Name))));

    /// <summary>Runs <paramref name="pod"/>: sandbox, network, files, containers. Returns the sandbox, or the CNI error.</summary>
    public PodSandbox? RunPod(Pod pod, out CniError? error)
    {
        error = null;
        var key = pod.Namespace + "/" + pod.Name;
        if (_pods.TryGetValue(key, out var existing)) return existing;
        var id = SandboxId(pod);
        PodSandbox sandbox;
        if (pod.Spec.HostNetwork == true)
        {
            var nodeIp = _node.Addresses.First(a => a.Device.Name == "eth0");
            sandbox = new PodSandbox(pod, _node, Kernel.Wire.Ipv4Address.Format(nodeIp.Address), id);
        }
        else
        {
            var nsName = "cni-" + id[..8] + "-" + id[8..12] + "-" + id[12..16] + "-" + id[16..20] + "-" + id[20..32];
            var ns = _node.World.CreateNamespace(nsName);
            Netlink.Do(ns, "ip link set lo up");
            var args = new Dictionary<string, string>
            {
                ["K8S_POD_NAMESPACE"] = pod.Namespace,
                ["K8S_POD_NAME"] = pod.Name,
                ["K8S_POD_INFRA_CONTAINER_ID"] = id,
                ["K8S_POD_UID"] = pod.Metadata.Uid ?? "",
            };
            if (pod.Status?.PodIP is { Length: > 0 } ip) args["IP"] = ip;
            var result = _cni.Add(new CniArgs(id, ns, "eth0", args), out error);
            if (result is null)
            {
                _node.World.DeleteNamespace(nsName);
                return null;
            }
            sandbox = new PodSandbox(pod, ns, result.Ips[0].Address.Split('/')[0], id) { CniResult = result };
        }
        sandbox.ResolvConf = _dns.For(pod).ToResolvConf();
        sandbox.Hosts = EtcHosts.For(pod, sandbox.Ip, _clusterDomain, "127.0.0.1\tlocalhost\n" + sandbox.Ip + "\t" + _node.Name + "\n");
        sandbox.ServiceEnv = ServiceEnvironment.For(pod, _services());
        _pods[key] = sandbox;
        foreach (var c in pod.Spec.Containers) StartContainer(sandbox, c);
        if (RunProbes)
        {
            foreach (var c in sandbox.Containers) ProbeWorker.Start(c, sandbox, _node, (type, reason, message) => Events.Add((pod, type, reason, message)));
        }
        return sandbox;
    }

    private void StartContainer(PodSandbox sandbox, Container c)
    {
        var pod = sandbox.Pod;
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["HOSTNAME"] = pod.Spec.HostNetwork == true ? _node.Name : pod.Spec.Hostname ?? pod.Name,
        };
        foreach (var e in c.Env) if (e.Value is not null) env[e.Name] = e.Value;
        foreach (var (n, v) in sandbox.ServiceEnv) env.TryAdd(n, v);
        env["HOME"] = "/root";
        var ctx = new ProcessContext(sandbox.Namespace, env["HOSTNAME"], _epoch)
        {
            Environment = env,
            Args = c.Command.Concat(c.Args).ToList(),
            Files = new Dictionary<string, string> { ["/etc/resolv.conf"] = sandbox.ResolvConf, ["/etc/hosts"] = sandbox.Hosts, ["/etc/hostname"] = env["HOSTNAME"] + "\n" },
            PodName = pod.Name,
            PodNamespace = pod.Namespace,
            Ports = c.Ports.Select(p => (p.ContainerPortNumber, p.Protocol ?? "TCP")).ToList(),
        };
        var program = ImageCatalog.Resolve(c, _dnsView, _corefile, ClusterObjects);
        var note = program is Images.Programs.GenericServerProgram ? Images.Programs.GenericServerProgram.Note(c.Image ?? "") : null;
        var inst = new ContainerInstance(c, program, ctx, note);
        sandbox.Containers.Add(inst);
        var tcs = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        inst.Task = tcs.Task;
        _node.World.Loop.Start(async () =>
        {
            try
            {
                tcs.TrySetResult(await program.RunAsync(ctx));
            }
            catch (Exception e)
            {
                ctx.Log.Line("panic: " + e.Message);
                tcs.TrySetResult(2);
            }
        });
    }

    /// <summary>Deletes a pod: CNI DEL, then the sandbox namespace goes (its sockets with it).</summary>
    public bool KillPod(string ns, string name)
    {
        if (!_pods.Remove(ns + "/" + name, out var sandbox)) return false;
        foreach (var c in sandbox.Containers) c.Stopped = true;
        if (sandbox.Pod.Spec.HostNetwork == true) return true;
        _cni.Delete(sandbox.ContainerId);
        _node.World.DeleteNamespace(sandbox.Namespace.Name);
        return true;
    }
}

using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Runtime;

public sealed partial class ClusterRuntime
{
    /// <summary>
    /// Delivers a newer converged snapshot to the live runtime, as the watches deliver changes to the
    /// node agents of a running cluster: on every built node the kubelet stops the pods that are gone
    /// (CNI DEL, namespace removed) and starts the new ones scheduled there — a pod being deleted
    /// (<c>deletionTimestamp</c> set) keeps running, as during its grace period —, kube-proxy runs
    /// a sync (partial in iptables and nftables modes; IPVS reconciles its virtual services), and
    /// the cloud load balancer re-programs the router. Conntrack and IPVS connection tables are left
    /// alone, so established connections keep their NAT while new ones see the new rules. Nodes not
    /// built yet are built from the new snapshot when first touched. The NetworkPolicy agent is not
    /// re-synced (its rules stay those of the node's first build).
    /// </summary>
    public void Update(IEnumerable<KubeObject> objects)
    {
        _objects = objects.ToList();
        foreach (var n in _objects.OfType<Node>()) _nodes[n.Name] = n;
        _pods = _objects.OfType<Pod>().ToList();
        _services = _objects.OfType<Service>().ToList();
        _dnsView = null;
        foreach (var (name, host) in _built.OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            var wanted = _pods.Where(p => p.Spec.NodeName == name).ToDictionary(p => p.Namespace + "/" + p.Name, StringComparer.Ordinal);
            foreach (var (key, sandbox) in host.Kubelet.Pods.OrderBy(p => p.Key, StringComparer.Ordinal).ToList())
            {
                if (wanted.TryGetValue(key, out var now) && now.Metadata.Uid == sandbox.Pod.Metadata.Uid) continue;
                host.Kubelet.KillPod(sandbox.Pod.Namespace, sandbox.Pod.Name);
            }
            foreach (var pod in wanted.Values.Where(p => IsRunnable(p) && !host.Kubelet.Pods.ContainsKey(p.Namespace + "/" + p.Name))
                         .OrderBy(p => p.Spec.HostNetwork == true ? 0 : 1).ThenBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal))
            {
                if (host.Kubelet.RunPod(pod, out var err) is null) Problems.Add($"{name}: pod {pod.Namespace}/{pod.Name}: CNI ADD failed: {err?.Msg}");
            }
            if (_kubeProxies.TryGetValue(name, out var proxy) && proxy.Sync(_objects) is { } kp) Problems.Add($"{name}: kube-proxy: {kp.Trim()}");
        }
        Outside.LoadBalancer.Sync(_objects, Config.LoadBalancerPool);
        Settle();
    }

    /// <summary>kube-proxy of a built node, or null.</summary>
    public NodeKubeProxy? KubeProxyOf(string node) => _kubeProxies.GetValueOrDefault(node);
}

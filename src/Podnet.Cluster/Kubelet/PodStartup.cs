using System.Text.Json;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.Cni;
using Podnet.Cluster.Controllers;
using Podnet.Cluster.Dns.CoreDns;
using Podnet.Kernel.Stack;

namespace Podnet.Cluster.Kubelet;

/// <summary>What the kubelet reports for one container after startup.</summary>
/// <param name="Name">The container's name.</param>
/// <param name="Ready">Whether it is ready.</param>
/// <param name="ExitCode">Its exit code when the process ended (a failed bind exits 1), else null.</param>
/// <param name="RestartCount">Restarts so far.</param>
/// <param name="LastTermination">Exit code of the last killed instance, or null.</param>
/// <param name="Log">The container's log.</param>
public sealed record ContainerStartup(string Name, bool Ready, int? ExitCode, int RestartCount, int? LastTermination, string Log);

/// <summary>The kubelet's report for a pod after startup: per-container state and its events (type, reason, message).</summary>
public sealed record PodStartupReport(IReadOnlyList<ContainerStartup> Containers, IReadOnlyList<(string Type, string Reason, string Message)> Events)
{
    /// <summary>
    /// This report as another replica of the same spec would get it: its address <paramref name="fromIp"/>
    /// (whole addresses only) replaced by <paramref name="toIp"/> in event messages (probe failures name
    /// the address they dialled) and container logs.
    /// </summary>
    public PodStartupReport For(string fromIp, string toIp)
    {
        if (fromIp == toIp
            || (!Events.Any(e => e.Message.Contains(fromIp, StringComparison.Ordinal)) && !Containers.Any(c => c.Log.Contains(fromIp, StringComparison.Ordinal))))
        {
            return this;
        }
        string Swap(string text) => ReplaceWord(text, fromIp, toIp);
        return new PodStartupReport(
            Containers.Select(c => c.Log.Length == 0 ? c : c with { Log = Swap(c.Log) }).ToList(),
            Events.Select(e => (e.Type, e.Reason, Swap(e.Message))).ToList());
    }

    /// <summary>Replaces <paramref name="word"/> where it is not part of a longer name or address (so 10.0.0.1 does not match in 10.0.0.12).</summary>
    internal static string ReplaceWord(string text, string word, string replacement)
    {
        if (word.Length == 0 || word == replacement || !text.Contains(word, StringComparison.Ordinal))
        {
            return text;
        }
        static bool Part(char c) => char.IsLetterOrDigit(c) || c is '.' or '-' or '_';
        var sb = new System.Text.StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            var at = text.IndexOf(word, i, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }
            var end = at + word.Length;
            // a trailing '.' ends a sentence; it does not continue an address
            bool before = at > 0 && Part(text[at - 1]);
            bool after = end < text.Length && Part(text[end]) && !(text[end] == '.' && (end + 1 == text.Length || !char.IsLetterOrDigit(text[end + 1])));
            sb.Append(text, i, at - i).Append(before || after ? word : replacement);
            i = end;
        }
        return sb.Append(text, i, text.Length - i).ToString();
    }
}

/// <summary>Start-up reports remembered during one convergence, by namespace and pod spec.</summary>
public sealed class StartupCache
{
    internal System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<(PodStartupReport Report, string PodIp)>> Reports { get; } = new(StringComparer.Ordinal);

    internal System.Collections.Concurrent.ConcurrentDictionary<(string Namespace, PodSpec Spec), string> Keys { get; } = new();
}

/// <summary>
/// The status a node's kubelet reports after starting a pod, found by really starting it: the pod's
/// containers run in a sandbox of their own (a private node namespace, the bridge CNI, the pod's IP)
/// and the kubelet's probe workers run in virtual time until every probe has had the chance to pass
/// or fail its thresholds. A container whose program exits (e.g. <c>bind: address already in use</c>)
/// is in CrashLoopBackOff; readiness and liveness come from the probes. What a container does with
/// the rest of the cluster is not part of this (an exec probe that calls another Service fails here).
/// Pods with one container and no probes are not started: they run and are ready, as before.
/// </summary>
public static class PodStartup
{
    /// <summary>Whether the kubelet's report can differ from "every container running and ready".</summary>
    public static bool NeedsStartup(Pod pod) =>
        pod.Spec.HostNetwork != true
        && (pod.Spec.Containers.Count > 1 || pod.Spec.Containers.Any(c => c.ReadinessProbe is not null || c.LivenessProbe is not null || c.StartupProbe is not null));

    /// <summary>
    /// Starts <paramref name="pod"/> with <paramref name="podIp"/> on a private copy of node
    /// <paramref name="nodeName"/> (pod CIDR <paramref name="podCidr"/>) and reports what the kubelet sees,
    /// remembering reports in <paramref name="cache"/> (one per convergence, where the Services do not change): pods
    /// with the same spec in the same namespace (one ReplicaSet's replicas) behave the same in their
    /// sandboxes, so the pod is started once per spec and the other replicas get that report with their
    /// own address in the messages and logs. (The pod's name, its hostname, is not part of the key: what
    /// the kubelet sees of a container, its probes' results and exit, does not depend on it.)
    /// </summary>
    public static PodStartupReport Evaluate(Pod pod, string podIp, string nodeName, string podCidr, string clusterDomain, IReadOnlyList<Service> services, StartupCache cache)
    {
        // Safe to call from several threads: each sandbox is a World of its own (the kernel keeps no
        // process-wide state), so different specs start in parallel; one spec's sandbox starts once
        // and the other replicas wait for its report.
        var known = cache.Reports.GetOrAdd(Key(pod, cache), static (_, a) => new Lazy<(PodStartupReport, string)>(
            () => (Run(a.pod, a.podIp, a.nodeName, a.podCidr, a.clusterDomain, a.services), a.podIp),
            LazyThreadSafetyMode.ExecutionAndPublication), (pod, podIp, nodeName, podCidr, clusterDomain, services)).Value;
        return known.Report.For(known.PodIp, podIp);
    }

    /// <summary>
    /// Starts the sandboxes that <paramref name="pods"/> (in start order) need, all cores at once, so that
    /// <see cref="Evaluate"/> then only reads reports: one sandbox per namespace and spec, started for the
    /// first pod of that spec in the list (so which replica stands for the others does not depend on timing).
    /// </summary>
    public static void StartAll(IReadOnlyList<(Pod Pod, string PodIp, string NodeName, string PodCidr)> pods, string clusterDomain, IReadOnlyList<Service> services, StartupCache cache)
    {
        var first = new List<(string Key, (Pod Pod, string PodIp, string NodeName, string PodCidr) At)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in pods)
        {
            var key = Key(p.Pod, cache);
            if (!cache.Reports.ContainsKey(key) && seen.Add(key))
            {
                first.Add((key, p));
            }
        }
        Parallel.ForEach(first, f =>
        {
            var (pod, podIp, nodeName, podCidr) = f.At;
            var report = Run(pod, podIp, nodeName, podCidr, clusterDomain, services);
            cache.Reports.TryAdd(f.Key, new Lazy<(PodStartupReport, string)>((report, podIp)));
        });
    }

    // Replicas share their template's spec objects: the record's equality (fields and list references)
    // finds them without encoding; a spec equal only in content is found by its JSON.
    private static string Key(Pod pod, StartupCache cache) =>
        cache.Keys.GetOrAdd((pod.Namespace, pod.Spec with { NodeName = null }), static (k, p) =>
            k.Namespace + "\n" + KubeObjectCodec.EncodeString(p with { Metadata = new() { Name = "p", Namespace = k.Namespace }, Status = null, Spec = k.Spec }), pod);

    private static PodStartupReport Run(Pod pod, string podIp, string nodeName, string podCidr, string clusterDomain, IReadOnlyList<Service> services)
    {
        var world = new World(1);
        var node = world.CreateNamespace(nodeName);
        Netlink.Do(node, "ip link set lo up");
        var cni = new BridgePlugin(node, new CniNetworkConfig { Subnet = podCidr, Mtu = 1500, IpMasq = false, HairpinMode = true, IsGateway = true });
        var emptyView = new Lazy<DnsClusterView>(() => DnsClusterViewBuilder.Build([], [], [], []));
        var kubelet = new Kubelet(node, cni, new PodDnsConfigurer([], clusterDomain, "nameserver 127.0.0.53\n"), clusterDomain,
            () => services, () => emptyView.Value, ClusterBootstrap.Corefile(clusterDomain), DateTimeOffset.UnixEpoch)
        { RunProbes = true };
        var started = pod with { Status = (pod.Status ?? new PodStatus()) with { PodIP = podIp } };
        var sandbox = kubelet.RunPod(started, out var error);
        if (sandbox is null)
        {
            return new PodStartupReport(
                pod.Spec.Containers.Select(c => new ContainerStartup(c.Name, false, null, 0, null, "")).ToList(),
                [("Warning", "FailedCreatePodSandBox", "Failed to create pod sandbox: " + (error?.Msg ?? "CNI ADD failed"))]);
        }
        world.Loop.RunFor(Horizon(pod), TimeSpan.FromSeconds(20));
        var containers = sandbox.Containers.Select(c => new ContainerStartup(c.Spec.Name, c.Ready && c.ExitCode is null, c.ExitCode, c.RestartCount, c.LastTermination, c.Log.Text)).ToList();
        var events = kubelet.Events.Select(e => (e.Type, e.Reason, e.Message)).Distinct().ToList();
        kubelet.KillPod(pod.Namespace, pod.Name);
        return new PodStartupReport(containers, events);
    }

    /// <summary>Virtual time long enough for every probe to cross its thresholds once (at least 2 s for programs to start).</summary>
    private static TimeSpan Horizon(Pod pod)
    {
        double seconds = 2;
        foreach (var c in pod.Spec.Containers)
        {
            var others = Math.Max(Span(c.ReadinessProbe), Span(c.LivenessProbe));
            seconds = Math.Max(seconds, Span(c.StartupProbe) + others + 1);
        }
        return TimeSpan.FromSeconds(Math.Min(seconds, 900));
    }

    private static double Span(Probe? p)
    {
        if (p is null) return 0;
        var period = Math.Max(1, p.PeriodSeconds ?? 10);
        var rounds = Math.Max(p.FailureThreshold ?? 3, p.SuccessThreshold ?? 1) + 1;
        return (p.InitialDelaySeconds ?? 0) + (period * rounds);
    }
}

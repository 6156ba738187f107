using System.Globalization;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Controllers;

/// <summary>
/// What the kubelet and the CNI plugin report for a pod once it is bound to a node, until the real
/// node agents exist: the sandbox gets an address from <see cref="PodIpam"/> (or the node's address
/// for <c>hostNetwork</c>), images are "pulled", containers are created and started, and the pod is
/// Running and Ready (readiness gates still count). A pod whose sandbox gets no address stays Pending
/// in ContainerCreating with kubelet's FailedCreatePodSandBox event.
/// </summary>
public static class PodLifecycleController
{
    /// <summary>Starts every bound pod that has not started yet.</summary>
    /// <param name="objects">The cluster's objects.</param>
    /// <param name="now">The time the kubelets see.</param>
    /// <param name="events">Where the kubelets' events go.</param>
    /// <param name="step">Optional: told each phase's name and wall time (diagnostics).</param>
    public static void Sync(ObjectSet objects, DateTimeOffset now, EventRecorder events, Action<string, TimeSpan>? step = null)
    {
        var timer = new StepTimer(step, "pod lifecycle: ");
        var ipam = new PodIpam(objects);
        List<Service>? services = null;
        var startups = new Kubelet.StartupCache();
        var conditions = new Conditions(now);
        var nodes = objects.OfKind<Node>("Node").ToDictionary(n => n.Name, StringComparer.Ordinal);
        var toStart = objects.Unordered("Pod").Cast<Pod>()
            .Where(p => p.Spec.NodeName is { Length: > 0 } && p.Status?.PodIP is null && !PodTemplates.IsTerminal(p) && !PodTemplates.IsTerminating(p))
            .ToList();
        ParallelWork.Sort(toStart, PodTemplates.ByCreation);
        // 1. In start order, addresses from the node's range (a pure function of that order).
        var work = new List<Start>(toStart.Count);
        foreach (var pod in toStart)
        {
            if (!nodes.TryGetValue(pod.Spec.NodeName!, out var node))
            {
                continue; // bound to a node that does not exist: no kubelet picks it up
            }
            var hostIp = ClusterBootstrap.NodeInternalIp(node) ?? "";
            string? ip;
            string? error = null;
            if (pod.Spec.HostNetwork == true)
            {
                ip = hostIp;
            }
            else
            {
                ip = ipam.Allocate(node.Name, out error);
            }
            var evaluate = ip is not null && node.Spec.PodCIDR is { Length: > 0 } && Kubelet.PodStartup.NeedsStartup(pod);
            work.Add(new Start(pod, node, hostIp, ip, error, evaluate));
            if (evaluate)
            {
                services ??= objects.OfKind<Service>("Service").ToList();
            }
        }

        timer.Done("order and addresses");
        if (services is not null)
        {
            Kubelet.PodStartup.StartAll(
                work.Where(w => w.Evaluate).Select(w => (w.Pod, w.Ip!, w.Node.Name, w.Node.Spec.PodCIDR!)).ToList(), "cluster.local", services, startups);
        }
        timer.Done("sandboxes");
        // 2. What each kubelet reports, and its events: independent per pod, so spread over the cores.
        var started = new Pod?[work.Count];
        var podEvents = new List<PendingEvent>?[work.Count];
        var messages = new System.Collections.Concurrent.ConcurrentDictionary<Container, (string Pulled, string Created, string Started)>(ReferenceEqualityComparer.Instance);
        void Report(int i)
        {
            var w = work[i];
            if (w.Ip is null)
            {
                return;
            }
            Kubelet.PodStartupReport? startup = null;
            if (w.Evaluate)
            {
                startup = Kubelet.PodStartup.Evaluate(w.Pod, w.Ip, w.Node.Name, w.Node.Spec.PodCIDR!, "cluster.local", services!, startups);
            }
            started[i] = Running(w.Pod, w.Ip, w.HostIp, now, startup, conditions);
            podEvents[i] = StartupEvents(w.Pod, w.Node.Name, startup, messages);
        }
        ParallelWork.For(work.Count, Report);

        timer.Done("kubelet reports, statuses and events (parallel)");
        // 3. In start order again: the writes and the kubelet's events.
        var pending = new List<PendingEvent>(work.Count * 4);
        for (int i = 0; i < work.Count; i++)
        {
            var (pod, node, hostIp, ip, error, _) = work[i];
            if (ip is null)
            {
                var sandbox = "" + NameGenerator.Fnv64a(pod.Metadata.Uid ?? pod.Name).ToString("x16", CultureInfo.InvariantCulture)
                    + NameGenerator.Fnv64a("sandbox:" + (pod.Metadata.Uid ?? pod.Name)).ToString("x16", CultureInfo.InvariantCulture);
                var message = $"Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"{sandbox}\": plugin type=\"bridge\" failed (add): {error}";
                var waiting = ContainerCreating(pod, hostIp, now);
                if (pod.Status is null || !ObjectComparer.SameValue(pod.Status, waiting.Status!))
                {
                    objects.Put(waiting);
                }
                pending.Add(PendingEvent.Warning(pod, "FailedCreatePodSandBox", message, "kubelet", node.Name));
                continue;
            }
            objects.Put(started[i]!);
            pending.AddRange(podEvents[i]!);
        }
        timer.Done("pod writes");
        events.RecordAll(pending);
        timer.Done("events");
    }

    /// <summary>The kubelet's events for a pod it started: image, create and start per container, then what the start-up report saw.</summary>
    private static List<PendingEvent> StartupEvents(Pod pod, string node, Kubelet.PodStartupReport? startup,
        System.Collections.Concurrent.ConcurrentDictionary<Container, (string Pulled, string Created, string Started)> messages)
    {
        var list = new List<PendingEvent>(pod.Spec.Containers.Count * 3 + (startup?.Events.Count ?? 0));
        foreach (var c in pod.Spec.Containers)
        {
            // the same text for every replica of a template: built once per container spec
            var (pulled, created, startedMessage) = messages.GetOrAdd(c, static c =>
                ($"Container image \"{c.Image ?? ""}\" already present on machine", $"Created container: {c.Name}", $"Started container {c.Name}"));
            list.Add(PendingEvent.Normal(pod, "Pulled", pulled, "kubelet", node));
            list.Add(PendingEvent.Normal(pod, "Created", created, "kubelet", node));
            list.Add(PendingEvent.Normal(pod, "Started", startedMessage, "kubelet", node));
        }
        foreach (var (type, reason, message) in startup?.Events ?? [])
        {
            list.Add(new PendingEvent(pod, type == "Warning" ? "Warning" : "Normal", reason, message, "kubelet", node));
        }
        foreach (var c in startup?.Containers ?? [])
        {
            if (c.ExitCode is not null)
            {
                list.Add(PendingEvent.Warning(pod, "BackOff", $"Back-off restarting failed container {c.Name} in pod {pod.Name}_{pod.Namespace}({pod.Metadata.Uid})", "kubelet", node));
            }
        }
        return list;
    }

    private sealed record Start(Pod Pod, Node Node, string HostIp, string? Ip, string? Error, bool Evaluate);

    private static Condition Cond(string type, string status, DateTimeOffset now, string? reason = null, string? message = null) => new()
    {
        Type = type,
        Status = status,
        LastTransitionTime = now,
        Reason = reason,
        Message = message,
    };

    /// <summary>
    /// Conditions are immutable records: pods started at the same instant share equal ones (a large
    /// cluster's pods would otherwise hold five fresh copies each).
    /// </summary>
    private sealed class Conditions(DateTimeOffset now)
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Type, string Status, string? Reason, string? Message), Condition> known = new();

        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyList<PodIP>> addresses = new(StringComparer.Ordinal);

        public Condition Get(string type, string status, string? reason = null, string? message = null) =>
            known.GetOrAdd((type, status, reason, message), static (k, now) => Cond(k.Type, k.Status, now, k.Reason, k.Message), now);

        /// <summary>The <c>hostIPs</c> list of a node's pods (immutable: one per node).</summary>
        public IReadOnlyList<PodIP> Addresses(string hostIp) =>
            addresses.GetOrAdd(hostIp, static ip => [new PodIP { Ip = ip }]);
    }

    /// <summary>The pod once its sandbox has <paramref name="ip"/> and its containers run.</summary>
    private static Pod Running(Pod pod, string ip, string hostIp, DateTimeOffset now, Kubelet.PodStartupReport? startup, Conditions conds)
    {
        var gates = pod.Spec.ReadinessGates;
        bool GateTrue(PodReadinessGate g) =>
            pod.Status?.Conditions.Any(c => c.Type == g.ConditionType && c.Status == "True") == true;
        var containers = new List<ContainerStatus>(pod.Spec.Containers.Count);
        List<string>? unready = null;
        foreach (var c in pod.Spec.Containers)
        {
            Kubelet.ContainerStartup? report = null;
            foreach (var r in startup?.Containers ?? [])
            {
                if (r.Name == c.Name)
                {
                    report = r;
                    break;
                }
            }
            var status = ContainerAfterStartup(pod, c, report, now);
            containers.Add(status);
            if (!status.Ready)
            {
                (unready ??= []).Add(status.Name);
            }
        }
        var unreadyMessage = unready is null ? null : $"containers with unready status: [{string.Join(" ", unready)}]";
        var containersReady = unreadyMessage is null
            ? conds.Get("ContainersReady", "True")
            : conds.Get("ContainersReady", "False", "ContainersNotReady", unreadyMessage);
        var unreadyGate = gates.Count == 0 ? null : gates.FirstOrDefault(g => !GateTrue(g));
        var ready = unreadyMessage is not null
            ? conds.Get("Ready", "False", "ContainersNotReady", unreadyMessage)
            : unreadyGate is null
            ? conds.Get("Ready", "True")
            : conds.Get("Ready", "False", "ReadinessGatesNotReady", $"corresponding condition of pod readiness gate \"{unreadyGate.ConditionType}\" does not exist.");
        var gateConditions = gates.Count == 0 ? [] : pod.Status?.Conditions.Where(c => gates.Any(g => g.ConditionType == c.Type)) ?? [];
        return pod with
        {
            Status = (pod.Status ?? new PodStatus()) with
            {
                Phase = "Running",
                HostIP = hostIp,
                HostIPs = conds.Addresses(hostIp),
                PodIP = ip,
                PodIPs = [new PodIP { Ip = ip }],
                StartTime = now,
                QosClass = pod.Status?.QosClass ?? "BestEffort",
                Conditions =
                [
                    .. gateConditions,
                    conds.Get("PodReadyToStartContainers", "True"),
                    conds.Get("Initialized", "True"),
                    ready,
                    containersReady,
                    conds.Get("PodScheduled", "True"),
                ],
                ContainerStatuses = containers,
            },
        };
    }

    /// <summary>A container's status as the kubelet reports it after startup (running and ready when nothing says otherwise).</summary>
    private static ContainerStatus ContainerAfterStartup(Pod pod, Container c, Kubelet.ContainerStartup? s, DateTimeOffset now)
    {
        var status = new ContainerStatus
        {
            Name = c.Name,
            Image = c.Image ?? "",
            ImageID = "",
            ContainerID = ContainerId(pod, c.Name),
            Ready = s?.Ready ?? true,
            Started = true,
            RestartCount = s?.RestartCount ?? 0,
            State = new ContainerState { Running = new ContainerStateRunning { StartedAt = now } },
        };
        if (s?.ExitCode is { } code)
        {
            var lastLine = s.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
            return status with
            {
                Ready = false,
                Started = false,
                RestartCount = Math.Max(1, s.RestartCount),
                State = new ContainerState
                {
                    Waiting = new ContainerStateWaiting
                    {
                        Reason = "CrashLoopBackOff",
                        Message = $"back-off 10s restarting failed container={c.Name} pod={pod.Name}_{pod.Namespace}({pod.Metadata.Uid})",
                    },
                },
                LastState = new ContainerState
                {
                    Terminated = new ContainerStateTerminated
                    {
                        ExitCode = code,
                        Reason = code == 0 ? "Completed" : "Error",
                        Message = code == 0 ? null : lastLine,
                        StartedAt = now,
                        FinishedAt = now,
                        ContainerID = status.ContainerID,
                    },
                },
            };
        }
        if (s?.LastTermination is { } killed)
        {
            return status with
            {
                LastState = new ContainerState
                {
                    Terminated = new ContainerStateTerminated { ExitCode = killed, Reason = "Error", StartedAt = now, FinishedAt = now, ContainerID = status.ContainerID },
                },
            };
        }
        return status;
    }

    private static Pod ContainerCreating(Pod pod, string hostIp, DateTimeOffset now)
    {
        var names = string.Join(" ", pod.Spec.Containers.Select(c => c.Name));
        return pod with
        {
            Status = (pod.Status ?? new PodStatus()) with
            {
                Phase = "Pending",
                HostIP = hostIp,
                HostIPs = [new PodIP { Ip = hostIp }],
                StartTime = pod.Status?.StartTime ?? now,
                QosClass = pod.Status?.QosClass ?? "BestEffort",
                Conditions =
                [
                    Cond("PodReadyToStartContainers", "False", now),
                    Cond("Initialized", "True", now),
                    Cond("Ready", "False", now, "ContainersNotReady", $"containers with unready status: [{names}]"),
                    Cond("ContainersReady", "False", now, "ContainersNotReady", $"containers with unready status: [{names}]"),
                    Cond("PodScheduled", "True", now),
                ],
                ContainerStatuses = pod.Spec.Containers.Select(c => new ContainerStatus
                {
                    Name = c.Name,
                    Image = c.Image ?? "",
                    ImageID = "",
                    Ready = false,
                    Started = false,
                    RestartCount = 0,
                    State = new ContainerState { Waiting = new ContainerStateWaiting { Reason = "ContainerCreating" } },
                }).ToList(),
            },
        };
    }

    /// <summary><c>containerd://</c> and 64 hex digits: FNV-1a of "&lt;i&gt;&lt;uid&gt;/&lt;container&gt;" for i = 0..3.</summary>
    private static string ContainerId(Pod pod, string container)
    {
        var seed = (pod.Metadata.Uid ?? pod.Namespace + "/" + pod.Name) + "/" + container;
        const string scheme = "containerd://";
        return string.Create(scheme.Length + 64, seed, static (span, seed) =>
        {
            scheme.CopyTo(span);
            for (int i = 0; i < 4; i++)
            {
                ulong h = NameGenerator.Fnv64a(14695981039346656037, [(char)('0' + i)]);
                h = NameGenerator.Fnv64a(h, seed);
                h.TryFormat(span[(scheme.Length + i * 16)..], out _, "x16", CultureInfo.InvariantCulture);
            }
        });
    }
}

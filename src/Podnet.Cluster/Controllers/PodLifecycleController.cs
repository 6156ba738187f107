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
    public static void Sync(ObjectSet objects, DateTimeOffset now, EventRecorder events)
    {
        var ipam = new PodIpam(objects);
        var nodes = objects.OfKind<Node>("Node").ToDictionary(n => n.Name, StringComparer.Ordinal);
        var toStart = objects.Unordered("Pod").Cast<Pod>()
            .Where(p => p.Spec.NodeName is { Length: > 0 } && p.Status?.PodIP is null && !PodTemplates.IsTerminal(p) && !PodTemplates.IsTerminating(p))
            .ToList();
        toStart.Sort((a, b) =>
        {
            var c = Nullable.Compare(a.Metadata.CreationTimestamp, b.Metadata.CreationTimestamp);
            if (c != 0) return c;
            c = string.CompareOrdinal(a.Namespace, b.Namespace);
            return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
        });
        foreach (var pod in toStart)
        {
            if (!nodes.TryGetValue(pod.Spec.NodeName!, out var node))
            {
                continue; // bound to a node that does not exist: no kubelet picks it up
            }
            var hostIp = ClusterBootstrap.NodeInternalIp(node) ?? "";
            string? ip;
            if (pod.Spec.HostNetwork == true)
            {
                ip = hostIp;
            }
            else
            {
                ip = ipam.Allocate(node.Name, out var error);
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
                    events.Warning(pod, "FailedCreatePodSandBox", message, "kubelet", node.Name);
                    continue;
                }
            }
            objects.Put(Running(pod, ip, hostIp, now));
            foreach (var c in pod.Spec.Containers)
            {
                var image = c.Image ?? "";
                events.Normal(pod, "Pulled", $"Container image \"{image}\" already present on machine", "kubelet", node.Name);
                events.Normal(pod, "Created", $"Created container: {c.Name}", "kubelet", node.Name);
                events.Normal(pod, "Started", $"Started container {c.Name}", "kubelet", node.Name);
            }
        }
    }

    private static Condition Cond(string type, string status, DateTimeOffset now, string? reason = null, string? message = null) => new()
    {
        Type = type,
        Status = status,
        LastTransitionTime = now,
        Reason = reason,
        Message = message,
    };

    /// <summary>The pod once its sandbox has <paramref name="ip"/> and its containers run.</summary>
    public static Pod Running(Pod pod, string ip, string hostIp, DateTimeOffset now)
    {
        var gatesOk = pod.Spec.ReadinessGates.All(g =>
            pod.Status?.Conditions.Any(c => c.Type == g.ConditionType && c.Status == "True") == true);
        var containers = pod.Spec.Containers.Select(c => new ContainerStatus
        {
            Name = c.Name,
            Image = c.Image ?? "",
            ImageID = "",
            ContainerID = "containerd://" + ContainerId(pod, c.Name),
            Ready = true,
            Started = true,
            RestartCount = 0,
            State = new ContainerState { Running = new ContainerStateRunning { StartedAt = now } },
        }).ToList();
        var unreadyGates = pod.Spec.ReadinessGates.Where(g =>
            pod.Status?.Conditions.Any(c => c.Type == g.ConditionType && c.Status == "True") != true).Select(g => g.ConditionType).ToList();
        var ready = gatesOk
            ? Cond("Ready", "True", now)
            : Cond("Ready", "False", now, "ReadinessGatesNotReady", $"corresponding condition of pod readiness gate \"{unreadyGates[0]}\" does not exist.");
        var gateConditions = pod.Status?.Conditions.Where(c => pod.Spec.ReadinessGates.Any(g => g.ConditionType == c.Type)) ?? [];
        return pod with
        {
            Status = (pod.Status ?? new PodStatus()) with
            {
                Phase = "Running",
                HostIP = hostIp,
                HostIPs = [new PodIP { Ip = hostIp }],
                PodIP = ip,
                PodIPs = [new PodIP { Ip = ip }],
                StartTime = now,
                QosClass = pod.Status?.QosClass ?? "BestEffort",
                Conditions =
                [
                    .. gateConditions,
                    Cond("PodReadyToStartContainers", "True", now),
                    Cond("Initialized", "True", now),
                    ready,
                    Cond("ContainersReady", "True", now),
                    Cond("PodScheduled", "True", now),
                ],
                ContainerStatuses = containers,
            },
        };
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

    private static string ContainerId(Pod pod, string container)
    {
        var seed = (pod.Metadata.Uid ?? pod.Namespace + "/" + pod.Name) + "/" + container;
        var sb = new System.Text.StringBuilder(64);
        for (int i = 0; i < 4; i++)
        {
            sb.Append(NameGenerator.Fnv64a(i.ToString(CultureInfo.InvariantCulture) + seed).ToString("x16", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}

using Podnet.Cluster.Api.Apps;
using Podnet.Cluster.Api.Core;

namespace Podnet.Cluster.Controllers;

/// <summary>
/// kube-controller-manager's daemonset controller: one pod per node that matches the template's
/// <c>nodeSelector</c> and whose NoSchedule/NoExecute taints the template tolerates (plus the
/// tolerations the controller adds to every daemon pod). Pods are bound to their node directly.
/// </summary>
public static class DaemonSetController
{
    /// <summary>Tolerations the daemonset controller adds to every daemon pod (<c>util.AddOrUpdateDaemonPodTolerations</c>).</summary>
    public static IReadOnlyList<Toleration> DefaultTolerations { get; } =
    [
        new Toleration { Key = "node.kubernetes.io/not-ready", Operator = "Exists", Effect = "NoExecute" },
        new Toleration { Key = "node.kubernetes.io/unreachable", Operator = "Exists", Effect = "NoExecute" },
        new Toleration { Key = "node.kubernetes.io/disk-pressure", Operator = "Exists", Effect = "NoSchedule" },
        new Toleration { Key = "node.kubernetes.io/memory-pressure", Operator = "Exists", Effect = "NoSchedule" },
        new Toleration { Key = "node.kubernetes.io/pid-pressure", Operator = "Exists", Effect = "NoSchedule" },
        new Toleration { Key = "node.kubernetes.io/unschedulable", Operator = "Exists", Effect = "NoSchedule" },
    ];

    /// <summary>Whether a daemon pod of <paramref name="spec"/> should run on <paramref name="node"/>.</summary>
    public static bool ShouldRun(PodSpec spec, Node node)
    {
        if (!Scheduler.MatchesNodeSelector(spec, node))
        {
            return false;
        }
        var tolerations = spec.Tolerations.Concat(DefaultTolerations).ToList();
        return Scheduler.UntoleratedTaint(tolerations, node) is null;
    }

    /// <summary>Creates the missing daemon pods and deletes those on nodes that no longer qualify.</summary>
    public static void Sync(ObjectSet objects, Dictionary<string, List<Pod>> podsByOwner, DateTimeOffset now, EventRecorder events)
    {
        var nodes = objects.OfKind<Node>("Node");
        foreach (var ds in objects.OfKind<DaemonSet>("DaemonSet"))
        {
            if (ds.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }
            var active = PodTemplates.ActivePodsOf(podsByOwner, ds);
            var byNode = active.Where(p => p.Spec.NodeName is not null).GroupBy(p => p.Spec.NodeName!).ToDictionary(g => g.Key, g => g.ToList());
            var revision = DeploymentController.TemplateHash(ds.Spec.Template);
            var generation = (ds.Metadata.Generation ?? 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var node in nodes)
            {
                var run = ShouldRun(ds.Spec.Template.Spec, node);
                byNode.TryGetValue(node.Name, out var existing);
                if (run && existing is null)
                {
                    int attempt = 0;
                    string name;
                    do
                    {
                        name = NameGenerator.GenerateName(ds.Name + "-", (ds.Metadata.Uid ?? ds.Name) + "/" + node.Name, attempt++);
                    }
                    while (objects.Get("Pod", ds.Namespace, name) is not null);
                    var labels = new Dictionary<string, string>
                    {
                        ["controller-revision-hash"] = revision,
                        ["pod-template-generation"] = generation,
                    };
                    var pod = PodTemplates.NewPod(ds, ds.Spec.Template, name, ds.Name + "-", now, labels,
                        spec => spec with { NodeName = node.Name, Tolerations = spec.Tolerations.Concat(DefaultTolerations).ToList() });
                    objects.Put(pod);
                    ReplicaSetController.Add(podsByOwner, ds, pod);
                    events.Normal(ds, "SuccessfulCreate", $"Created pod: {name}", "daemonset-controller");
                }
                else if (!run && existing is not null)
                {
                    foreach (var pod in existing)
                    {
                        objects.Remove("Pod", pod.Namespace, pod.Name);
                        podsByOwner[PodTemplates.OwnerKey(ds.Kind, ds.Namespace, ds.Name)].Remove(pod);
                        events.Normal(ds, "SuccessfulDelete", $"Deleted pod: {pod.Name}", "daemonset-controller");
                    }
                }
            }
        }
    }

    /// <summary>DaemonSet status: desired, current, ready, available, misscheduled counts.</summary>
    public static void UpdateStatus(ObjectSet objects, Dictionary<string, List<Pod>> podsByOwner)
    {
        var nodes = objects.OfKind<Node>("Node");
        foreach (var ds in objects.OfKind<DaemonSet>("DaemonSet"))
        {
            var pods = PodTemplates.ActivePodsOf(podsByOwner, ds);
            var desired = nodes.Count(n => ShouldRun(ds.Spec.Template.Spec, n));
            var ready = pods.Count(PodTemplates.IsReady);
            var status = new DaemonSetStatus
            {
                CurrentNumberScheduled = pods.Count,
                DesiredNumberScheduled = desired,
                NumberMisscheduled = 0,
                NumberReady = ready,
                ObservedGeneration = ds.Metadata.Generation,
                UpdatedNumberScheduled = pods.Count,
                NumberAvailable = ready,
                NumberUnavailable = desired - ready > 0 ? desired - ready : null,
            };
            if (ds.Status is null || !ObjectComparer.SameValue(ds.Status, status))
            {
                objects.Put(ds with { Status = status });
            }
        }
    }
}

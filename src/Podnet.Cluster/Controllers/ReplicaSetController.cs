using System.Globalization;
using Podnet.Cluster.Api.Apps;
using Podnet.Cluster.Api.Core;

namespace Podnet.Cluster.Controllers;

/// <summary>
/// kube-controller-manager's replicaset controller: keeps <c>spec.replicas</c> active pods named
/// <c>&lt;replicaset&gt;-&lt;5 chars&gt;</c>; surplus pods are deleted unscheduled first, then not ready,
/// then by name from the end.
/// </summary>
public static class ReplicaSetController
{
    /// <summary>Creates or deletes pods of every ReplicaSet.</summary>
    public static void Sync(ObjectSet objects, Dictionary<string, List<Pod>> podsByOwner, DateTimeOffset now, EventRecorder events)
    {
        foreach (var rs in objects.OfKind<ReplicaSet>("ReplicaSet"))
        {
            if (rs.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }
            var active = PodTemplates.ActivePodsOf(podsByOwner, rs);
            var desired = rs.Spec.Replicas ?? 1;
            if (active.Count < desired)
            {
                // Replacing pods that disappeared since the last sync gets fresh names, as a real
                // controller's random suffixes would; a first fill is a pure function of the ReplicaSet.
                var identity = rs.Metadata.Uid ?? rs.Name;
                if ((rs.Status?.Replicas ?? 0) > active.Count)
                {
                    identity += "@" + now.UtcTicks.ToString(CultureInfo.InvariantCulture);
                }
                int attempt = 0;
                for (int i = active.Count; i < desired; i++)
                {
                    string name;
                    do
                    {
                        name = NameGenerator.GenerateName(rs.Name + "-", identity, attempt++);
                    }
                    while (objects.Get("Pod", rs.Namespace, name) is not null);
                    var pod = PodTemplates.NewPod(rs, rs.Spec.Template, name, rs.Name + "-", now);
                    objects.Put(pod);
                    Add(podsByOwner, rs, pod);
                    events.Normal(rs, "SuccessfulCreate", $"Created pod: {name}", "replicaset-controller");
                }
            }
            else if (active.Count > desired)
            {
                var victims = active
                    .OrderBy(p => string.IsNullOrEmpty(p.Spec.NodeName) ? 0 : 1)
                    .ThenBy(p => PodTemplates.IsReady(p) ? 1 : 0)
                    .ThenByDescending(p => p.Metadata.CreationTimestamp)
                    .ThenByDescending(p => p.Name, StringComparer.Ordinal)
                    .Take(active.Count - desired)
                    .ToList();
                foreach (var pod in victims)
                {
                    objects.Remove("Pod", pod.Namespace, pod.Name);
                    podsByOwner[PodTemplates.OwnerKey(rs.Kind, rs.Namespace, rs.Name)].Remove(pod);
                    events.Normal(rs, "SuccessfulDelete", $"Deleted pod: {pod.Name}", "replicaset-controller");
                }
            }
        }
    }

    internal static void Add(Dictionary<string, List<Pod>> podsByOwner, Api.Meta.KubeObject owner, Pod pod)
    {
        var key = PodTemplates.OwnerKey(owner.Kind, owner.Namespace, owner.Name);
        if (!podsByOwner.TryGetValue(key, out var list))
        {
            list = [];
            podsByOwner[key] = list;
        }
        list.Add(pod);
    }

    /// <summary>ReplicaSet status: replicas, fully labeled, ready and available counts.</summary>
    public static void UpdateStatus(ObjectSet objects, Dictionary<string, List<Pod>> podsByOwner)
    {
        foreach (var rs in objects.OfKind<ReplicaSet>("ReplicaSet"))
        {
            var pods = PodTemplates.ActivePodsOf(podsByOwner, rs);
            var ready = pods.Count(PodTemplates.IsReady);
            var status = new ReplicaSetStatus
            {
                Replicas = pods.Count,
                FullyLabeledReplicas = pods.Count == 0 ? null : pods.Count,
                ReadyReplicas = ready == 0 ? null : ready,
                AvailableReplicas = ready == 0 ? null : ready,
                ObservedGeneration = rs.Metadata.Generation,
            };
            if (rs.Status is null || !ObjectComparer.SameValue(rs.Status, status))
            {
                objects.Put(rs with { Status = status });
            }
        }
    }
}

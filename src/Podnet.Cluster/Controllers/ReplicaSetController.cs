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
        var sets = objects.OfKind<ReplicaSet>("ReplicaSet");
        var active = new List<Pod>[sets.Count];
        var created = new Pod[]?[sets.Count];
        var identities = new string[sets.Count];
        var attempts = new int[sets.Count];
        // 1. Which pods each ReplicaSet creates: independent per ReplicaSet (names are the ReplicaSet's
        //    name plus a fixed-length suffix, so two ReplicaSets never generate the same name; a name an
        //    existing pod holds is skipped), so built on all cores while the set is only read.
        void Plan(int i)
        {
            var rs = sets[i];
            if (rs.Metadata.DeletionTimestamp is not null)
            {
                return;
            }
            active[i] = PodTemplates.ActivePodsOf(podsByOwner, rs);
            var desired = rs.Spec.Replicas ?? 1;
            if (active[i].Count >= desired)
            {
                return;
            }
            // Replacing pods that disappeared since the last sync gets fresh names, as a real
            // controller's random suffixes would; a first fill is a pure function of the ReplicaSet.
            var identity = rs.Metadata.Uid ?? rs.Name;
            if ((rs.Status?.Replicas ?? 0) > active[i].Count)
            {
                identity += "@" + now.UtcTicks.ToString(CultureInfo.InvariantCulture);
            }
            var owners = new[] { ObjectIdentity.ControllerRef(rs) };
            var pods = new Pod[desired - active[i].Count];
            var prefix = rs.Name + "-";
            int attempt = 0;
            for (int k = 0; k < pods.Length; k++)
            {
                string name;
                do
                {
                    name = NameGenerator.GenerateName(prefix, identity, attempt++);
                }
                while (objects.Get("Pod", rs.Namespace, name) is not null || Taken(pods, k, name));
                pods[k] = PodTemplates.NewPod(rs, rs.Spec.Template, name, prefix, now, ownerReferences: owners);
            }
            created[i] = pods;
            identities[i] = identity;
            attempts[i] = attempt;
        }
        ParallelWork.For(sets.Count, Plan, minimum: 64);

        // 2. In order: the writes, the owner index and the events.
        var pending = new List<PendingEvent>();
        for (int i = 0; i < sets.Count; i++)
        {
            var rs = sets[i];
            if (created[i] is { } pods)
            {
                var list = OwnerList(podsByOwner, rs);
                foreach (var planned in pods)
                {
                    var pod = planned;
                    // A name prefix cut to its maximum length can meet another ReplicaSet's pod made just before.
                    while (objects.Get("Pod", rs.Namespace, pod.Name) is not null)
                    {
                        var name = NameGenerator.GenerateName(rs.Name + "-", identities[i], attempts[i]++);
                        pod = pod with { Metadata = pod.Metadata with { Name = name, Uid = ObjectIdentity.Uid("Pod", rs.Namespace, name, now) } };
                    }
                    objects.Put(pod);
                    list.Add(pod);
                    pending.Add(PendingEvent.Normal(rs, "SuccessfulCreate", "Created pod: " + pod.Name, "replicaset-controller"));
                }
            }
            else if (active[i] is { } current && current.Count > (rs.Spec.Replicas ?? 1))
            {
                var victims = current
                    .OrderBy(p => string.IsNullOrEmpty(p.Spec.NodeName) ? 0 : 1)
                    .ThenBy(p => PodTemplates.IsReady(p) ? 1 : 0)
                    .ThenByDescending(p => p.Metadata.CreationTimestamp)
                    .ThenByDescending(p => p.Name, StringComparer.Ordinal)
                    .Take(current.Count - (rs.Spec.Replicas ?? 1))
                    .ToList();
                foreach (var pod in victims)
                {
                    objects.Remove("Pod", pod.Namespace, pod.Name);
                    podsByOwner[PodTemplates.OwnerKey(rs.Kind, rs.Namespace, rs.Name)].Remove(pod);
                    pending.Add(PendingEvent.Normal(rs, "SuccessfulDelete", $"Deleted pod: {pod.Name}", "replicaset-controller"));
                }
            }
        }
        events.RecordAll(pending);
    }

    private static bool Taken(Pod[] pods, int count, string name)
    {
        for (int k = 0; k < count; k++)
        {
            if (pods[k].Name == name)
            {
                return true;
            }
        }
        return false;
    }

    private static List<Pod> OwnerList(Dictionary<string, List<Pod>> podsByOwner, Api.Meta.KubeObject owner)
    {
        var key = PodTemplates.OwnerKey(owner.Kind, owner.Namespace, owner.Name);
        if (!podsByOwner.TryGetValue(key, out var list))
        {
            list = [];
            podsByOwner[key] = list;
        }
        return list;
    }

    internal static void Add(Dictionary<string, List<Pod>> podsByOwner, Api.Meta.KubeObject owner, Pod pod) =>
        OwnerList(podsByOwner, owner).Add(pod);

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

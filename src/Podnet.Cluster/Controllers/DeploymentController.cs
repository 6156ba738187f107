using System.Globalization;
using Podnet.Cluster.Api.Apps;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Controllers;

/// <summary>
/// kube-controller-manager's deployment controller: one ReplicaSet per pod template, named
/// <c>&lt;deployment&gt;-&lt;pod-template-hash&gt;</c>, scaled to the Deployment's replicas while older
/// ReplicaSets are scaled to zero (a rollout that completes at once), and the Deployment's status.
/// </summary>
public static class DeploymentController
{
    /// <summary>The label (and selector term) that ties a ReplicaSet and its pods to one template.</summary>
    public const string PodTemplateHashLabel = "pod-template-hash";

    /// <summary>Creates and scales ReplicaSets for every Deployment.</summary>
    public static void Sync(ObjectSet objects, DateTimeOffset now, EventRecorder events)
    {
        var byOwner = ReplicaSetsByOwner(objects);
        var deployments = objects.OfKind<Deployment>("Deployment");
        // The template hashes (canonical JSON, then FNV) are independent: computed on all cores.
        var hashes = new string[deployments.Count];
        void Hash(int i)
        {
            var d = deployments[i];
            if (d.Spec.Selector is not null && d.Metadata.DeletionTimestamp is null)
            {
                hashes[i] = TemplateHash(d.Spec.Template);
            }
        }
        ParallelWork.For(deployments.Count, Hash, minimum: 64);
        var pending = new List<PendingEvent>();
        for (int i = 0; i < deployments.Count; i++)
        {
            var d = deployments[i];
            if (d.Spec.Selector is null || d.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }
            var hash = hashes[i];
            var rsName = d.Name + "-" + hash;
            var desired = d.Spec.Replicas ?? 1;
            var owned = Owned(byOwner, d);
            var current = owned.FirstOrDefault(rs => rs.Name == rsName);
            var revision = owned.Select(rs => int.TryParse(rs.Metadata.Annotations.GetValueOrDefault("deployment.kubernetes.io/revision"), CultureInfo.InvariantCulture, out var r) ? r : 0)
                .DefaultIfEmpty(0).Max();
            if (current is null)
            {
                current = NewReplicaSet(d, rsName, hash, desired, revision + 1, now);
                objects.Put(current);
                pending.Add(PendingEvent.Normal(d, "ScalingReplicaSet", $"Scaled up replica set {rsName} from 0 to {desired}", "deployment-controller"));
            }
            else if ((current.Spec.Replicas ?? 1) != desired)
            {
                var from = current.Spec.Replicas ?? 1;
                objects.Put(current with
                {
                    Metadata = current.Metadata with { Annotations = WithAnnotation(current.Metadata.Annotations, "deployment.kubernetes.io/desired-replicas", desired.ToString(CultureInfo.InvariantCulture)) },
                    Spec = current.Spec with { Replicas = desired },
                });
                pending.Add(PendingEvent.Normal(d, "ScalingReplicaSet", $"Scaled {(desired > from ? "up" : "down")} replica set {rsName} from {from} to {desired}", "deployment-controller"));
            }
            foreach (var old in owned.Where(rs => rs.Name != rsName && (rs.Spec.Replicas ?? 1) != 0))
            {
                objects.Put(old with { Spec = old.Spec with { Replicas = 0 } });
                pending.Add(PendingEvent.Normal(d, "ScalingReplicaSet", $"Scaled down replica set {old.Name} from {old.Spec.Replicas ?? 1} to 0", "deployment-controller"));
            }
        }
        events.RecordAll(pending);
    }

    private static Dictionary<string, List<ReplicaSet>> ReplicaSetsByOwner(ObjectSet objects)
    {
        var index = new Dictionary<string, List<ReplicaSet>>(StringComparer.Ordinal);
        foreach (var o in objects.Unordered("ReplicaSet"))
        {
            if (ObjectIdentity.ControllerOf(o) is { Kind: "Deployment" } r)
            {
                var key = o.Namespace + "/" + r.Name;
                if (!index.TryGetValue(key, out var list))
                {
                    list = [];
                    index[key] = list;
                }
                list.Add((ReplicaSet)o);
            }
        }
        return index;
    }

    private static List<ReplicaSet> Owned(Dictionary<string, List<ReplicaSet>> byOwner, Deployment d) =>
        byOwner.TryGetValue(d.Namespace + "/" + d.Name, out var list)
            ? list.Where(rs => ObjectIdentity.IsControlledBy(rs, d)).OrderBy(rs => rs.Name, StringComparer.Ordinal).ToList()
            : [];

    /// <summary>The pod-template-hash of a template (FNV-32a of its canonical JSON, safe-encoded).</summary>
    public static string TemplateHash(PodTemplateSpec template) =>
        HashCache.GetValue(template, ComputeTemplateHash);

    // Templates are immutable records: the hash of one template instance never changes.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<PodTemplateSpec, string> HashCache = new();

    private static string ComputeTemplateHash(PodTemplateSpec template)
    {
        var labels = template.Metadata.Labels.Where(kv => kv.Key != PodTemplateHashLabel)
            .OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value);
        var canonical = ObjectComparer.Canonical(template with { Metadata = template.Metadata with { Labels = labels } });
        return NameGenerator.PodTemplateHash(canonical);
    }

    private static IReadOnlyDictionary<string, string> WithAnnotation(IReadOnlyDictionary<string, string> a, string key, string value) =>
        new Dictionary<string, string>(a) { [key] = value };

    private static ReplicaSet NewReplicaSet(Deployment d, string name, string hash, int replicas, int revision, DateTimeOffset now)
    {
        var labels = new Dictionary<string, string>(d.Spec.Template.Metadata.Labels) { [PodTemplateHashLabel] = hash };
        var selector = d.Spec.Selector! with
        {
            MatchLabels = new Dictionary<string, string>(d.Spec.Selector!.MatchLabels) { [PodTemplateHashLabel] = hash },
        };
        var rs = new ReplicaSet
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = d.Namespace,
                CreationTimestamp = now,
                Generation = 1,
                Labels = labels,
                Annotations = new Dictionary<string, string>
                {
                    ["deployment.kubernetes.io/desired-replicas"] = replicas.ToString(CultureInfo.InvariantCulture),
                    ["deployment.kubernetes.io/max-replicas"] = (replicas + MaxSurge(d, replicas)).ToString(CultureInfo.InvariantCulture),
                    ["deployment.kubernetes.io/revision"] = revision.ToString(CultureInfo.InvariantCulture),
                },
                OwnerReferences = [ObjectIdentity.ControllerRef(d)],
            },
            Spec = new ReplicaSetSpec
            {
                Replicas = replicas,
                MinReadySeconds = d.Spec.MinReadySeconds,
                Selector = selector,
                Template = d.Spec.Template with { Metadata = d.Spec.Template.Metadata with { Labels = labels } },
            },
        };
        return ObjectIdentity.WithUid(rs);
    }

    private static int MaxSurge(Deployment d, int replicas)
    {
        var surge = d.Spec.Strategy?.RollingUpdate?.MaxSurge ?? IntOrString.FromString("25%");
        if (surge.IsInt)
        {
            return surge.IntValue;
        }
        var text = surge.StringValue.TrimEnd('%');
        return int.TryParse(text, CultureInfo.InvariantCulture, out var pct) ? (int)Math.Ceiling(replicas * pct / 100.0) : 0;
    }

    /// <summary>Deployment status from its ReplicaSets' pods: replicas, updated, ready, available, conditions.</summary>
    public static void UpdateStatus(ObjectSet objects, Dictionary<string, List<Pod>> podsByOwner, DateTimeOffset now)
    {
        var byOwner = ReplicaSetsByOwner(objects);
        foreach (var d in objects.OfKind<Deployment>("Deployment"))
        {
            var owned = Owned(byOwner, d);
            var hash = TemplateHash(d.Spec.Template);
            int total = 0, ready = 0, updated = 0;
            foreach (var rs in owned)
            {
                var pods = PodTemplates.ActivePodsOf(podsByOwner, rs);
                total += pods.Count;
                ready += pods.Count(PodTemplates.IsReady);
                if (rs.Name == d.Name + "-" + hash)
                {
                    updated += pods.Count;
                }
            }
            var desired = d.Spec.Replicas ?? 1;
            var available = ready;
            var unavailable = Math.Max(0, desired - available);
            var old = d.Status;
            var availableCondition = Keep(old, "Available", available >= desired - MaxUnavailable(d, desired) ? "True" : "False",
                available >= desired - MaxUnavailable(d, desired) ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                available >= desired - MaxUnavailable(d, desired) ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", now);
            var progressing = Keep(old, "Progressing", "True", "NewReplicaSetAvailable",
                $"ReplicaSet \"{d.Name}-{hash}\" has successfully progressed.", now);
            var status = new DeploymentStatus
            {
                ObservedGeneration = d.Metadata.Generation,
                Replicas = total == 0 ? null : total,
                UpdatedReplicas = updated == 0 ? null : updated,
                ReadyReplicas = ready == 0 ? null : ready,
                AvailableReplicas = available == 0 ? null : available,
                UnavailableReplicas = unavailable == 0 ? null : unavailable,
                Conditions = [availableCondition, progressing],
            };
            if (old is null || !ObjectComparer.SameValue(old, status))
            {
                objects.Put(d with { Status = status });
            }
        }
    }

    private static int MaxUnavailable(Deployment d, int replicas)
    {
        var mu = d.Spec.Strategy?.RollingUpdate?.MaxUnavailable ?? IntOrString.FromString("25%");
        if (mu.IsInt)
        {
            return mu.IntValue;
        }
        return int.TryParse(mu.StringValue.TrimEnd('%'), CultureInfo.InvariantCulture, out var pct) ? replicas * pct / 100 : 0;
    }

    private static Condition Keep(DeploymentStatus? old, string type, string status, string reason, string message, DateTimeOffset now)
    {
        var prev = old?.Conditions.FirstOrDefault(c => c.Type == type);
        var changed = prev is null || prev.Status != status || prev.Reason != reason || prev.Message != message;
        return new Condition
        {
            Type = type,
            Status = status,
            Reason = reason,
            Message = message,
            LastUpdateTime = changed ? now : prev!.LastUpdateTime,
            LastTransitionTime = prev is not null && prev.Status == status ? prev.LastTransitionTime : now,
        };
    }
}

using System.Globalization;
using Podnet.Cluster.Api.Apps;
using Podnet.Cluster.Api.Core;

namespace Podnet.Cluster.Controllers;

/// <summary>
/// kube-controller-manager's statefulset controller: pods <c>&lt;name&gt;-0</c> … <c>&lt;name&gt;-(n-1)</c>
/// with stable names, <c>hostname</c> = pod name and <c>subdomain</c> = <c>spec.serviceName</c> (so
/// the headless Service gives each one a DNS name); scaling down removes the highest ordinals.
/// </summary>
public static class StatefulSetController
{
    /// <summary>Creates or deletes the ordinal pods of every StatefulSet.</summary>
    public static void Sync(ObjectSet objects, Dictionary<string, List<Pod>> podsByOwner, DateTimeOffset now, EventRecorder events)
    {
        foreach (var sts in objects.OfKind<StatefulSet>("StatefulSet"))
        {
            if (sts.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }
            var desired = sts.Spec.Replicas ?? 1;
            var revision = sts.Name + "-" + DeploymentController.TemplateHash(sts.Spec.Template);
            var active = PodTemplates.ActivePodsOf(podsByOwner, sts);
            var byName = active.ToDictionary(p => p.Name, StringComparer.Ordinal);
            for (int i = 0; i < desired; i++)
            {
                var name = sts.Name + "-" + i.ToString(CultureInfo.InvariantCulture);
                if (byName.ContainsKey(name) || objects.Get("Pod", sts.Namespace, name) is not null)
                {
                    continue;
                }
                var labels = new Dictionary<string, string>
                {
                    ["apps.kubernetes.io/pod-index"] = i.ToString(CultureInfo.InvariantCulture),
                    ["controller-revision-hash"] = revision,
                    ["statefulset.kubernetes.io/pod-name"] = name,
                };
                var pod = PodTemplates.NewPod(sts, sts.Spec.Template, name, null, now, labels,
                    spec => spec with { Hostname = name, Subdomain = sts.Spec.ServiceName });
                objects.Put(pod);
                ReplicaSetController.Add(podsByOwner, sts, pod);
                events.Normal(sts, "SuccessfulCreate", $"create Pod {name} in StatefulSet {sts.Name} successful", "statefulset-controller");
            }
            foreach (var pod in active.Where(p => Ordinal(sts, p) is { } o && o >= desired).OrderByDescending(p => Ordinal(sts, p)))
            {
                objects.Remove("Pod", pod.Namespace, pod.Name);
                podsByOwner[PodTemplates.OwnerKey(sts.Kind, sts.Namespace, sts.Name)].Remove(pod);
                events.Normal(sts, "SuccessfulDelete", $"delete Pod {pod.Name} in StatefulSet {sts.Name} successful", "statefulset-controller");
            }
        }
    }

    private static int? Ordinal(StatefulSet sts, Pod pod) =>
        pod.Name.StartsWith(sts.Name + "-", StringComparison.Ordinal)
        && int.TryParse(pod.Name.AsSpan(sts.Name.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : null;

    /// <summary>StatefulSet status: replicas, ready, current and updated counts and revisions.</summary>
    public static void UpdateStatus(ObjectSet objects, Dictionary<string, List<Pod>> podsByOwner)
    {
        foreach (var sts in objects.OfKind<StatefulSet>("StatefulSet"))
        {
            var pods = PodTemplates.ActivePodsOf(podsByOwner, sts);
            var ready = pods.Count(PodTemplates.IsReady);
            var revision = sts.Name + "-" + DeploymentController.TemplateHash(sts.Spec.Template);
            var status = new StatefulSetStatus
            {
                ObservedGeneration = sts.Metadata.Generation,
                Replicas = pods.Count,
                ReadyReplicas = ready == 0 ? null : ready,
                CurrentReplicas = pods.Count == 0 ? null : pods.Count,
                UpdatedReplicas = pods.Count == 0 ? null : pods.Count,
                AvailableReplicas = ready,
                CurrentRevision = revision,
                UpdateRevision = revision,
                CollisionCount = 0,
            };
            if (sts.Status is null || !ObjectComparer.SameValue(sts.Status, status))
            {
                objects.Put(sts with { Status = status });
            }
        }
    }
}

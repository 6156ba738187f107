using Podnet.Cluster.Api.Batch;
using Podnet.Cluster.Api.Core;

namespace Podnet.Cluster.Controllers;

/// <summary>
/// kube-controller-manager's job controller: keeps <c>min(parallelism, completions - succeeded)</c>
/// pods running, labelled <c>job-name</c> and <c>controller-uid</c>. Until container programs exist a
/// job's pods keep running (none succeeds), so a Job never completes yet.
/// </summary>
public static class JobController
{
    /// <summary>Creates the Job pods that are missing.</summary>
    public static void Sync(ObjectSet objects, Dictionary<string, List<Pod>> podsByOwner, DateTimeOffset now, EventRecorder events)
    {
        foreach (var job in objects.OfKind<Job>("Job"))
        {
            if (job.Metadata.DeletionTimestamp is not null || job.Spec.Suspend == true)
            {
                continue;
            }
            var all = podsByOwner.GetValueOrDefault(PodTemplates.OwnerKey(job.Kind, job.Namespace, job.Name)) ?? [];
            var succeeded = all.Count(p => p.Status?.Phase == "Succeeded");
            var active = all.Count(p => !PodTemplates.IsTerminal(p) && !PodTemplates.IsTerminating(p));
            var completions = job.Spec.Completions ?? 1;
            var want = Math.Min(job.Spec.Parallelism ?? 1, Math.Max(0, completions - succeeded));
            var uid = job.Metadata.Uid ?? "";
            int attempt = 0;
            for (int i = active; i < want; i++)
            {
                string name;
                do
                {
                    name = NameGenerator.GenerateName(job.Name + "-", uid + "/" + job.Name, attempt++);
                }
                while (objects.Get("Pod", job.Namespace, name) is not null);
                var labels = new Dictionary<string, string>
                {
                    ["batch.kubernetes.io/controller-uid"] = uid,
                    ["batch.kubernetes.io/job-name"] = job.Name,
                    ["controller-uid"] = uid,
                    ["job-name"] = job.Name,
                };
                var pod = PodTemplates.NewPod(job, job.Spec.Template, name, job.Name + "-", now, labels);
                objects.Put(pod);
                ReplicaSetController.Add(podsByOwner, job, pod);
                events.Normal(job, "SuccessfulCreate", $"Created pod: {name}", "job-controller");
            }
        }
    }

    /// <summary>Job status: start time, active, ready, succeeded and failed counts.</summary>
    public static void UpdateStatus(ObjectSet objects, Dictionary<string, List<Pod>> podsByOwner, DateTimeOffset now)
    {
        foreach (var job in objects.OfKind<Job>("Job"))
        {
            var all = podsByOwner.GetValueOrDefault(PodTemplates.OwnerKey(job.Kind, job.Namespace, job.Name)) ?? [];
            var active = all.Where(p => !PodTemplates.IsTerminal(p)).ToList();
            var status = new JobStatus
            {
                StartTime = job.Status?.StartTime ?? now,
                Active = active.Count == 0 ? null : active.Count,
                Ready = active.Count(PodTemplates.IsReady),
                Succeeded = all.Count(p => p.Status?.Phase == "Succeeded") is var s && s > 0 ? s : null,
                Failed = all.Count(p => p.Status?.Phase == "Failed") is var f && f > 0 ? f : null,
                Conditions = job.Status?.Conditions ?? [],
            };
            if (job.Status is null || !ObjectComparer.SameValue(job.Status, status))
            {
                objects.Put(job with { Status = status });
            }
        }
    }
}

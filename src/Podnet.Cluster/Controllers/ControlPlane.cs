using Podnet.Cluster.Api.Core;

namespace Podnet.Cluster.Controllers;

/// <summary>
/// The control plane as one deterministic function (DESIGN.md §3 step 2): given a snapshot of the
/// cluster's objects, run the controllers in dependency order until the desired state is reached —
/// garbage collection, Deployments → ReplicaSets → Pods, StatefulSets, DaemonSets, Jobs, the
/// scheduler, pod start-up (IPAM and status), workload statuses, load-balancer addresses (the emulated cloud provider), EndpointSlices and Endpoints.
/// The same objects at the same time always converge to the same names, addresses and events.
/// </summary>
public static class ControlPlane
{
    /// <summary>Converges <paramref name="objects"/> in place; returns what changed.</summary>
    /// <param name="objects">The cluster's objects, changed in place.</param>
    /// <param name="config">The cluster's configuration.</param>
    /// <param name="now">The time the controllers see.</param>
    /// <param name="step">Optional: told each controller's name and wall time as it finishes (diagnostics: <c>PODNET_TIMINGS=1</c>).</param>
    public static ConvergeResult Converge(ObjectSet objects, ClusterConfig config, DateTimeOffset now, Action<string, TimeSpan>? step = null)
    {
        var timer = new StepTimer(step);
        var events = new EventRecorder(objects, now);
        // Objects that came from manifests without store metadata get identities like the apiserver gives.
        foreach (var kind in new[] { "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "Service", "Pod" })
        {
            foreach (var o in objects.Unordered(kind).ToList())
            {
                if (string.IsNullOrEmpty(o.Metadata.Uid))
                {
                    objects.Put(ObjectIdentity.WithUid(o));
                }
            }
        }
        timer.Done("identities and event index");
        var collected = GarbageCollector.Sync(objects);
        timer.Done("garbage collector");
        DeploymentController.Sync(objects, now, events);
        timer.Done("deployment");
        var podsByOwner = PodTemplates.IndexByOwner(objects);
        ReplicaSetController.Sync(objects, podsByOwner, now, events);
        timer.Done("replicaset");
        StatefulSetController.Sync(objects, podsByOwner, now, events);
        DaemonSetController.Sync(objects, podsByOwner, now, events);
        JobController.Sync(objects, podsByOwner, now, events);
        timer.Done("statefulset, daemonset, job");
        Scheduler.Sync(objects, config, now, events);
        timer.Done("scheduler");
        PodLifecycleController.Sync(objects, now, events, step);
        timer.Done("pod lifecycle (IPAM, kubelet)");
        podsByOwner = PodTemplates.IndexByOwner(objects);
        ReplicaSetController.UpdateStatus(objects, podsByOwner);
        DeploymentController.UpdateStatus(objects, podsByOwner, now);
        StatefulSetController.UpdateStatus(objects, podsByOwner);
        DaemonSetController.UpdateStatus(objects, podsByOwner);
        JobController.UpdateStatus(objects, podsByOwner, now);
        timer.Done("workload statuses");
        LoadBalancerController.Sync(objects, config, events);
        timer.Done("load balancers");
        var pods = new EndpointSliceController.PodIndex(objects); // pods do not change from here on
        EndpointSliceController.Sync(objects, now, pods);
        timer.Done("endpointslices");
        EndpointsController.Sync(objects, now, pods);
        timer.Done("endpoints");
        Ingresses.IngressStatusController.Sync(objects, events);
        timer.Done("ingress status");
        return new ConvergeResult(() => objects.ChangedCount, objects.RemovedCount, events.Recorded, collected);
    }

    /// <summary>Pods of the cluster (for callers that only need them).</summary>
    public static IReadOnlyList<Pod> Pods(ObjectSet objects) => objects.OfKind<Pod>("Pod");
}

/// <summary>What one convergence did: objects written and removed (since the set's last change reset), events recorded, orphans collected.</summary>
public sealed record ConvergeResult
{
    private readonly Func<int> written;

    /// <summary>A result whose written count is taken when asked (counting may build deferred Events).</summary>
    public ConvergeResult(Func<int> written, int removed, int events, int collected)
    {
        this.written = written;
        Removed = removed;
        Events = events;
        Collected = collected;
    }

    /// <summary>Objects written since the set's last change reset.</summary>
    public int Written => written();

    /// <summary>Objects removed since the set's last change reset.</summary>
    public int Removed { get; }

    /// <summary>Events recorded.</summary>
    public int Events { get; }

    /// <summary>Orphans the garbage collector deleted.</summary>
    public int Collected { get; }

    /// <summary>Equal counts.</summary>
    public bool Equals(ConvergeResult? other) =>
        other is not null && Written == other.Written && Removed == other.Removed && Events == other.Events && Collected == other.Collected;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Written, Removed, Events, Collected);
}

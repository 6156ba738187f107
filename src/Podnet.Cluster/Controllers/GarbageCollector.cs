using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Controllers;

/// <summary>
/// kube-controller-manager's garbage collector (background cascading deletion): objects whose
/// controlling owner no longer exists are deleted, transitively (Deployment → ReplicaSets → Pods),
/// and events about objects that are gone go with them.
/// </summary>
public static class GarbageCollector
{
    private static readonly string[] OwnedKinds = ["ReplicaSet", "Pod", "EndpointSlice"];

    /// <summary>Deletes orphans until none is left.</summary>
    public static int Sync(ObjectSet objects)
    {
        int deleted = 0;
        foreach (var kind in OwnedKinds)
        {
            foreach (var o in objects.Unordered(kind).ToList())
            {
                var r = ObjectIdentity.ControllerOf(o);
                if (r is null)
                {
                    continue;
                }
                var owner = objects.Get(r.Kind, o.Namespace, r.Name);
                if (owner is null || (!string.IsNullOrEmpty(r.Uid) && !string.IsNullOrEmpty(owner.Metadata.Uid) && owner.Metadata.Uid != r.Uid))
                {
                    objects.Remove(kind, o.Namespace, o.Name);
                    deleted++;
                }
            }
        }
        foreach (var o in objects.Unordered("Event").ToList())
        {
            var e = (Api.Core.Event)o;
            var target = objects.Get(e.InvolvedObject.Kind ?? "", e.InvolvedObject.Namespace ?? "", e.InvolvedObject.Name ?? "");
            if (target is null || (!string.IsNullOrEmpty(e.InvolvedObject.Uid) && target.Metadata.Uid != e.InvolvedObject.Uid))
            {
                objects.Remove("Event", e.Namespace, e.Name);
            }
        }
        foreach (var e in objects.StoredEvents.ToList())
        {
            var target = objects.Get(e.InvolvedKind ?? "", e.InvolvedNamespace ?? "", e.InvolvedName ?? "");
            if (target is null || (!string.IsNullOrEmpty(e.InvolvedUid) && target.Metadata.Uid != e.InvolvedUid))
            {
                objects.Remove("Event", e.Namespace, e.Name);
            }
        }
        return deleted;
    }

    /// <summary>Whether <paramref name="obj"/> was made by a controller (it has a controlling owner).</summary>
    public static bool IsControlled(KubeObject obj) => ObjectIdentity.ControllerOf(obj) is not null;
}

using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Controllers;

/// <summary>
/// Making pods from a workload's pod template, as <c>controller.GetPodFromTemplate</c> does: the
/// template's labels and annotations, a controller owner reference, and the template's spec.
/// </summary>
public static class PodTemplates
{
    /// <summary>A new pod named <paramref name="name"/> from <paramref name="template"/>, owned by <paramref name="owner"/>.</summary>
    public static Pod NewPod(KubeObject owner, PodTemplateSpec template, string name, string? generateName,
        DateTimeOffset now, IReadOnlyDictionary<string, string>? extraLabels = null, Func<PodSpec, PodSpec>? adjustSpec = null,
        IReadOnlyList<OwnerReference>? ownerReferences = null)
    {
        // The template's labels are an immutable map: pods share it unless they add their own.
        var labels = template.Metadata.Labels;
        if (extraLabels is { Count: > 0 })
        {
            var merged = new Dictionary<string, string>(template.Metadata.Labels);
            foreach (var (k, v) in extraLabels)
            {
                merged[k] = v;
            }
            labels = merged;
        }
        var spec = template.Spec;
        if (adjustSpec is not null)
        {
            spec = adjustSpec(spec);
        }
        // The apiserver defaults a pod when the controller creates it (SetDefaults_Pod, DefaultTolerationSeconds,
        // ServiceAccount and Priority admission): the replicas of a template share one defaulted spec.
        spec = Api.Defaulting.ObjectDefaulter.DefaultedPodSpec(spec);
        var pod = new Pod
        {
            Metadata = new ObjectMeta
            {
                Uid = ObjectIdentity.Uid("Pod", owner.Namespace, name, now),
                Name = name,
                GenerateName = generateName,
                Namespace = owner.Namespace,
                CreationTimestamp = now,
                Labels = labels,
                Annotations = template.Metadata.Annotations,
                OwnerReferences = ownerReferences ?? [ObjectIdentity.ControllerRef(owner)],
            },
            Spec = spec,
            Status = new PodStatus { Phase = "Pending", QosClass = "BestEffort" },
        };
        return pod;
    }

    /// <summary>True when the pod has finished (Succeeded or Failed) and no longer counts as active.</summary>
    public static bool IsTerminal(Pod pod) => pod.Status?.Phase is "Succeeded" or "Failed";

    /// <summary>True when the pod is being deleted.</summary>
    public static bool IsTerminating(Pod pod) => pod.Metadata.DeletionTimestamp is not null;

    /// <summary>True when the pod's Ready condition is True (<c>podutil.IsPodReady</c>).</summary>
    public static bool IsReady(Pod pod) =>
        pod.Status?.Conditions.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>Active pods (not terminal, not terminating) controlled by <paramref name="owner"/>.</summary>
    public static List<Pod> ActivePodsOf(IReadOnlyDictionary<string, List<Pod>> podsByOwner, KubeObject owner) =>
        podsByOwner.TryGetValue(OwnerKey(owner.Kind, owner.Namespace, owner.Name), out var list)
            ? list.Where(p => !IsTerminal(p) && !IsTerminating(p)).ToList()
            : [];

    /// <summary>Pods in the order controllers handle them: oldest first, then by namespace and name (a strict order).</summary>
    public static IComparer<Pod> ByCreation { get; } = Comparer<Pod>.Create(static (a, b) =>
    {
        var c = Nullable.Compare(a.Metadata.CreationTimestamp, b.Metadata.CreationTimestamp);
        if (c != 0) return c;
        c = string.CompareOrdinal(a.Namespace, b.Namespace);
        return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
    });

    /// <summary>Key of an owner in <see cref="IndexByOwner"/>.</summary>
    public static string OwnerKey(string kind, string ns, string name) => kind + "/" + ns + "/" + name;

    /// <summary>Pods grouped by their controlling owner.</summary>
    public static Dictionary<string, List<Pod>> IndexByOwner(ObjectSet objects)
    {
        var index = new Dictionary<string, List<Pod>>(StringComparer.Ordinal);
        // A controller's pods share one owner reference and are mostly stored together: the previous pod's
        // list is reused while the reference and namespace stay the same (no key built or hashed per pod).
        OwnerReference? lastRef = null;
        string? lastNamespace = null;
        List<Pod>? lastList = null;
        foreach (var o in objects.Unordered("Pod"))
        {
            var pod = (Pod)o;
            var r = ObjectIdentity.ControllerOf(pod);
            if (r is null)
            {
                continue;
            }
            if (!ReferenceEquals(r, lastRef) || (!ReferenceEquals(pod.Namespace, lastNamespace) && pod.Namespace != lastNamespace))
            {
                var key = OwnerKey(r.Kind, pod.Namespace, r.Name);
                if (!index.TryGetValue(key, out lastList))
                {
                    lastList = [];
                    index[key] = lastList;
                }
                lastRef = r;
                lastNamespace = pod.Namespace;
            }
            lastList!.Add(pod);
        }
        foreach (var list in index.Values)
        {
            list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        }
        return index;
    }
}

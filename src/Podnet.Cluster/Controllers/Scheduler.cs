using System.Globalization;
using Podnet.Cluster.Api.Core;

namespace Podnet.Cluster.Controllers;

/// <summary>
/// kube-scheduler, reduced to the filters that decide placement here: <c>spec.nodeName</c> is
/// honoured as given, then, in kube-scheduler's filter order, NodeUnschedulable, TaintToleration
/// (NoSchedule/NoExecute, e.g. the control-plane taint), NodeSelector (node labels) and the
/// kubelet's max pods; among the
/// feasible nodes the least loaded wins, ties broken by name, so placement is deterministic and spread.
/// Pods that fit nowhere stay Pending with a FailedScheduling event in kube-scheduler's wording.
/// </summary>
public static class Scheduler
{
    /// <summary>Whether the node's labels satisfy the pod's <c>nodeSelector</c>.</summary>
    public static bool MatchesNodeSelector(PodSpec spec, Node node)
    {
        foreach (var (k, v) in spec.NodeSelector)
        {
            if (!node.Metadata.Labels.TryGetValue(k, out var actual) || actual != v)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The first NoSchedule/NoExecute taint of <paramref name="node"/> not tolerated, or null.</summary>
    public static Taint? UntoleratedTaint(IReadOnlyList<Toleration> tolerations, Node node)
    {
        foreach (var taint in node.Spec.Taints)
        {
            if (taint.Effect is not ("NoSchedule" or "NoExecute"))
            {
                continue;
            }
            if (!tolerations.Any(t => t.Tolerates(taint)))
            {
                return taint;
            }
        }
        return null;
    }

    /// <summary>Binds every unscheduled, non-terminal pod to a node, or records why it cannot be.</summary>
    public static void Sync(ObjectSet objects, ClusterConfig config, DateTimeOffset now, EventRecorder events)
    {
        var nodes = objects.OfKind<Node>("Node");
        if (nodes.Count == 0)
        {
            return;
        }
        var load = nodes.ToDictionary(n => n.Name, _ => 0, StringComparer.Ordinal);
        var pending = new List<Pod>();
        foreach (var o in objects.Unordered("Pod"))
        {
            var pod = (Pod)o;
            if (pod.Spec.NodeName is { Length: > 0 } n)
            {
                if (!PodTemplates.IsTerminal(pod) && load.ContainsKey(n))
                {
                    load[n]++;
                }
            }
            else if (!PodTemplates.IsTerminal(pod) && !PodTemplates.IsTerminating(pod))
            {
                pending.Add(pod);
            }
        }
        if (pending.Count == 0)
        {
            return;
        }
        pending.Sort((a, b) =>
        {
            var c = Nullable.Compare(a.Metadata.CreationTimestamp, b.Metadata.CreationTimestamp);
            if (c != 0) return c;
            c = string.CompareOrdinal(a.Namespace, b.Namespace);
            return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
        });
        var byName = nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var order = new SortedSet<(int Load, string Name)>(Comparer<(int Load, string Name)>.Create((x, y) =>
        {
            var c = x.Load.CompareTo(y.Load);
            return c != 0 ? c : string.CompareOrdinal(x.Name, y.Name);
        }));
        foreach (var n in nodes)
        {
            order.Add((load[n.Name], n.Name));
        }
        var scheduled = new Api.Meta.Condition { Type = "PodScheduled", Status = "True", LastTransitionTime = now }; // immutable: shared
        foreach (var pod in pending)
        {
            Node? chosen = null;
            foreach (var (l, name) in order)
            {
                if (l >= config.MaxPodsPerNode)
                {
                    break;
                }
                var node = byName[name];
                if (Fits(pod, node))
                {
                    chosen = node;
                    break;
                }
            }
            if (chosen is null)
            {
                var message = FailureMessage(pod, nodes, load, config);
                var unschedulable = new Api.Meta.Condition
                {
                    Type = "PodScheduled",
                    Status = "False",
                    Reason = "Unschedulable",
                    Message = message,
                    LastTransitionTime = now,
                };
                var old = pod.Status?.Conditions.FirstOrDefault(c => c.Type == "PodScheduled");
                if (old is null || old.Message != message)
                {
                    objects.Put(pod with { Status = (pod.Status ?? new PodStatus()) with { Phase = "Pending", Conditions = [unschedulable] } });
                }
                events.Warning(pod, "FailedScheduling", message, "default-scheduler");
                continue;
            }
            order.Remove((load[chosen.Name], chosen.Name));
            load[chosen.Name]++;
            order.Add((load[chosen.Name], chosen.Name));
            var bound = pod with
            {
                Spec = pod.Spec with { NodeName = chosen.Name },
                Status = (pod.Status ?? new PodStatus()) with
                {
                    Phase = "Pending",
                    Conditions = [scheduled],
                },
            };
            objects.Put(bound);
            events.Normal(bound, "Scheduled", $"Successfully assigned {pod.Namespace}/{pod.Name} to {chosen.Name}", "default-scheduler");
        }
    }

    private static bool Fits(Pod pod, Node node) =>
        node.Spec.Unschedulable != true && MatchesNodeSelector(pod.Spec, node) && UntoleratedTaint(pod.Spec.Tolerations, node) is null;

    /// <summary>kube-scheduler's FitError text: <c>0/3 nodes are available: 1 node(s) had untolerated taint {…}, … preemption: …</c>.</summary>
    public static string FailureMessage(Pod pod, IReadOnlyList<Node> nodes, IReadOnlyDictionary<string, int> load, ClusterConfig config)
    {
        var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            string reason;
            if (node.Spec.Unschedulable == true)
            {
                reason = "node(s) were unschedulable";
            }
            else if (UntoleratedTaint(pod.Spec.Tolerations, node) is { } t)
            {
                reason = $"node(s) had untolerated taint {{{t.Key}: {t.Value}}}";
            }
            else if (!MatchesNodeSelector(pod.Spec, node))
            {
                reason = "node(s) didn't match Pod's node affinity/selector";
            }
            else if (load.GetValueOrDefault(node.Name) >= config.MaxPodsPerNode)
            {
                reason = "Too many pods";
            }
            else
            {
                continue;
            }
            reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
        }
        // sortReasonsHistogram: "<count> <reason>" strings, sorted as strings
        var parts = reasons.Select(r => r.Value.ToString(CultureInfo.InvariantCulture) + " " + r.Key).Order(StringComparer.Ordinal);
        var n = nodes.Count.ToString(CultureInfo.InvariantCulture);
        var preemption = $"preemption: 0/{n} nodes are available: {n} Preemption is not helpful for scheduling.";
        return $"0/{n} nodes are available: {string.Join(", ", parts)}. {preemption}";
    }
}

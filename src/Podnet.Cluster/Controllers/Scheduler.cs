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
        ParallelWork.Sort(pending, PodTemplates.ByCreation);
        // Feasible nodes are tried least loaded first, ties by name: nodes below the pod limit sit in one
        // bitmap per load, indexed by their position in name order.
        var queue = new LoadQueue(nodes.Count, config.MaxPodsPerNode);
        for (int i = 0; i < nodes.Count; i++)
        {
            queue.Add(i, load[nodes[i].Name]);
        }
        var chosen = new int[pending.Count];
        var failures = new Dictionary<int, string>();
        for (int p = 0; p < pending.Count; p++)
        {
            var pod = pending[p];
            chosen[p] = queue.First(i => Fits(pod, nodes[i]));
            if (chosen[p] >= 0)
            {
                queue.Increment(chosen[p]);
            }
            else
            {
                // as the nodes were loaded when it failed
                failures[p] = FailureMessage(pod, nodes, nodes.Select((n, i) => (n.Name, i)).ToDictionary(x => x.Name, x => queue.LoadOf(x.i), StringComparer.Ordinal), config);
            }
        }

        // The bound pods and their messages, built on all cores; written and recorded in order.
        var bound = new Pod?[pending.Count];
        var messages = new string[pending.Count];
        var scheduled = new Api.Meta.Condition { Type = "PodScheduled", Status = "True", LastTransitionTime = now }; // immutable: shared
        void Bind(int p)
        {
            if (chosen[p] < 0)
            {
                return;
            }
            var pod = pending[p];
            var node = nodes[chosen[p]].Name;
            bound[p] = pod with
            {
                Spec = pod.Spec with { NodeName = node },
                Status = (pod.Status ?? new PodStatus()) with
                {
                    Phase = "Pending",
                    Conditions = [scheduled],
                },
            };
            messages[p] = $"Successfully assigned {pod.Namespace}/{pod.Name} to {node}";
        }
        ParallelWork.For(pending.Count, Bind);
        var recorded = new List<PendingEvent>(pending.Count);
        for (int p = 0; p < pending.Count; p++)
        {
            var pod = pending[p];
            if (bound[p] is { } b)
            {
                objects.Put(b);
                recorded.Add(PendingEvent.Normal(b, "Scheduled", messages[p], "default-scheduler"));
                continue;
            }
            var message = failures[p];
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
            recorded.Add(PendingEvent.Warning(pod, "FailedScheduling", message, "default-scheduler"));
        }
        events.RecordAll(recorded);
    }

    /// <summary>
    /// Nodes under the pod limit ordered by (pods bound, name): one bitmap of node positions per load,
    /// so the least loaded feasible node is the first set bit that fits, from the lowest load up.
    /// </summary>
    private sealed class LoadQueue(int nodes, int maxPods)
    {
        private readonly ulong[][] bits = new ulong[Math.Max(0, maxPods)][];
        private readonly int[] count = new int[Math.Max(0, maxPods)];
        private readonly int[] loadOf = new int[nodes];
        private readonly int words = (nodes + 63) / 64;
        private int lowest = int.MaxValue;

        public void Add(int node, int load)
        {
            loadOf[node] = load;
            if (load >= maxPods)
            {
                return;
            }
            (bits[load] ??= new ulong[words])[node >> 6] |= 1UL << (node & 63);
            count[load]++;
            lowest = Math.Min(lowest, load);
        }

        public int LoadOf(int node) => loadOf[node];

        public void Increment(int node)
        {
            var load = loadOf[node];
            bits[load][node >> 6] &= ~(1UL << (node & 63));
            count[load]--;
            while (lowest < maxPods && count[lowest] == 0)
            {
                lowest++;
            }
            Add(node, load + 1);
        }

        /// <summary>The first node in (load, name) order that <paramref name="fits"/>, or -1.</summary>
        public int First(Func<int, bool> fits)
        {
            for (int load = lowest; load < maxPods; load++)
            {
                if (count[load] == 0)
                {
                    continue;
                }
                var b = bits[load];
                for (int w = 0; w < words; w++)
                {
                    var word = b[w];
                    while (word != 0)
                    {
                        var node = (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(word);
                        if (fits(node))
                        {
                            return node;
                        }
                        word &= word - 1;
                    }
                }
            }
            return -1;
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

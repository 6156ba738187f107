using Podnet.Cluster.NetworkPolicies;

namespace Podnet.Analysis.NetworkPolicies;

/// <summary>
/// The class-level result of <see cref="ConnectivityAnalyzer.ComputeMatrix"/>: for every (source
/// class or atom, destination class or atom) the interned id of the allowed connections, and its
/// expansion to workloads (netpol-analyzer's <c>list</c>) and pods.
/// </summary>
public sealed class ConnectivityMatrix
{
    private readonly int[] cells;

    internal ConnectivityMatrix(ConnectivityAnalyzer analyzer, int[] cells)
    {
        Analyzer = analyzer;
        this.cells = cells;
    }

    /// <summary>The analyzer that computed it.</summary>
    public ConnectivityAnalyzer Analyzer { get; }

    /// <summary>Allowed connections from source index to destination index (classes first, then atoms).</summary>
    public ConnectionSet Get(int source, int destination) => Analyzer.Interner[CellId(source, destination)];

    /// <summary>The interned id of a cell.</summary>
    public int CellId(int source, int destination) => cells[((long)source * Analyzer.DestinationCount) + destination];

    /// <summary>Allowed connections between two pods.</summary>
    public ConnectionSet Get(PodInfo source, PodInfo destination)
    {
        if (Analyzer.Mode == AnalysisMode.Kubernetes && source.HostNetwork && source.NodeName != null
            && source.NodeName == destination.NodeName && PolicySemantics.IsPolicyPod(destination, Analyzer.Mode))
        {
            return ConnectionSet.All;
        }

        return Get(Analyzer.ClassOf(source), Analyzer.ClassOf(destination));
    }

    /// <summary>
    /// The workload-level list: every ordered pair of distinct peers with at least one allowed connection,
    /// workloads and external atoms (no external-to-external pairs), plus ingress-controller lines when
    /// the model has Ingress/Route targets. Sorted by source then destination name (ordinal).
    /// </summary>
    public IReadOnlyList<PeerConnection> WorkloadConnections()
    {
        var a = Analyzer;
        var workloads = new Dictionary<WorkloadRef, (List<int> Classes, List<PodInfo> Pods)>();
        foreach (var pod in a.Model.Pods)
        {
            if (!workloads.TryGetValue(pod.Workload, out var w))
            {
                workloads[pod.Workload] = w = ([], []);
            }

            var c = a.ClassOf(pod);
            if (!w.Classes.Contains(c))
            {
                w.Classes.Add(c);
            }

            w.Pods.Add(pod);
        }

        var list = workloads.ToList();
        var result = new List<PeerConnection>();
        var interner = a.Interner;
        foreach (var (ws, s) in list)
        {
            var srcEp = Endpoint.ForPod(s.Pods[0]);
            foreach (var (wd, d) in list)
            {
                if (ws == wd)
                {
                    continue;
                }

                var id = ConnectionInterner.EmptyId;
                foreach (var cs in s.Classes)
                {
                    foreach (var cd in d.Classes)
                    {
                        id = interner.Union(id, CellId(cs, cd));
                    }
                }

                if (a.Mode == AnalysisMode.Kubernetes && id != ConnectionInterner.AllId && SharesNode(s.Pods, d.Pods))
                {
                    id = ConnectionInterner.AllId;
                }

                if (id != ConnectionInterner.EmptyId)
                {
                    result.Add(new PeerConnection(srcEp, Endpoint.ForPod(d.Pods[0]), interner[id]));
                }
            }

            for (var atom = 0; atom < a.DestinationAtoms.Atoms.Count; atom++)
            {
                var id = ConnectionInterner.EmptyId;
                foreach (var cs in s.Classes)
                {
                    id = interner.Union(id, CellId(cs, a.ClassCount + atom));
                }

                if (id != ConnectionInterner.EmptyId)
                {
                    result.Add(new PeerConnection(srcEp, Endpoint.ForRange(a.DestinationAtoms.Atoms[atom]), interner[id]));
                }
            }
        }

        for (var atom = 0; atom < a.SourceAtoms.Atoms.Count; atom++)
        {
            var srcEp = Endpoint.ForRange(a.SourceAtoms.Atoms[atom]);
            foreach (var (wd, d) in list)
            {
                var id = ConnectionInterner.EmptyId;
                foreach (var cd in d.Classes)
                {
                    id = interner.Union(id, CellId(a.ClassCount + atom, cd));
                }

                if (id != ConnectionInterner.EmptyId)
                {
                    result.Add(new PeerConnection(srcEp, Endpoint.ForPod(d.Pods[0]), interner[id]));
                }
            }
        }

        if (a.Model.IngressTargets.Count > 0)
        {
            var eval = new PairEvaluator(a.Model, a.Mode);
            foreach (var target in a.Model.IngressTargets.Select(t => t.Workload).Distinct())
            {
                if (!workloads.TryGetValue(target, out var d))
                {
                    continue;
                }

                var conn = d.Pods.Aggregate(ConnectionSet.Empty, (acc, p) => acc.Union(eval.Evaluate(Endpoint.IngressController, Endpoint.ForPod(p)).Allowed));
                if (!conn.IsEmpty)
                {
                    result.Add(new PeerConnection(Endpoint.IngressController, Endpoint.ForPod(d.Pods[0]), conn));
                }
            }
        }

        result.Sort((x, y) =>
        {
            var c = string.CompareOrdinal(x.SourceName, y.SourceName);
            return c != 0 ? c : string.CompareOrdinal(x.DestinationName, y.DestinationName);
        });
        return result;
    }

    private static bool SharesNode(List<PodInfo> sources, List<PodInfo> destinations)
    {
        foreach (var s in sources)
        {
            if (!s.HostNetwork || s.NodeName == null)
            {
                continue;
            }

            foreach (var d in destinations)
            {
                if (!d.HostNetwork && d.NodeName == s.NodeName)
                {
                    return true;
                }
            }
        }

        return false;
    }
}

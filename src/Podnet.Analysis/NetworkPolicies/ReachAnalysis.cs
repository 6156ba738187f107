using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.NetworkPolicies;

namespace Podnet.Analysis.NetworkPolicies;

/// <summary>
/// One analysis session over a set of Kubernetes objects: the model, the fast analyzer with its matrix,
/// and a pair evaluator for reasons. What <c>podnet reach</c> runs.
/// </summary>
public sealed class ReachAnalysis
{
    private ConnectivityMatrix? matrix;

    private ReachAnalysis(ClusterModel model, AnalysisMode mode, IReadOnlyList<string> errors)
    {
        Model = model;
        Mode = mode;
        Errors = errors;
        Analyzer = new ConnectivityAnalyzer(model, mode);
        Evaluator = new PairEvaluator(model, mode);
    }

    /// <summary>The model.</summary>
    public ClusterModel Model { get; }

    /// <summary>The mode.</summary>
    public AnalysisMode Mode { get; }

    /// <summary>Invalid objects (policies the API server would reject), left out of the analysis.</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>The grouped analyzer.</summary>
    public ConnectivityAnalyzer Analyzer { get; }

    /// <summary>The pair evaluator (reasons).</summary>
    public PairEvaluator Evaluator { get; }

    /// <summary>The class-level matrix (computed on first use).</summary>
    public ConnectivityMatrix Matrix => matrix ??= Analyzer.ComputeMatrix();

    /// <summary>Analyzes Kubernetes objects.</summary>
    public static ReachAnalysis FromObjects(IEnumerable<KubeObject> objects, AnalysisMode mode)
    {
        var errors = new List<string>();
        var model = ClusterModelBuilder.Build(objects, errors);
        return new ReachAnalysis(model, mode, errors);
    }

    /// <summary>Analyzes what the manifest reader read (OpenShift Routes recovered from its unknown-kind errors).</summary>
    public static ReachAnalysis FromManifests(Podnet.Cluster.Api.Serialization.ManifestSet set, AnalysisMode mode)
    {
        var errors = new List<string>();
        var model = ClusterModelBuilder.Build(set.Objects, ClusterModelBuilder.RecoverRoutes(set), errors);
        return new ReachAnalysis(model, mode, errors);
    }

    /// <summary>Analyzes a ready model.</summary>
    public static ReachAnalysis FromModel(ClusterModel model, AnalysisMode mode) => new(model, mode, []);

    /// <summary>Every workload, sorted by name.</summary>
    public IReadOnlyList<WorkloadRef> Workloads =>
        Model.Pods.Select(p => p.Workload).Distinct().OrderBy(w => w.ToString(), StringComparer.Ordinal).ToList();

    /// <summary>The workload-level connection list.</summary>
    public IReadOnlyList<PeerConnection> Connections() => Matrix.WorkloadConnections();

    /// <summary>
    /// Every ordered pair of peers that the list considers (distinct workloads, external atoms with
    /// workloads, the ingress controller with its targets), each workload represented by its first pod.
    /// </summary>
    public IEnumerable<(Endpoint Source, Endpoint Destination)> PeerPairs()
    {
        var reps = Model.Pods.GroupBy(p => p.Workload).Select(g => Endpoint.ForPod(g.First())).ToList();
        foreach (var s in reps)
        {
            foreach (var d in reps)
            {
                if (!ReferenceEquals(s, d))
                {
                    yield return (s, d);
                }
            }

            foreach (var atom in Analyzer.DestinationAtoms.Atoms)
            {
                yield return (s, Endpoint.ForRange(atom));
            }
        }

        foreach (var atom in Analyzer.SourceAtoms.Atoms)
        {
            foreach (var d in reps)
            {
                yield return (Endpoint.ForRange(atom), d);
            }
        }

        foreach (var w in Model.IngressTargets.Select(t => t.Workload).Distinct())
        {
            if (reps.FirstOrDefault(r => r.Pod!.Workload == w) is { } d)
            {
                yield return (Endpoint.IngressController, d);
            }
        }
    }
}

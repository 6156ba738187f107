using Podnet.Analysis.Output;
using Podnet.Cluster.NetworkPolicies;

namespace Podnet.Analysis.Probe;

/// <summary>
/// The measured connectivity matrix of <see cref="ConnectivityProbe"/> beside the analyzer's prediction
/// (Cyclonus's "observed" and "expected" tables), with the pairs where they disagree.
/// </summary>
public sealed class ProbeResult(ProbeOptions options, IReadOnlyList<string> pods, IReadOnlyList<ProbeCell> cells, IReadOnlyList<string> problems)
{
    /// <summary>What was probed.</summary>
    public ProbeOptions Options { get; } = options;

    /// <summary>The probed pods (<c>ns/name</c>, sorted): rows and columns of the tables.</summary>
    public IReadOnlyList<string> Pods { get; } = pods;

    /// <summary>Every ordered pair, row by row.</summary>
    public IReadOnlyList<ProbeCell> Cells { get; } = cells;

    /// <summary>Problems met while realizing the cluster (kube-proxy, CNI, policy agent), in order.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;

    /// <summary>
    /// Pairs where the data plane and the analyzer disagree. A pod probing itself is left out, as
    /// Cyclonus's <c>--ignore-loopback</c> does: traffic to a pod's own IP never leaves its network
    /// namespace, so no CNI enforces policy on it, while the API semantics would deny it.
    /// </summary>
    public IReadOnlyList<ProbeCell> Mismatches => Cells.Where(c => c.Mismatch && !c.IsLoopback).ToList();

    /// <summary>Loopback pairs where the analyzer says denied but the connection went through (reported, not counted).</summary>
    public IReadOnlyList<ProbeCell> LoopbackDisagreements => Cells.Where(c => c.Mismatch && c.IsLoopback).ToList();

    /// <summary>The cell of (source, destination).</summary>
    public ProbeCell this[int source, int destination] => Cells[(source * Pods.Count) + destination];

    /// <summary>The table's corner text, e.g. <c>TCP/80</c>.</summary>
    public string Corner => $"{PolicyProtocols.Name(Options.Protocol)}/{Options.Port}";

    /// <summary>The measured truth table (<c>.</c> allowed, <c>X</c> blocked, <c>!</c> failed).</summary>
    public string MeasuredTable() => TruthTableFormatter.Format(Pods, (i, j) => this[i, j].Measured.Mark(), Corner);

    /// <summary>The analyzer's truth table.</summary>
    public string PredictedTable() => TruthTableFormatter.Format(Pods, (i, j) => this[i, j].Predicted ? TruthTableFormatter.Allowed : TruthTableFormatter.Blocked, Corner);

    /// <summary>The comparison table as Cyclonus prints it: <c>.</c> where they agree, <c>X</c> where they differ (loopback disagreements shown as <c>~</c>).</summary>
    public string ComparisonTable() => TruthTableFormatter.Format(Pods, (i, j) =>
    {
        var c = this[i, j];
        return !c.Mismatch ? "." : c.IsLoopback ? "~" : "X";
    }, Corner);
}

using Podnet.Cluster.NetworkPolicies;
using FsCheck;
using FsCheck.Fluent;
using Podnet.Analysis.NetworkPolicies;
using Xunit;

namespace Podnet.Analysis.Tests.NetworkPolicies;

/// <summary>The grouped fast analyzer must agree with the pair-by-pair evaluator on random clusters.</summary>
public class GroupedVersusPairwiseTests
{
    [Theory]
    [InlineData(AnalysisMode.Kubernetes)]
    [InlineData(AnalysisMode.NetpolAnalyzer)]
    public void FastMatrixEqualsPairwiseEvaluation(AnalysisMode mode)
    {
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var model = RandomClusters.Generate(seed);
            var analyzer = new ConnectivityAnalyzer(model, mode);
            var matrix = analyzer.ComputeMatrix();
            var eval = new PairEvaluator(model, mode);
            foreach (var s in model.Pods)
            {
                foreach (var d in model.Pods)
                {
                    var fast = matrix.Get(s, d);
                    var slow = eval.Evaluate(Endpoint.ForPod(s), Endpoint.ForPod(d)).Allowed;
                    if (!fast.Equals(slow))
                    {
                        throw new InvalidOperationException($"seed {seed}: {s.FullName} -> {d.FullName}: fast {fast}, pairwise {slow}");
                    }

                    if (!analyzer.Query(analyzer.ClassOf(s), analyzer.ClassOf(d)).Equals(matrix.Get(analyzer.ClassOf(s), analyzer.ClassOf(d))))
                    {
                        throw new InvalidOperationException($"seed {seed}: Query differs from matrix for {s.FullName} -> {d.FullName}");
                    }
                }

                for (var a = 0; a < analyzer.DestinationAtoms.Atoms.Count; a++)
                {
                    var fast = matrix.Get(analyzer.ClassOf(s), analyzer.ClassCount + a);
                    var slow = eval.Evaluate(Endpoint.ForPod(s), Endpoint.ForRange(analyzer.DestinationAtoms.Atoms[a])).Allowed;
                    if (!fast.Equals(slow))
                    {
                        throw new InvalidOperationException($"seed {seed}: {s.FullName} -> atom {a}: fast {fast}, pairwise {slow}");
                    }
                }
            }

            for (var a = 0; a < analyzer.SourceAtoms.Atoms.Count; a++)
            {
                foreach (var d in model.Pods)
                {
                    var fast = matrix.Get(analyzer.ClassCount + a, analyzer.ClassOf(d));
                    var slow = eval.Evaluate(Endpoint.ForRange(analyzer.SourceAtoms.Atoms[a]), Endpoint.ForPod(d)).Allowed;
                    if (!fast.Equals(slow))
                    {
                        throw new InvalidOperationException($"seed {seed}: atom {a} -> {d.FullName}: fast {fast}, pairwise {slow}");
                    }
                }
            }

            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }
}

using BenchmarkDotNet.Attributes;
using Podnet.Analysis.NetworkPolicies;
using Podnet.Cluster.NetworkPolicies;

namespace Podnet.Bench.Analysis;

/// <summary>
/// The node agent's rule compiler: a node carrying 1,000 pods in a 10,000-pod / 1,000-policy cluster;
/// measures the full compile and the recompile after one policy changed.
/// </summary>
[MemoryDiagnoser]
public class NetpolCompilerBenchmarks
{
    private ClusterModel model = null!;
    private NodePolicyCompiler compiler = null!;
    private List<PolicyInfo> policies = null!;
    private List<PolicyInfo> changed = null!;
    private bool flip;

    /// <summary>Builds the cluster and puts pods 0..999 on node "big".</summary>
    [GlobalSetup]
    public void Setup()
    {
        var m = SyntheticCluster.Generate(10000, 1000);
        var pods = m.Pods.Select((p, i) => i < 1000 ? p with { NodeName = "big" } : p).ToList();
        model = new ClusterModel(m.Namespaces.Values, pods, m.Policies);
        policies = model.Policies.ToList();
        var idx = policies.FindIndex(p => p.Namespace == "ns0" && p.AffectsIngress && p.Ingress.Count > 0);
        changed = policies.ToList();
        changed[idx] = changed[idx] with { Ingress = [changed[idx].Ingress[0] with { }] };
        compiler = new NodePolicyCompiler("big");
        compiler.Compile(model.Namespaces, model.Pods, policies);
    }

    /// <summary>From scratch (new compiler, empty cache).</summary>
    [Benchmark]
    public int FullCompile()
    {
        var r = new NodePolicyCompiler("big").Compile(model.Namespaces, model.Pods, policies);
        return r.IptablesRestore.Length + r.IpsetRestore.Length;
    }

    /// <summary>One policy object replaced (alternating between two versions), everything else cached; produces the delta texts an agent loads.</summary>
    [Benchmark]
    public int RecompileAfterPolicyChange()
    {
        flip = !flip;
        var r = compiler.Compile(model.Namespaces, model.Pods, flip ? changed : policies);
        return r.IptablesRestoreDelta.Length + r.IpsetRestoreDelta.Length;
    }
}

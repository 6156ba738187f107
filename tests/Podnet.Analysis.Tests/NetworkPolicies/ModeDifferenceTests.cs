using Podnet.Analysis.NetworkPolicies;
using Podnet.Analysis.Output;
using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.NetworkPolicies;
using Xunit;

namespace Podnet.Analysis.Tests.NetworkPolicies;

/// <summary>Where the Kubernetes semantics and --compat netpol-analyzer differ on the upstream vectors, and the --from/--to resolution.</summary>
public class ModeDifferenceTests
{
    [Theory]
    [MemberData(nameof(Scenarios))]
    public void ModesDifferOnlyWhereIpBlocksCoverPodIpsOrHostNetworkPodsAreSelected(string scenario)
    {
        var compat = ConformanceTests.Load(scenario, AnalysisMode.NetpolAnalyzer);
        var kube = ConformanceTests.Load(scenario, AnalysisMode.Kubernetes);
        var blocks = kube.Model.Policies.SelectMany(p => p.Ingress.Concat(p.Egress)).SelectMany(r => r.Peers ?? []).Where(x => x.IpBlock != null).Select(x => x.IpBlock!).ToList();
        var ipCovered = kube.Model.Pods.Any(p => p.Ip is { } ip && blocks.Any(b => b.Contains(ip)));
        var hostSelected = kube.Model.Pods.Any(p => p.HostNetwork && kube.Model.Policies.Any(pol => pol.Namespace == p.Namespace && pol.PodSelector.Matches(p.Labels)));
        var hostPeers = kube.Model.Pods.Any(p => p.HostNetwork) && kube.Model.Policies.Count > 0;
        var same = ConnlistFormatter.Format(compat.Connections(), ConnlistFormat.Txt) == ConnlistFormatter.Format(kube.Connections(), ConnlistFormat.Txt);
        if (!ipCovered && !hostSelected && !hostPeers)
        {
            Assert.True(same, "the modes may differ only through ipBlocks on pod IPs or hostNetwork pods");
        }
    }

    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string>();
        foreach (var d in Directory.GetDirectories(ConformanceTests.Root()).Order(StringComparer.Ordinal))
        {
            if (File.Exists(Path.Combine(d, "expected", "connlist_output.txt")))
            {
                data.Add(Path.GetFileName(d));
            }
        }

        return data;
    }

    [Fact]
    public void HostNetworkPodsChangeMinikubeOnlyThroughPolicies()
    {
        // minikube_resources has no policies: both modes give the same list.
        var a = ConnlistFormatter.Format(ConformanceTests.Load("minikube_resources", AnalysisMode.NetpolAnalyzer).Connections(), ConnlistFormat.Txt);
        var b = ConnlistFormatter.Format(ConformanceTests.Load("minikube_resources", AnalysisMode.Kubernetes).Connections(), ConnlistFormat.Txt);
        Assert.Equal(a, b);
    }

    [Fact]
    public void ServiceDestinationTranslatesToTargetPort()
    {
        var set = ManifestReader.ReadPath(Path.Combine(ConformanceTests.Root(), "acs-security-demos", "input"), recursive: true);
        var a = ReachAnalysis.FromManifests(set, AnalysisMode.Kubernetes);
        var src = EndpointResolver.ResolveSource(a.Model, "pod/frontend/webapp", "default", out var err);
        Assert.Null(err);
        var targets = EndpointResolver.ResolveDestination(a.Model, "svc/backend/checkout-service", "default", 8080, PolicyProtocol.Tcp, out err);
        Assert.Null(err);
        var t = Assert.Single(targets!);
        Assert.Equal("backend/checkout[Deployment]", t.Endpoint.DisplayName);
        Assert.True(a.Evaluator.Evaluate(src!, t.Endpoint).Allowed.Contains(PolicyProtocol.Tcp, t.Port!.Value));
        Assert.Null(EndpointResolver.ResolveDestination(a.Model, "svc/backend/nope", "default", 80, PolicyProtocol.Tcp, out err));
        Assert.Equal("Error from server (NotFound): services \"nope\" not found", err);
        Assert.Null(EndpointResolver.ResolveSource(a.Model, "pod/backend/nope", "default", out err));
        Assert.Equal("Error from server (NotFound): pods \"nope\" not found", err);
    }

    [Fact]
    public void ExternalAddressQuestion()
    {
        var set = ManifestReader.ReadPath(Path.Combine(ConformanceTests.Root(), "netpol-analysis-example-minimal", "input"), recursive: true);
        var a = ReachAnalysis.FromManifests(set, AnalysisMode.Kubernetes);
        var ext = EndpointResolver.ResolveSource(a.Model, "203.0.113.7", "default", out _)!;
        Assert.Null(ext.Pod);
        var frontend = EndpointResolver.ResolveDestination(a.Model, "default/frontend", "default", 8080, PolicyProtocol.Tcp, out _)!.Single();
        var v = a.Evaluator.Evaluate(ext, frontend.Endpoint);
        Assert.Equal("TCP 8080", v.Allowed.ToString());
        Assert.False(v.Egress.Isolated);
        Assert.True(v.Ingress.Isolated);
        Assert.Contains(v.Ingress.Policies, p => p.Policy.Name == "frontend-netpol" && p.Rules.Any(r => r.PeerMatched));
    }
}

using System.Text;
using Podnet.Analysis.NetworkPolicies;
using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.NetworkPolicies;
using Xunit;

namespace Podnet.Analysis.Tests.NetworkPolicies;

/// <summary>
/// The upstream e2e network-policy cases (test/e2e/network/netpol) on the x/y/z x a/b/c topology,
/// servers on TCP 80/81 (named serve-80-tcp, serve-81-tcp), UDP 80 and SCTP 80, judged with the
/// Kubernetes API semantics (and, where the tools differ, with --compat netpol-analyzer).
/// </summary>
public class KubernetesSemanticsTests
{
    private static readonly string[] Ns = ["x", "y", "z"];
    private static readonly string[] PodNames = ["a", "b", "c"];

    internal static string Ip(string ns, string pod) => $"10.244.{Array.IndexOf(Ns, ns) + 1}.{Array.IndexOf(PodNames, pod) + 10}";

    private static string Topology(bool hostNetworkXc = false)
    {
        var sb = new StringBuilder();
        foreach (var ns in Ns)
        {
            sb.Append($"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: \"{ns}\"\n  labels:\n    ns: \"{ns}\"\n---\n");
            foreach (var p in PodNames)
            {
                var host = hostNetworkXc && ns == "x" && p == "c" ? "  hostNetwork: true\n" : "";
                sb.Append($"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {p}\n  namespace: \"{ns}\"\n  labels:\n    pod: {p}\nspec:\n  nodeName: node-{ns}\n{host}  containers:\n  - name: c\n    ports:\n    - containerPort: 80\n      name: serve-80-tcp\n    - containerPort: 81\n      name: serve-81-tcp\n    - containerPort: 80\n      name: serve-80-udp\n      protocol: UDP\n    - containerPort: 80\n      name: serve-80-sctp\n      protocol: SCTP\nstatus:\n  podIP: {Ip(ns, p)}\n---\n");
            }
        }

        return sb.ToString();
    }

    private static ReachAnalysis Analyze(string policies, AnalysisMode mode = AnalysisMode.Kubernetes, bool hostNetworkXc = false)
    {
        var set = ManifestReader.ReadText(Topology(hostNetworkXc) + policies, "test.yaml");
        Assert.Empty(set.Errors);
        var a = ReachAnalysis.FromManifests(set, mode);
        Assert.Empty(a.Errors);
        return a;
    }

    private static bool Can(ReachAnalysis a, string from, string to, int port = 80, PolicyProtocol proto = PolicyProtocol.Tcp)
    {
        var s = a.Model.Pods.SingleOrDefault(p => p.FullName == from) ?? throw new InvalidOperationException(string.Join(",", a.Model.Pods.Select(p => p.FullName)));
        var d = a.Model.Pods.Single(p => p.FullName == to);
        var fast = a.Matrix.Get(s, d).Contains(proto, port);
        var slow = a.Evaluator.Evaluate(Endpoint.ForPod(s), Endpoint.ForPod(d)).Allowed.Contains(proto, port);
        Assert.Equal(slow, fast);
        return fast;
    }

    private static IEnumerable<string> All => Ns.SelectMany(n => PodNames.Select(p => $"{n}/{p}"));

    [Fact]
    public void NoPolicyAllowsEverything()
    {
        var a = Analyze("");
        Assert.All(All, s => Assert.All(All, d => Assert.True(Can(a, s, d))));
    }

    [Fact]
    public void DefaultDenyIngressIsolatesNamespaceOnly()
    {
        var a = Analyze("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: \"x\"\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n");
        Assert.False(Can(a, "y/a", "x/b"));
        Assert.False(Can(a, "x/a", "x/b"));
        Assert.True(Can(a, "x/a", "y/b"));
        Assert.True(Can(a, "z/a", "y/b"));
    }

    [Fact]
    public void PodAndNamespaceInOnePeerIsAnd_TwoPeersIsOr()
    {
        const string and = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: and\n  namespace: \"x\"\nspec:\n  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchExpressions:\n        - {key: ns, operator: NotIn, values: [\"x\"]}\n      podSelector:\n        matchLabels: {pod: b}\n";
        var a = Analyze(and);
        Assert.True(Can(a, "y/b", "x/a"));
        Assert.True(Can(a, "z/b", "x/a"));
        Assert.False(Can(a, "x/b", "x/a"));
        Assert.False(Can(a, "y/a", "x/a"));
        var or = and.Replace("      podSelector:", "    - podSelector:", StringComparison.Ordinal);
        var o = Analyze(or);
        Assert.True(Can(o, "x/b", "x/a"));
        Assert.True(Can(o, "y/a", "x/a"));
        Assert.False(Can(o, "x/c", "x/a"));
    }

    [Fact]
    public void AutomaticNamespaceNameLabel()
    {
        var a = Analyze("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: from-y\n  namespace: \"x\"\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: \"y\"\n");
        Assert.True(Can(a, "y/c", "x/a"));
        Assert.False(Can(a, "z/c", "x/a"));
    }

    [Fact]
    public void EgressToPodCidrMatchesPodIpsUnlessCompat()
    {
        var policy = $"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: to-yb\n  namespace: \"x\"\nspec:\n  podSelector:\n    matchLabels: {{pod: a}}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - ipBlock:\n        cidr: {Ip("y", "b")}/32\n";
        var a = Analyze(policy);
        Assert.True(Can(a, "x/a", "y/b"));
        Assert.False(Can(a, "x/a", "y/a"));
        var compat = Analyze(policy, AnalysisMode.NetpolAnalyzer);
        Assert.False(Can(compat, "x/a", "y/b"));
    }

    [Fact]
    public void ExceptClauseBlocksThatPod()
    {
        var a = Analyze($"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: except\n  namespace: \"x\"\nspec:\n  podSelector:\n    matchLabels: {{pod: a}}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - ipBlock:\n        cidr: 0.0.0.0/0\n        except: [{Ip("x", "b")}/32]\n");
        Assert.False(Can(a, "x/a", "x/b"));
        Assert.True(Can(a, "x/a", "x/c"));
        Assert.True(Can(a, "x/a", "y/b"));
    }

    [Fact]
    public void SctpOnlyPolicyIsolatesForTcp()
    {
        var a = Analyze("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: sctp\n  namespace: \"x\"\nspec:\n  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n  - ports:\n    - protocol: SCTP\n      port: 80\n");
        Assert.True(Can(a, "y/b", "x/a", 80, PolicyProtocol.Sctp));
        Assert.False(Can(a, "y/b", "x/a", 80, PolicyProtocol.Tcp));
        Assert.False(Can(a, "y/b", "x/a", 80, PolicyProtocol.Udp));
    }

    [Fact]
    public void NamedPortsResolveOnTheDestination()
    {
        var a = Analyze("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: egress-named\n  namespace: \"x\"\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - ports:\n    - port: serve-80-tcp\n");
        Assert.True(Can(a, "x/a", "y/b", 80));
        Assert.False(Can(a, "x/a", "y/b", 81));
        var wrongProtocol = Analyze("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: udp-named\n  namespace: \"x\"\nspec:\n  podSelector: {}\n  ingress:\n  - ports:\n    - port: serve-80-tcp\n      protocol: UDP\n");
        Assert.False(Can(wrongProtocol, "y/a", "x/a", 80, PolicyProtocol.Udp));
        Assert.False(Can(wrongProtocol, "y/a", "x/a", 80, PolicyProtocol.Tcp));
    }

    [Fact]
    public void EndPortRangeAndStackedPolicies()
    {
        var a = Analyze("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p81\n  namespace: \"x\"\nspec:\n  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels: {ns: \"y\"}\n    ports:\n    - port: 81\n      endPort: 90\n");
        Assert.True(Can(a, "y/a", "x/a", 81));
        Assert.False(Can(a, "y/a", "x/a", 80));
        var stacked = Analyze("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p81\n  namespace: \"x\"\nspec:\n  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels: {ns: \"y\"}\n    ports:\n    - port: 81\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p80\n  namespace: \"x\"\nspec:\n  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels: {ns: \"y\"}\n    ports:\n    - port: 80\n");
        Assert.True(Can(stacked, "y/a", "x/a", 80));
        Assert.True(Can(stacked, "y/a", "x/a", 81));
        Assert.False(Can(stacked, "z/a", "x/a", 80));
    }

    [Fact]
    public void ClientSideEgressDenyWinsOverServerAllow()
    {
        var a = Analyze("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny-egress\n  namespace: \"x\"\nspec:\n  podSelector:\n    matchLabels: {pod: a}\n  egress: []\n  policyTypes: [Egress]\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-xa\n  namespace: \"y\"\nspec:\n  podSelector:\n    matchLabels: {pod: b}\n  ingress:\n  - from:\n    - namespaceSelector: {}\n");
        Assert.False(Can(a, "x/a", "y/b"));
        Assert.True(Can(a, "x/b", "y/b"));
    }

    [Fact]
    public void PolicyTypesDefaultToEgressWhenEgressRulesExist()
    {
        var a = Analyze("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: eg\n  namespace: \"x\"\nspec:\n  podSelector:\n    matchLabels: {pod: a}\n  egress:\n  - to:\n    - podSelector:\n        matchLabels: {pod: b}\n");
        Assert.True(Can(a, "x/a", "x/b"));
        Assert.False(Can(a, "x/a", "x/c"));
        Assert.False(Can(a, "y/a", "x/a")); // Ingress is always defaulted in: isolated, no ingress rules
    }

    [Fact]
    public void HostNetworkPodsAreNodeTrafficInKubernetesModeButOrdinaryInCompat()
    {
        const string deny = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: \"x\"\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n";
        var k = Analyze(deny, AnalysisMode.Kubernetes, hostNetworkXc: true);
        Assert.True(Can(k, "y/a", "x/c")); // not selected: node traffic is not isolated
        Assert.True(Can(k, "x/c", "x/a")); // from its own node: always allowed
        Assert.False(Can(k, "y/a", "x/a"));
        var c = Analyze(deny, AnalysisMode.NetpolAnalyzer, hostNetworkXc: true);
        Assert.False(Can(c, "y/a", "x/c"));
        Assert.False(Can(c, "x/c", "x/a"));
    }

    [Theory]
    [InlineData("    ports:\n    - port: http\n      endPort: 90\n", "endPort: Forbidden")]
    [InlineData("    from:\n    - ipBlock:\n        cidr: 10.0.0.0/8\n      podSelector: {}\n", "may not specify both ipBlock and another peer")]
    [InlineData("    ports:\n    - port: 90\n      endPort: 80\n", "endPort must not be less than port")]
    [InlineData("    from:\n    - ipBlock:\n        cidr: 10.0.0.0/8\n        except: [11.0.0.0/8]\n", "strict subset")]
    public void InvalidPoliciesAreReportedNotAnalyzed(string rule, string message)
    {
        var set = ManifestReader.ReadText(Topology() + "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: bad\n  namespace: \"x\"\nspec:\n  podSelector: {}\n  ingress:\n  -\n" + rule, "t.yaml");
        var a = ReachAnalysis.FromManifests(set, AnalysisMode.Kubernetes);
        Assert.Contains(a.Errors, e => e.Contains(message, StringComparison.Ordinal) && e.StartsWith("NetworkPolicy \"x/bad\" is invalid", StringComparison.Ordinal));
        Assert.Empty(a.Model.Policies);
    }
}

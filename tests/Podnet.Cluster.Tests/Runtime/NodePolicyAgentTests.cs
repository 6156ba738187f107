using Podnet.Cluster.Runtime;
using Podnet.Kernel.Tracing;
using Xunit;

namespace Podnet.Cluster.Tests.Runtime;

public sealed class NodePolicyAgentTests
{
    // "server" accepts ingress on 8080 only from pods labelled role=friend; "stranger" is not one.
    private const string Cluster = """
        apiVersion: v1
        kind: Pod
        metadata: {name: friend, labels: {role: friend}}
        spec:
          nodeName: podnet-worker
          containers: [{name: main, image: nicolaka/netshoot, command: [sleep, infinity]}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: stranger, labels: {role: stranger}}
        spec:
          nodeName: podnet-worker
          containers: [{name: main, image: nicolaka/netshoot, command: [sleep, infinity]}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: server, labels: {app: server}}
        spec:
          nodeName: podnet-worker2
          containers: [{name: main, image: registry.k8s.io/e2e-test-images/agnhost:2.52, args: [netexec, --http-port=8080], ports: [{containerPort: 8080}]}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: server-from-friends}
        spec:
          podSelector: {matchLabels: {app: server}}
          ingress:
          - from: [{podSelector: {matchLabels: {role: friend}}}]
            ports: [{port: 8080}]
        """;

    [Fact]
    public void AllowedPeer_Connects_OtherPeer_IsDroppedAndTimesOut_ByTheNamedPolicy()
    {
        var rt = RuntimeFixture.Realize(Cluster);
        var server = RuntimeFixture.PodIp(rt, "server");

        var ok = rt.ExecInPod("default", "friend", null, ["curl", "-s", $"http://{server}:8080/clientip"], trace: false, out var err);
        Assert.Null(err);
        Assert.Equal(0, ok!.ExitCode);
        Assert.StartsWith(RuntimeFixture.PodIp(rt, "friend") + ":", ok.Stdout, StringComparison.Ordinal);

        var denied = rt.ExecInPod("default", "stranger", null, ["curl", "-sS", "--connect-timeout", "2", $"http://{server}:8080/"], trace: true, out err);
        Assert.Null(err);
        Assert.Equal(28, denied!.ExitCode);
        Assert.Contains("curl: (28)", denied.Stderr, StringComparison.Ordinal);
        var trace = denied.Traces.Single(x => x.Label.StartsWith("curl", StringComparison.Ordinal)).Trace;
        Assert.Contains(trace.Steps, s => s.Kind == TraceStepKind.Rule && s.Text.Contains("drop: no NetworkPolicy allows ingress to default/server", StringComparison.Ordinal));
        Assert.Empty(rt.Problems);
    }

    [Fact]
    public void NodeIptablesSave_ShowsTheAgentsChains_AndTurningTheAgentOffAllowsEveryone()
    {
        var rt = RuntimeFixture.Realize(Cluster);
        var server = RuntimeFixture.PodIp(rt, "server");
        var save = rt.ExecOnNode("podnet-worker2", ["iptables-save", "-t", "filter"], trace: false, out var err);
        Assert.Null(err);
        Assert.Contains("-A FORWARD -m comment --comment \"podnet NetworkPolicy enforcement\" -j PODNET-NETPOL", save!.Stdout, StringComparison.Ordinal);
        Assert.Contains("default/server-from-friends ingress rule #1", save.Stdout, StringComparison.Ordinal);

        var off = RuntimeFixture.Realize(Cluster, options: new RuntimeOptions { EnforceNetworkPolicies = false, Epoch = RuntimeFixture.Now });
        var r = off.ExecInPod("default", "stranger", null, ["curl", "-s", "--connect-timeout", "2", $"http://{server}:8080/clientip"], trace: false, out _);
        Assert.Equal(0, r!.ExitCode);
    }
}

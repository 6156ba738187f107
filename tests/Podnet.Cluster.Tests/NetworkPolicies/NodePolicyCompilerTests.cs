using System.Diagnostics;
using Podnet.Cluster.NetworkPolicies;
using Xunit;

namespace Podnet.Cluster.Tests.NetworkPolicies;

public class NodePolicyCompilerTests
{
    private static readonly Dictionary<string, NamespaceInfo> Namespaces = new()
    {
        ["x"] = NamespaceInfo.Create("x", new Dictionary<string, string> { ["ns"] = "x" }),
        ["y"] = NamespaceInfo.Create("y", new Dictionary<string, string> { ["ns"] = "y" }),
    };

    private static PodInfo Pod(string ns, string name, uint lastOctet, string node, params NamedContainerPort[] ports) =>
        new(ns, name, new Dictionary<string, string> { ["pod"] = name }, 0x0AF40000u | lastOctet, ports, new WorkloadRef(ns, name, "Pod"), false, node);

    private static readonly List<PodInfo> Pods =
    [
        Pod("x", "a", 2, "n1", new NamedContainerPort("serve-80-tcp", PolicyProtocol.Tcp, 80)),
        Pod("x", "b", 3, "n1"),
        Pod("y", "a", 4, "n2"),
        Pod("y", "b", 5, "n2", new NamedContainerPort("serve-80-tcp", PolicyProtocol.Tcp, 8080)),
    ];

    private static PolicyInfo AllowFromB => new(
        "x", "allow-b", CompiledSelector.Create([new("pod", "a")], null), true, true,
        [new PolicyRuleInfo([new PolicyPeerInfo(CompiledSelector.Create([new("pod", "b")], null), null, null)], [new PolicyPortInfo(PolicyProtocol.Tcp, 80, null, null), new PolicyPortInfo(PolicyProtocol.Udp, 5000, 5010, null)])],
        [new PolicyRuleInfo([new PolicyPeerInfo(null, CompiledSelector.Create([new("ns", "y")], null), null)], [new PolicyPortInfo(PolicyProtocol.Tcp, null, null, "serve-80-tcp")]),
         new PolicyRuleInfo([new PolicyPeerInfo(null, null, Ipv4RangeSet.FromIpBlock("0.0.0.0/0", ["10.0.0.0/8"], out _))], [new PolicyPortInfo(PolicyProtocol.Sctp, 9000, null, null)])]);

    private static PolicyInfo DenyAll => new("x", "deny-all", CompiledSelector.Everything, true, false, [], []);

    [Fact]
    public void ChainsPerPodAndPolicyWithCommentsAndDrop()
    {
        var rules = new NodePolicyCompiler("n1").Compile(Namespaces, Pods, [AllowFromB, DenyAll]);
        var t = rules.IptablesRestore;
        Assert.StartsWith("*filter\n:PODNET-NETPOL - [0:0]\n", t, StringComparison.Ordinal);
        Assert.Contains("-A PODNET-NETPOL -m conntrack --ctstate RELATED,ESTABLISHED", t, StringComparison.Ordinal);
        Assert.True(t.IndexOf("RELATED,ESTABLISHED", StringComparison.Ordinal) < t.IndexOf("-j DROP", StringComparison.Ordinal));
        Assert.Contains("-p tcp -m tcp --dport 80 -m comment --comment \"x/allow-b ingress rule #1\" -j MARK --set-xmark 0x20000/0x20000", t, StringComparison.Ordinal);
        Assert.Contains("-p udp -m udp --dport 5000:5010", t, StringComparison.Ordinal);
        Assert.Contains("--comment \"drop: no NetworkPolicy allows ingress to x/a\" -j DROP", t, StringComparison.Ordinal);
        Assert.Contains("--comment \"drop: no NetworkPolicy allows ingress to x/b\" -j DROP", t, StringComparison.Ordinal);
        Assert.Contains("--comment \"drop: no NetworkPolicy allows egress from x/a\" -j DROP", t, StringComparison.Ordinal);
        Assert.DoesNotContain("egress from x/b", t, StringComparison.Ordinal);
        Assert.DoesNotContain("y/a", t, StringComparison.Ordinal); // pods of other nodes get no chains
        Assert.EndsWith("COMMIT\n", t, StringComparison.Ordinal);

        // peers: x/b's IP in the ingress set; named port serve-80-tcp resolved on y/b (8080), y/a has none
        Assert.Contains(" 10.244.0.3/32 -exist", rules.IpsetRestore, StringComparison.Ordinal);
        Assert.Contains("-p tcp -m tcp --dport 8080 -m comment --comment \"x/allow-b egress rule #1\"", t, StringComparison.Ordinal);
        Assert.Contains(" 0.0.0.0/5 -exist", rules.IpsetRestore, StringComparison.Ordinal);
        Assert.Contains("-p sctp -m sctp --dport 9000", t, StringComparison.Ordinal);
    }

    [Fact]
    public void PolicyChangeRecompilesOnlyThatPolicyAndDeletesStaleChains()
    {
        var compiler = new NodePolicyCompiler("n1");
        var deny = DenyAll;
        var allow = AllowFromB;
        compiler.Compile(Namespaces, Pods, [allow, deny]);
        Assert.Equal(2, compiler.LastRecompiledPolicies);
        var changed = allow with { Ingress = [] };
        var second = compiler.Compile(Namespaces, Pods, [changed, deny]);
        Assert.Equal(1, compiler.LastRecompiledPolicies);
        Assert.DoesNotContain("ingress rule #1", second.IptablesRestore, StringComparison.Ordinal);

        // the delta holds only the changed policy's chains: not the deny-all chain, not the unchanged pod chains
        var allowIn = "PODNET-NP-I-" + NodePolicyCompiler.Hash("x/allow-b");
        Assert.Contains(":" + allowIn + " - [0:0]", second.IptablesRestoreDelta, StringComparison.Ordinal);
        Assert.DoesNotContain("PODNET-NP-I-" + NodePolicyCompiler.Hash("x/deny-all") + " - [0:0]", second.IptablesRestoreDelta, StringComparison.Ordinal);
        Assert.DoesNotContain(":PODNET-NETPOL ", second.IptablesRestoreDelta, StringComparison.Ordinal);
        Assert.DoesNotContain("egress rule #1", second.IptablesRestoreDelta, StringComparison.Ordinal); // unchanged chain text
        Assert.DoesNotContain("deny-all", second.IpsetRestoreDelta, StringComparison.Ordinal);
        Assert.Equal("*filter\nCOMMIT\n", compiler.Compile(Namespaces, Pods, [changed, deny]).IptablesRestoreDelta);
        var third = compiler.Compile(Namespaces, Pods, [deny]);
        Assert.Equal(0, compiler.LastRecompiledPolicies);
        Assert.Contains("-X PODNET-NP-E-", third.IptablesRestore, StringComparison.Ordinal);
        Assert.NotEmpty(third.StaleIpsets);
    }

    [Fact]
    public void NoPolicyMeansNoPodChains()
    {
        var rules = new NodePolicyCompiler("n1").Compile(Namespaces, Pods, []);
        Assert.DoesNotContain("DROP", rules.IptablesRestore, StringComparison.Ordinal);
        Assert.Equal("", rules.IpsetRestore);
    }

    [Fact]
    public void RealIptablesRestoreAcceptsTheText()
    {
        if (!IsRoot())
        {
            Assert.Skip("needs root to create a network namespace");
        }

        foreach (var tool in new[] { "ip", "ipset", "iptables-restore" })
        {
            if (Run("sh", $"-c \"command -v {tool}\"", null).Code != 0)
            {
                Assert.Skip($"{tool} is not installed");
            }
        }

        var ns = "podnet-np-" + Guid.NewGuid().ToString("N")[..8];
        var add = Run("ip", $"netns add {ns}", null);
        if (add.Code != 0)
        {
            Assert.Skip("cannot create a network namespace: " + add.Output);
        }

        try
        {
            var compiler = new NodePolicyCompiler("n1");
            var rules = compiler.Compile(Namespaces, Pods, [AllowFromB, DenyAll]);
            var sets = Run("ip", $"netns exec {ns} ipset restore", rules.IpsetRestore);
            Assert.True(sets.Code == 0, "ipset restore: " + sets.Output);
            var text = rules.IptablesRestore.Replace("COMMIT\n", rules.HookRule + "\nCOMMIT\n", StringComparison.Ordinal);
            var test = Run("ip", $"netns exec {ns} iptables-restore --test --noflush", text);
            Assert.True(test.Code == 0, "iptables-restore --test: " + test.Output + "\n" + text);
            var load = Run("ip", $"netns exec {ns} iptables-restore --noflush", text);
            Assert.True(load.Code == 0, "iptables-restore: " + load.Output);
            var save = Run("ip", $"netns exec {ns} iptables-save -t filter", null);
            Assert.Contains("x/allow-b ingress rule #1", save.Output, StringComparison.Ordinal);

            // an update loads only the delta; the result equals a fresh full load
            var updated = compiler.Compile(Namespaces, Pods, [AllowFromB with { AffectsEgress = false, Egress = [] }, DenyAll]);
            Assert.Equal(0, Run("ip", $"netns exec {ns} ipset restore", updated.IpsetRestoreDelta).Code);
            var delta = Run("ip", $"netns exec {ns} iptables-restore --noflush", updated.IptablesRestoreDelta);
            Assert.True(delta.Code == 0, "delta: " + delta.Output + "\n" + updated.IptablesRestoreDelta);
            var after = Run("ip", $"netns exec {ns} iptables-save -t filter", null).Output;
            Assert.DoesNotContain("x/allow-b egress rule", after, StringComparison.Ordinal);
            Assert.Contains("x/allow-b ingress rule #1", after, StringComparison.Ordinal);
            Assert.DoesNotContain("drop: no NetworkPolicy allows egress from x/a", after, StringComparison.Ordinal);
        }
        finally
        {
            Run("ip", $"netns delete {ns}", null);
        }
    }

    private static bool IsRoot()
    {
        var status = File.ReadAllLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        return status != null && status.Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) == "0";
    }

    private static (int Code, string Output) Run(string file, string args, string? stdin)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardInput = stdin != null, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        if (stdin != null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }

        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output);
    }
}

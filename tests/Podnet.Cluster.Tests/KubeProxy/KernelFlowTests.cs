using System.Text.Json.Nodes;
using Podnet.Cluster.KubeProxy;
using Podnet.Cluster.KubeProxy.Iptables;
using Podnet.Cluster.KubeProxy.Nftables;
using Podnet.Kernel.Netfilter;
using Xunit;

namespace Podnet.Cluster.Tests.KubeProxy;

/// <summary>
/// The packet-flow vectors again, this time through the emulated kernel: kube-proxy's text is
/// loaded with the kernel's own <c>iptables</c>/<c>iptables-restore</c> and <c>nft -f</c>, and new
/// connections go through PREROUTING, then FORWARD or INPUT, as on a node. Where upstream's tracer
/// follows every random branch, many connections are sent and the set of endpoints reached compared.
/// </summary>
public sealed class KernelFlowTests
{
    private sealed class NodeHost(HashSet<uint> local, uint nodeIP, int seed) : INetfilterHost
    {
        public bool IsLocalAddress(uint address) => local.Contains(address);

        public AddressType GetAddressType(uint address) =>
            local.Contains(address) || (address >> 24) == 127 ? AddressType.Local : AddressType.Unicast;

        public uint? MasqueradeAddress(string outInterface, uint destination) => nodeIP;

        public TimeSpan Now => TimeSpan.FromSeconds(1000);

        public Random Random { get; } = new(seed);
    }

    private static uint Ip(string s)
    {
        var p = s.Split('.').Select(uint.Parse).ToArray();
        return (p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
    }

    private static string Fmt(uint a) => $"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}";

    private static List<string> Args(string spec)
    {
        var list = new List<string>();
        int i = 0;
        while (i < spec.Length)
        {
            if (spec[i] == ' ') { i++; continue; }
            int end;
            if (spec[i] == '"') { end = spec.IndexOf('"', i + 1); list.Add(spec[(i + 1)..end]); i = end + 1; }
            else { end = spec.IndexOf(' ', i); if (end < 0) end = spec.Length; list.Add(spec[i..end]); i = end; }
        }
        return list;
    }

    private static Netfilter LoadNode(string mode, ProxierConfig config, ProxyState state, IReadOnlyList<string> localIPs)
    {
        var local = localIPs.Where(ip => !ip.Contains(':')).Select(Ip).ToHashSet();
        var nf = new Netfilter(new NodeHost(local, Ip(config.NodeIP!.ToString()), 7), "test-node");
        if (mode == "iptables")
        {
            var r = new IptablesProxier(config).SyncRules(state);
            foreach (var (table, chain) in r.EnsuredChains) nf.IptablesCommand("-t", table, "-N", chain);
            var restore = nf.IptablesRestore(r.RestoreText, noflush: true, counters: true);
            if (restore.ExitCode != 0 && restore.Stderr.Contains("Couldn't load match `sctp'", StringComparison.Ordinal))
                Assert.Skip("the emulated iptables-restore does not know `-m sctp` yet (Podnet.Kernel gap): " + restore.Stderr.Split('\n')[0]);
            Assert.True(restore.ExitCode == 0, restore.ToString());
            foreach (var j in r.JumpRules)
            {
                var ins = nf.IptablesCommand([.. Args(j.InsertCommand)]);
                Assert.True(ins.ExitCode == 0, ins + " " + j.InsertCommand);
            }
        }
        else
        {
            var r = new NftablesProxier(config).SyncRules(state);
            var res = nf.Nft(["-f", "-"], r.Transaction);
            Assert.True(res.ExitCode == 0, res.ToString());
        }
        return nf;
    }

    [Theory]
    [MemberData(nameof(FlowConformanceTests.Flows), MemberType = typeof(FlowConformanceTests))]
    public void FlowThroughEmulatedKernel(string file, string mode, string name) => Run(file, mode, name, withoutSctp: false);

    /// <summary>
    /// flow-01 in iptables mode with its one SCTP Service port left out (derived from the vector,
    /// not upstream's own case), so that the emulated iptables-restore, which lacks <c>-m sctp</c>,
    /// can load the rest; the TCP/UDP flows keep their upstream expectations.
    /// </summary>
    [Theory]
    [InlineData("simple clusterIP")]
    [InlineData("hairpin to cluster IP")]
    [InlineData("clusterIP with multiple endpoints")]
    [InlineData("clusterIP with TargetPort")]
    [InlineData("clusterIP with TCP, UDP, and SCTP on same port (TCP)")]
    [InlineData("clusterIP with TCP, UDP, and SCTP on same port (UDP)")]
    [InlineData("TCP-only port does not match UDP traffic")]
    [InlineData("svc1 does not accept svc2's ports")]
    public void ClusterIPFlowsWithoutSctpThroughEmulatedIptables(string name) =>
        Run("flow-01-clusterip-general.json", "iptables", name, withoutSctp: true);

    private static void Run(string file, string mode, string name, bool withoutSctp)
    {
        var v = ConformanceVectors.Load(file);
        var config = ConformanceVectors.Config(v, v["config"]![mode]!.AsObject());
        var state = ConformanceVectors.State(config, v["services"]!.AsArray(), v["endpointSlices"]!.AsArray());
        if (withoutSctp)
        {
            state = ProxyState.Create(state.ServicePorts.Values.Where(s => s.Protocol != L4Protocol.Sctp),
                state.EndpointKeys.Select(k => new KeyValuePair<ServicePortName, IEnumerable<EndpointInfo>>(k, state.EndpointsOf(k))));
        }
        var nodeIPs = v["node"]!["localIPsForTracer"]!.AsArray().Select(x => (string)x!).ToList();
        var flow = v["expectedFlows"]!.AsArray().First(f => (string)f!["name"]! == name)!;
        string expected = flow["output"] is JsonObject byMode ? (string)byMode[mode]! : (string)flow["output"]!;
        byte proto = ((string?)flow["protocol"] ?? "TCP") switch { "UDP" => 17, "SCTP" => 132, _ => 6 };
        var nf = LoadNode(mode, config, state, nodeIPs);
        uint mark = Convert.ToUInt32(config.MasqueradeMark, 16);

        var outcomes = new SortedSet<string>(StringComparer.Ordinal);
        bool masq = false;
        int attempts = expected.Contains(',') ? 64 : 4;
        for (int i = 0; i < attempts; i++)
        {
            var p = new NetfilterPacket
            {
                Protocol = proto, Source = Ip((string)flow["sourceIP"]!), Destination = Ip((string)flow["destIP"]!),
                SourcePort = (ushort)(40000 + i), DestinationPort = (ushort)(int)flow["destPort"]!, TcpFlags = 0x02, Length = 60, Ttl = 64,
                InInterface = "eth0",
            };
            uint originalDst = p.Destination;
            ushort originalPort = p.DestinationPort;
            var verdict = nf.Process(NetfilterHook.Prerouting, p);
            if (verdict.Kind == NetfilterVerdictKind.Accept)
            {
                bool local = nodeIPs.Contains(Fmt(p.Destination));
                if (!local) p.OutInterface = "eth0";
                verdict = nf.Process(local ? NetfilterHook.Input : NetfilterHook.Forward, p);
            }
            if ((p.Mark & mark) != 0) masq = true;
            outcomes.Add(verdict.Kind switch
            {
                NetfilterVerdictKind.Drop => "DROP",
                NetfilterVerdictKind.Reject => "REJECT",
                _ => p.Destination != originalDst || p.DestinationPort != originalPort ? Fmt(p.Destination) + ":" + p.DestinationPort : "",
            });
        }
        var want = new SortedSet<string>(expected.Split(", "), StringComparer.Ordinal);
        Assert.Equal(want, outcomes);
        Assert.Equal((bool)flow["masq"]!, masq);
    }
}

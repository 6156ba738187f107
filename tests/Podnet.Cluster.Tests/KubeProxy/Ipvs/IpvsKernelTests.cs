using System.Net;
using Podnet.Cluster.KubeProxy;
using Podnet.Cluster.KubeProxy.Ipvs;
using Podnet.Kernel.Netfilter;
using Xunit;

namespace Podnet.Cluster.Tests.KubeProxy.Ipvs;

/// <summary>IPVS mode's output loaded into the emulated kernel (ipset restore, iptables, ipvsadm) and exercised.</summary>
public sealed class IpvsKernelTests
{
    private sealed class NodeHost(HashSet<uint> local) : INetfilterHost
    {
        public bool IsLocalAddress(uint address) => local.Contains(address);
        public AddressType GetAddressType(uint address) => local.Contains(address) || (address >> 24) == 127 ? AddressType.Local : AddressType.Unicast;
        public uint? MasqueradeAddress(string outInterface, uint destination) => Ip("172.18.0.2");
        public TimeSpan Now => TimeSpan.FromSeconds(1000);
        public Random Random { get; } = new(3);
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

    [Fact]
    public void ClusterIPConnectionsReachEveryRealServerAndOtherPortsAreRejected()
    {
        var config = new ProxierConfig
        {
            NodeName = "node-a",
            NodeIP = IPAddress.Parse("172.18.0.2"),
            NodeAddresses = [IPAddress.Loopback, IPAddress.Parse("172.18.0.2")],
            LocalDetector = LocalTrafficDetector.ForCidr("10.244.0.0/16"),
        };
        var spn = new ServicePortName("default", "web", "http", L4Protocol.Tcp);
        var svc = new ServicePortInfo(spn, IPAddress.Parse("10.96.0.20"), 80);
        var state = ProxyState.Create([svc], [new(spn, [
            new EndpointInfo(IPAddress.Parse("10.244.1.5"), 8080),
            new EndpointInfo(IPAddress.Parse("10.244.2.6"), 8080)])]);
        var r = new IpvsProxier(config).SyncRules(state);

        var local = new HashSet<uint> { Ip("172.18.0.2") };
        foreach (var a in r.DummyAddresses) local.Add(Ip(a.ToString()));
        var nf = new Netfilter(new NodeHost(local), "node-a");
        var ipset = nf.Ipset(["-exist", "restore"], r.IpsetRestoreText());
        Assert.True(ipset.ExitCode == 0, ipset.ToString());
        foreach (var (table, chain) in r.EnsuredChains) nf.IptablesCommand("-t", table, "-N", chain);
        var restore = nf.IptablesRestore(r.IptablesRestoreText, noflush: true, counters: true);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        foreach (var j in r.JumpRules) Assert.Equal(0, nf.IptablesCommand([.. Args(j.InsertCommand)]).ExitCode);
        foreach (var cmd in r.IpvsadmCommands())
        {
            var res = nf.Ipvsadm(cmd);
            Assert.True(res.ExitCode == 0, res + " " + string.Join(' ', cmd));
        }

        var reached = new SortedSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < 10; i++)
        {
            var p = new NetfilterPacket { Protocol = 6, Source = Ip("10.244.3.9"), Destination = Ip("10.96.0.20"), SourcePort = (ushort)(41000 + i), DestinationPort = 80, TcpFlags = 0x02, Length = 60, Ttl = 64, InInterface = "cni0" };
            Assert.Equal(NetfilterVerdictKind.Accept, nf.Process(NetfilterHook.Prerouting, p).Kind);
            Assert.Equal(NetfilterVerdictKind.Accept, nf.Process(NetfilterHook.Input, p).Kind);
            reached.Add(Fmt(p.Destination) + ":" + p.DestinationPort);
        }
        Assert.Equal(["10.244.1.5:8080", "10.244.2.6:8080"], reached);

        // KUBE-IPVS-FILTER: a port of the VIP that is no Service is rejected (issue 72236).
        var other = new NetfilterPacket { Protocol = 6, Source = Ip("10.244.3.9"), Destination = Ip("10.96.0.20"), SourcePort = 42000, DestinationPort = 22, TcpFlags = 0x02, Length = 60, Ttl = 64, InInterface = "cni0" };
        Assert.Equal(NetfilterVerdictKind.Accept, nf.Process(NetfilterHook.Prerouting, other).Kind);
        Assert.Equal(NetfilterVerdictKind.Reject, nf.Process(NetfilterHook.Input, other).Kind);
    }
}

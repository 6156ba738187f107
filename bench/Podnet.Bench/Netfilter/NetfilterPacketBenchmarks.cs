using BenchmarkDotNet.Attributes;
using Podnet.Kernel.Netfilter;

namespace Podnet.Bench.Netfilter;

/// <summary>
/// Per-packet cost of the first packet of a connection at PREROUTING (conntrack NEW + nat table + DNAT),
/// for a service in the middle of N services: the iptables interpreter walks KUBE-SERVICES linearly,
/// the nftables path does one verdict-map lookup.
/// </summary>
[MemoryDiagnoser]
public class NetfilterPacketBenchmarks
{
    [Params(100, 1000, 10000)]
    public int Services { get; set; }

    private Podnet.Kernel.Netfilter.Netfilter _ipt = null!;
    private Podnet.Kernel.Netfilter.Netfilter _nft = null!;
    private NetfilterPacket _packet = null!;
    private uint _target;
    private ushort _port;

    [GlobalSetup]
    public void Setup()
    {
        _ipt = new Podnet.Kernel.Netfilter.Netfilter(new BenchHost());
        var r = _ipt.IptablesRestore(KubeProxyRules.Iptables(Services));
        if (r.ExitCode != 0) throw new InvalidOperationException(r.Stderr);
        _nft = new Podnet.Kernel.Netfilter.Netfilter(new BenchHost());
        r = _nft.Nft(["-f", "-"], KubeProxyRules.Nftables(Services));
        if (r.ExitCode != 0) throw new InvalidOperationException(r.Stderr);
        var ip = KubeProxyRules.ServiceIp(Services / 2).Split('.').Select(uint.Parse).ToArray();
        _target = (ip[0] << 24) | (ip[1] << 16) | (ip[2] << 8) | ip[3];
        _packet = new NetfilterPacket();
    }

    private NetfilterPacket Next()
    {
        var p = _packet;
        p.Protocol = 6;
        p.Source = 0x0A000005;
        p.SourcePort = ++_port == 0 ? (ushort)1 : _port;
        p.Destination = _target;
        p.DestinationPort = 80;
        p.TcpFlags = 0x02;
        p.Length = 60;
        p.InInterface = "cni0";
        p.Mark = 0;
        p.Conntrack = null;
        return p;
    }

    [Benchmark(Baseline = true)]
    public NetfilterVerdict IptablesNewConnection() => _ipt.Process(NetfilterHook.Prerouting, Next());

    [Benchmark]
    public NetfilterVerdict NftablesNewConnection() => _nft.Process(NetfilterHook.Prerouting, Next());
}

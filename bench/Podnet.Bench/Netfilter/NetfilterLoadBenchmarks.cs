using BenchmarkDotNet.Attributes;

namespace Podnet.Bench.Netfilter;

/// <summary>
/// Loading a large rule set: <c>iptables-restore</c> of a text of about 100,000 rules (12,500 services with
/// two endpoints: 8 rules each) and <c>nft -f</c> of a transaction of about the same number of commands (10,000 services: 10 commands each).
/// </summary>
[MemoryDiagnoser]
public class NetfilterLoadBenchmarks
{
    private string _iptables = "";
    private string _nft = "";

    [GlobalSetup]
    public void Setup()
    {
        _iptables = KubeProxyRules.Iptables(12500);
        _nft = KubeProxyRules.Nftables(10000);
        Console.WriteLine($"// iptables-restore rules: {_iptables.Split('\n').Count(l => l.StartsWith("-A", StringComparison.Ordinal))}");
        Console.WriteLine($"// nft commands: {_nft.Split('\n').Count(l => l.StartsWith("add", StringComparison.Ordinal))}");
    }

    [Benchmark]
    public int IptablesRestore100kRules()
    {
        var nf = new Podnet.Kernel.Netfilter.Netfilter(new BenchHost());
        var r = nf.IptablesRestore(_iptables);
        if (r.ExitCode != 0) throw new InvalidOperationException(r.Stderr);
        return r.ExitCode;
    }

    [Benchmark]
    public int NftLoad100kCommands()
    {
        var nf = new Podnet.Kernel.Netfilter.Netfilter(new BenchHost());
        var r = nf.Nft(["-f", "-"], _nft);
        if (r.ExitCode != 0) throw new InvalidOperationException(r.Stderr);
        return r.ExitCode;
    }
}

using BenchmarkDotNet.Attributes;
using Podnet.Kernel.Links;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Wire;
using Podnet.Bench.Shared;

namespace Podnet.Bench.Netfilter;

/// <summary>
/// TCP connect, one 100-byte request and response, and close, to a service address that the client
/// namespace's netfilter DNATs (kube-proxy-like nat rules in OUTPUT, conntrack reverse NAT on the way
/// back), across a bridge to the server namespace. One op = one connection; tracing off; virtual time.
/// The server namespace has no rules, so (as in Linux) it tracks nothing; with
/// <see cref="ServerConntrack"/> it loads a host's usual INVALID-drop rule, which makes it track every
/// connection too (conntrack at both ends).
/// </summary>
[MemoryDiagnoser]
public class TcpThroughDnatBenchmarks
{
    private const int Connections = 2048;
    private World _world = null!;
    private NetNamespace _client = null!;
    private uint _vip;

    /// <summary>Whether the server namespace tracks connections as well (an INVALID-drop rule there).</summary>
    [Params(false, true)]
    public bool ServerConntrack { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var w = new World(1);
        var host = w.CreateNamespace("host");
        host.AddBridge("br0", out var br);
        host.SetUp(br!, true);
        var pair = new NetNamespace[2];
        for (int i = 0; i < 2; i++)
        {
            var ns = w.CreateNamespace($"h{i}");
            ns.SetUp(ns.Loopback, true);
            host.AddVeth($"p{i}", "eth0", ns, out var v);
            host.SetMaster(v!, br);
            host.SetUp(v!, true);
            ns.AddAddress(v!.Peer, Ipv4Prefix.Parse($"10.0.0.{10 + i}/24"));
            ns.SetUp(v.Peer, true);
            ns.Netfilter = new Podnet.Kernel.Netfilter.Netfilter(ns, ns.Name);
            if (i == 0)
                ns.AddRoute(new Route(Ipv4Prefix.Parse("172.30.0.0/16"), RouteType.Unicast, 0, v.Peer, 0, RouteScope.Link, null, 0));
            pair[i] = ns;
        }
        _world = w;
        _client = pair[0];
        var nf = (Podnet.Kernel.Netfilter.Netfilter)_client.Netfilter!;
        var r = nf.IptablesRestore(KubeProxyRules.Iptables(100).Replace("10.180.", "10.0.").Replace("10.181.", "10.0."));
        if (r.ExitCode != 0) throw new InvalidOperationException(r.Stderr);
        // service 0 -> endpoints 10.0.0.1 and 10.0.0.1 of the generator; point it at the server instead
        r = nf.IptablesRestore("*nat\n:KUBE-SVC-0 - [0:0]\n-A KUBE-SVC-0 -p tcp -j DNAT --to-destination 10.0.0.11:80\nCOMMIT\n", noflush: true);
        if (r.ExitCode != 0) throw new InvalidOperationException(r.Stderr);
        if (ServerConntrack)
        {
            r = ((Podnet.Kernel.Netfilter.Netfilter)pair[1].Netfilter!).IptablesRestore("*filter\n-A INPUT -m conntrack --ctstate INVALID -j DROP\nCOMMIT\n");
            if (r.ExitCode != 0) throw new InvalidOperationException(r.Stderr);
        }
        _vip = Ipv4Address.Parse(KubeProxyRules.ServiceIp(0));
        var listener = pair[1].Tcp.Listen(0, 80).Listener!;
        TcpEchoWorkload.StartServer(w, listener);
        TcpConnectThroughDnat();
    }

    /// <summary>One op = one connection through the DNATed service address.</summary>
    [Benchmark(OperationsPerInvoke = Connections)]
    public int TcpConnectThroughDnat()
    {
        var ok = TcpEchoWorkload.RunConnections(_world, _client, _vip, Connections);
        // let TIME_WAIT and conntrack entries age out between iterations
        _world.Loop.RunFor(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1));
        return ok;
    }
}

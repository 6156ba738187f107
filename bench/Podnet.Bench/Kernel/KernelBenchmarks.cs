using BenchmarkDotNet.Attributes;
using Podnet.Kernel.Links;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Wire;
using Podnet.Bench.Shared;

namespace Podnet.Bench.Kernel;

/// <summary>
/// The emulated kernel's hot paths (issue 3's targets): bridged UDP between two namespaces, counted in
/// link hops (one frame put on one device's wire), and TCP connect + 100-byte request/response + close
/// across a bridge, counted in connections. Tracing is off. One thread, virtual time.
/// </summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private const int Datagrams = 4096;
    private const int Connections = 2048;

    private World _udpWorld = null!;
    private UdpSocket _udpClient = null!;
    private UdpSocket _udpServer = null!;
    private uint _udpDst;
    private readonly byte[] _payload = new byte[64];

    private World _tcpWorld = null!;
    private NetNamespace _tcpClient = null!;
    private uint _tcpDst;

    private static (World W, NetNamespace A, NetNamespace B) BridgedPair()
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
            pair[i] = ns;
        }
        return (w, pair[0], pair[1]);
    }

    [GlobalSetup(Target = nameof(BridgedUdpLinkHop))]
    public void SetupUdp()
    {
        var (w, a, b) = BridgedPair();
        _udpWorld = w;
        _udpServer = b.Udp.Bind(0, 5000).Socket!;
        _udpClient = a.Udp.Open();
        _udpDst = Ipv4Address.Parse("10.0.0.11");
        _udpClient.Connect(_udpDst, 5000);
        // Warm up ARP and the FDB.
        _udpClient.Send(_payload);
        w.Loop.RunUntilIdle(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        while (_udpServer.TryReceive(out _)) { }
    }

    /// <summary>One op = one link hop (each datagram crosses h0/eth0 and br0's port p1: 2 hops).</summary>
    [Benchmark(OperationsPerInvoke = Datagrams * 2)]
    public long BridgedUdpLinkHop()
    {
        long before = _udpWorld.LinkHops;
        for (int i = 0; i < Datagrams; i += 64)
        {
            for (int j = 0; j < 64; j++) _udpClient.Send(_payload);
            _udpWorld.Loop.RunUntilIdle(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
            while (_udpServer.TryReceive(out _)) { }
        }
        long hops = _udpWorld.LinkHops - before;
        if (hops != Datagrams * 2) throw new InvalidOperationException($"expected {Datagrams * 2} hops, saw {hops}");
        return hops;
    }

    [GlobalSetup(Target = nameof(TcpConnectRequestResponseClose))]
    public void SetupTcp()
    {
        var (w, a, b) = BridgedPair();
        _tcpWorld = w;
        _tcpClient = a;
        _tcpDst = Ipv4Address.Parse("10.0.0.11");
        var listener = b.Tcp.Listen(0, 80).Listener!;
        TcpEchoWorkload.StartServer(w, listener);
        TcpConnectRequestResponseClose();
    }

    /// <summary>One op = one connection: handshake, 100-byte request, 100-byte response, FIN both ways.</summary>
    [Benchmark(OperationsPerInvoke = Connections)]
    public int TcpConnectRequestResponseClose()
    {
        var ok = TcpEchoWorkload.RunConnections(_tcpWorld, _tcpClient, _tcpDst, Connections);
        _tcpWorld.Loop.RunUntilIdle(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        return ok;
    }
}

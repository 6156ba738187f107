using BenchmarkDotNet.Attributes;
using Podnet.Kernel.Netfilter;

namespace Podnet.Bench.Netfilter;

/// <summary>
/// Netfilter alone, without the stack: the 18 hook calls one TCP connection (handshake, request,
/// response, FIN both ways: 9 segments) makes in the server's namespace (PREROUTING + INPUT for what
/// arrives, OUTPUT + POSTROUTING for what leaves), with conntrack and no rules. One op = one connection;
/// virtual time advances 10 minutes after each batch so the entries expire and are swept.
/// </summary>
[MemoryDiagnoser]
public class NetfilterConnectionBenchmarks
{
    private const int Connections = 2048;
    private static readonly (bool In, byte Flags)[] Segments =
    [
        (true, 0x02), (false, 0x12), (true, 0x10), (true, 0x18), (false, 0x18), (false, 0x11), (true, 0x10), (true, 0x11), (false, 0x10),
    ];

    private ClockHost _host = null!;
    private Podnet.Kernel.Netfilter.Netfilter _nf = null!;
    private readonly NetfilterPacket _packet = new();
    private ushort _port = 1024;

    [GlobalSetup]
    public void Setup()
    {
        _host = new ClockHost();
        _nf = new Podnet.Kernel.Netfilter.Netfilter(_host, "server");
        Connections2048();
    }

    /// <summary>One op = the 18 hook calls of one connection.</summary>
    [Benchmark(OperationsPerInvoke = Connections)]
    public int Connections2048()
    {
        var p = _packet;
        for (int c = 0; c < Connections; c++)
        {
            _port = (ushort)(_port >= 60999 ? 1024 : _port + 1);
            foreach (var (arriving, flags) in Segments)
            {
                _host.Clock += TimeSpan.FromTicks(5);
                p.Protocol = 6;
                p.TcpFlags = flags;
                p.Length = 52;
                p.Ttl = 64;
                p.Conntrack = null;
                if (arriving)
                {
                    (p.Source, p.Destination, p.SourcePort, p.DestinationPort) = (0x0A00000A, 0x0A00000B, _port, (ushort)80);
                    (p.InInterface, p.OutInterface, p.LocallyGenerated) = ("eth0", null, false);
                }
                else
                {
                    (p.Source, p.Destination, p.SourcePort, p.DestinationPort) = (0x0A00000B, 0x0A00000A, (ushort)80, _port);
                    (p.InInterface, p.OutInterface, p.LocallyGenerated) = (null, "eth0", true);
                }
                if (_nf.Process(arriving ? NetfilterHook.Prerouting : NetfilterHook.Output, p).Kind != NetfilterVerdictKind.Accept
                    || _nf.Process(arriving ? NetfilterHook.Input : NetfilterHook.Postrouting, p).Kind != NetfilterVerdictKind.Accept)
                    throw new InvalidOperationException("a packet of the connection was dropped");
            }
        }
        _host.Clock += TimeSpan.FromMinutes(10);
        return Connections;
    }

    private sealed class ClockHost : INetfilterHost
    {
        public TimeSpan Clock;
        public bool IsLocalAddress(uint address) => address == 0x0A00000B;
        public AddressType GetAddressType(uint address) => address == 0x0A00000B ? AddressType.Local : AddressType.Unicast;
        public uint? MasqueradeAddress(string outInterface, uint destination) => 0x0A00000B;
        public TimeSpan Now => Clock;
        public Random Random { get; } = new(7);
    }
}

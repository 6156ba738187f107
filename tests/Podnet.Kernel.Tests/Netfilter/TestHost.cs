using System.Runtime.CompilerServices;
using Podnet.Kernel.Netfilter;
using Podnet.Kernel.Tracing;

namespace Podnet.Kernel.Tests.Netfilter;

/// <summary>A namespace stand-in for netfilter tests: local addresses, interface addresses, virtual time, seeded randomness.</summary>
internal sealed class TestHost : INetfilterHost
{
    public HashSet<uint> Local { get; } = new();
    public Dictionary<string, uint> InterfaceAddress { get; } = new();
    public TimeSpan Now { get; set; } = TimeSpan.FromSeconds(1000);
    public Random Random { get; set; } = new(42);

    public bool IsLocalAddress(uint address) => Local.Contains(address);

    public AddressType GetAddressType(uint address) =>
        Local.Contains(address) || (address >> 24) == 127 ? AddressType.Local
        : address == 0xFFFFFFFF ? AddressType.Broadcast
        : (address >> 28) == 0xE ? AddressType.Multicast
        : AddressType.Unicast;

    public uint? MasqueradeAddress(string outInterface, uint destination) =>
        InterfaceAddress.TryGetValue(outInterface, out var a) ? a : null;

    public static Podnet.Kernel.Netfilter.Netfilter Create(out TestHost host, params string[] local)
    {
        host = new TestHost();
        foreach (var l in local) host.Local.Add(Ip(l));
        return new Podnet.Kernel.Netfilter.Netfilter(host, "test");
    }

    public static uint Ip(string s)
    {
        var p = s.Split('.').Select(uint.Parse).ToArray();
        return (p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
    }

    public static string Ip(uint a) => $"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}";
}

/// <summary>Packet builders.</summary>
internal static class Pkt
{
    public const byte Syn = 0x02, Ack = 0x10, Fin = 0x01, Rst = 0x04, SynAck = 0x12, FinAck = 0x11;

    private static (uint, ushort) Ep(string s)
    {
        var c = s.LastIndexOf(':');
        return c < 0 ? (TestHost.Ip(s), (ushort)0) : (TestHost.Ip(s[..c]), ushort.Parse(s[(c + 1)..]));
    }

    public static NetfilterPacket Tcp(string src, string dst, byte flags, string? inIf = null, string? outIf = null)
    {
        var (s, sp) = Ep(src);
        var (d, dp) = Ep(dst);
        return new NetfilterPacket { Protocol = 6, Source = s, Destination = d, SourcePort = sp, DestinationPort = dp, TcpFlags = flags, Length = 60, Ttl = 64, InInterface = inIf, OutInterface = outIf };
    }

    public static NetfilterPacket Udp(string src, string dst, string? inIf = null, string? outIf = null)
    {
        var (s, sp) = Ep(src);
        var (d, dp) = Ep(dst);
        return new NetfilterPacket { Protocol = 17, Source = s, Destination = d, SourcePort = sp, DestinationPort = dp, Length = 40, Ttl = 64, InInterface = inIf, OutInterface = outIf };
    }

    public static NetfilterPacket Ping(string src, string dst, ushort id, bool reply = false)
    {
        return new NetfilterPacket { Protocol = 1, Source = TestHost.Ip(src), Destination = TestHost.Ip(dst), IcmpType = (byte)(reply ? 0 : 8), IcmpId = id, Length = 84, Ttl = 64 };
    }

    public static string Src(this NetfilterPacket p) => TestHost.Ip(p.Source) + ":" + p.SourcePort;
    public static string Dst(this NetfilterPacket p) => TestHost.Ip(p.Destination) + ":" + p.DestinationPort;

    /// <summary>Runs a forwarded packet through PREROUTING, FORWARD, POSTROUTING; stops at the first non-accept.</summary>
    public static NetfilterVerdict Forward(this Podnet.Kernel.Netfilter.Netfilter nf, NetfilterPacket p)
    {
        foreach (var h in new[] { NetfilterHook.Prerouting, NetfilterHook.Forward, NetfilterHook.Postrouting })
        {
            var v = nf.Process(h, p);
            if (v.Kind != NetfilterVerdictKind.Accept) return v;
        }
        return NetfilterVerdict.Accept;
    }

    /// <summary>A locally delivered packet: PREROUTING, INPUT.</summary>
    public static NetfilterVerdict Deliver(this Podnet.Kernel.Netfilter.Netfilter nf, NetfilterPacket p)
    {
        var v = nf.Process(NetfilterHook.Prerouting, p);
        return v.Kind != NetfilterVerdictKind.Accept ? v : nf.Process(NetfilterHook.Input, p);
    }

    /// <summary>A locally generated packet: OUTPUT, POSTROUTING.</summary>
    public static NetfilterVerdict Send(this Podnet.Kernel.Netfilter.Netfilter nf, NetfilterPacket p)
    {
        p.LocallyGenerated = true;
        var v = nf.Process(NetfilterHook.Output, p);
        return v.Kind != NetfilterVerdictKind.Accept ? v : nf.Process(NetfilterHook.Postrouting, p);
    }
}

/// <summary>Collects trace steps.</summary>
internal sealed class ListTrace : ITraceSink
{
    public List<TraceStep> Steps { get; } = new();
    public void Add(TraceStep step) => Steps.Add(step);
}

/// <summary>Golden files next to the test sources.</summary>
internal static class Golden
{
    public static string Dir([CallerFilePath] string file = "") => Path.Combine(Path.GetDirectoryName(file)!, "Golden");
    public static string Read(string name) => File.ReadAllText(Path.Combine(Dir(), name));
}

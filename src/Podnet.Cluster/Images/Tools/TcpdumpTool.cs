using System.Buffers.Binary;
using System.Globalization;
using Podnet.Kernel.Links;
using Podnet.Kernel.Tracing;
using Podnet.Kernel.Wire;

namespace Podnet.Cluster.Images.Tools;

/// <summary>
/// <c>tcpdump [-i IF|any] [-c N] [-n|-nn] [-l] [-q] [--time S] [EXPRESSION]</c>: captures what crosses
/// a device of the namespace while the command runs (in virtual time), one line per packet in
/// tcpdump's <c>-n -S</c> form, with tcpdump's banner and closing counts on stderr. The filter
/// language covers the pcap-filter primitives people type on a node: <c>host/src/dst A</c>,
/// <c>net CIDR</c>, <c>port/src port/dst port N</c>, <c>tcp</c>, <c>udp</c>, <c>icmp</c>, <c>arp</c>,
/// <c>ip</c>, joined with <c>and</c>/<c>&amp;&amp;</c>, <c>or</c>/<c>||</c>, <c>not</c>/<c>!</c> and
/// parentheses. Without <c>-c</c> a real tcpdump runs until interrupted; here the capture ends
/// after <c>--time</c> seconds of virtual time (default 30).
/// </summary>
public static class TcpdumpTool
{
    /// <summary>Runs tcpdump; returns its exit code.</summary>
    public static async Task<int> RunAsync(ToolContext ctx, IReadOnlyList<string> args)
    {
        string? iface = null;
        int count = int.MaxValue;
        double seconds = 30;
        var expr = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            var a = args[i];
            string Next()
            {
                if (i + 1 >= args.Count) throw new ArgumentException($"option requires an argument -- '{a.TrimStart('-')}'");
                return args[++i];
            }
            try
            {
                switch (a)
                {
                    case "-i" or "--interface": iface = Next(); break;
                    case "-c": count = int.Parse(Next(), NumberStyles.None, CultureInfo.InvariantCulture); break;
                    case "--time": seconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "-n" or "-nn" or "-l" or "-q" or "-S" or "-nnS" or "-nS": break; // output is always numeric, absolute sequence numbers, line-buffered
                    default:
                        if (a.StartsWith("-i", StringComparison.Ordinal) && a.Length > 2) { iface = a[2..]; break; }
                        if (a.StartsWith("-c", StringComparison.Ordinal) && a.Length > 2 && int.TryParse(a[2..], out var n)) { count = n; break; }
                        if (a.StartsWith('-') && a.Length > 1 && expr.Count == 0)
                        {
                            ctx.Err.Append($"tcpdump: invalid option -- '{a.TrimStart('-')}'\nUsage: tcpdump [-i interface] [-c count] [-n] [ expression ]\n");
                            return 1;
                        }
                        expr.Add(a);
                        break;
                }
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
                ctx.Err.Append("tcpdump: " + (e is ArgumentException ? e.Message : "invalid packet count " + a) + "\n");
                return 1;
            }
        }
        var ns = ctx.Process.Namespace;
        var devices = new List<NetDevice>();
        if (iface is null or "any")
        {
            if (iface is null)
            {
                var first = ns.Devices.FirstOrDefault(d => d.IsUp && d.Name != "lo");
                if (first is null)
                {
                    ctx.Err.Append("tcpdump: no suitable device found\n");
                    return 1;
                }
                devices.Add(first);
            }
            else devices.AddRange(ns.Devices.Where(d => d.IsUp));
        }
        else
        {
            var dev = ns.Devices.FirstOrDefault(d => d.Name == iface);
            if (dev is null)
            {
                ctx.Err.Append($"tcpdump: {iface}: No such device exists\n(No such device exists)\n");
                return 1;
            }
            if (!dev.IsUp)
            {
                ctx.Err.Append($"tcpdump: {iface}: That device is not up\n");
                return 1;
            }
            devices.Add(dev);
        }
        Func<ReadOnlySpan<byte>, bool> filter;
        try
        {
            filter = expr.Count == 0 ? static _ => true : new FilterParser(string.Join(' ', expr)).Parse();
        }
        catch (FormatException e)
        {
            ctx.Err.Append("tcpdump: " + e.Message + "\n");
            return 1;
        }
        var name = iface ?? devices[0].Name;
        ctx.Err.Append("tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n");
        ctx.Err.Append(name == "any"
            ? "listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes\n"
            : $"listening on {name}, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n");
        var tap = new Tap(filter, count, ctx);
        foreach (var d in devices) d.AddTap(tap);
        try
        {
            // Not Task.WhenAny: its continuation would leave the event loop's thread.
            _ = Deadline(ctx, tap, TimeSpan.FromSeconds(seconds));
            await tap.Done.Task;
        }
        finally
        {
            foreach (var d in devices) d.RemoveTap(tap);
        }
        var captured = tap.Captured.ToString(CultureInfo.InvariantCulture);
        ctx.Err.Append($"{captured} packet{(tap.Captured == 1 ? "" : "s")} captured\n{tap.Seen.ToString(CultureInfo.InvariantCulture)} packet{(tap.Seen == 1 ? "" : "s")} received by filter\n0 packets dropped by kernel\n");
        return 0;
    }

    private static async Task Deadline(ToolContext ctx, Tap tap, TimeSpan after)
    {
        await ctx.Process.Loop.Delay(after);
        tap.Done.TrySetResult();
    }

    private sealed class Tap(Func<ReadOnlySpan<byte>, bool> filter, int limit, ToolContext ctx) : ICaptureTap
    {
        public readonly TaskCompletionSource Done = new();
        public int Captured;
        public int Seen;

        public void Capture(NetDevice device, Frame frame, bool outgoing)
        {
            if (Captured >= limit) return;
            var span = frame.Data.AsSpan(0, frame.Length);
            if (!filter(span)) return;
            Seen++;
            Captured++;
            // time of day as tcpdump prints it: the emulation's wall clock (epoch + virtual time)
            ctx.Out.Append(Tcpdump.Format(span, ctx.Process.Epoch.UtcDateTime.TimeOfDay + device.Namespace.World.Loop.Now)).Append('\n');
            if (Captured >= limit) Done.TrySetResult();
        }
    }

    /// <summary>A recursive-descent parser of the pcap-filter subset, producing a predicate over Ethernet frames.</summary>
    private sealed class FilterParser(string text)
    {
        private readonly List<string> _tokens = Tokenize(text);
        private int _pos;

        private static List<string> Tokenize(string s)
        {
            var list = new List<string>();
            int i = 0;
            while (i < s.Length)
            {
                if (char.IsWhiteSpace(s[i])) { i++; continue; }
                if (s[i] is '(' or ')' or '!') { list.Add(s[i].ToString()); i++; continue; }
                if (i + 1 < s.Length && (s.Substring(i, 2) is "&&" or "||")) { list.Add(s.Substring(i, 2)); i += 2; continue; }
                int start = i;
                while (i < s.Length && !char.IsWhiteSpace(s[i]) && s[i] is not '(' and not ')') i++;
                list.Add(s[start..i]);
            }
            return list;
        }

        private string? Peek => _pos < _tokens.Count ? _tokens[_pos] : null;

        private string Take() => _pos < _tokens.Count ? _tokens[_pos++] : throw new FormatException("syntax error in filter expression: unexpected end");

        public Func<ReadOnlySpan<byte>, bool> Parse()
        {
            var f = Or();
            if (Peek is { } t) throw new FormatException($"syntax error in filter expression: syntax error near '{t}'");
            return f;
        }

        private Func<ReadOnlySpan<byte>, bool> Or()
        {
            var left = And();
            while (Peek is "or" or "||")
            {
                Take();
                var l = left;
                var r = And();
                left = p => l(p) || r(p);
            }
            return left;
        }

        private Func<ReadOnlySpan<byte>, bool> And()
        {
            var left = Not();
            while (Peek is "and" or "&&" || (Peek is { } t && t is not ("or" or "||" or ")")))
            {
                if (Peek is "and" or "&&") Take();
                var l = left;
                var r = Not();
                left = p => l(p) && r(p);
            }
            return left;
        }

        private Func<ReadOnlySpan<byte>, bool> Not()
        {
            if (Peek is "not" or "!")
            {
                Take();
                var inner = Not();
                return p => !inner(p);
            }
            if (Peek == "(")
            {
                Take();
                var inner = Or();
                if (Take() != ")") throw new FormatException("syntax error in filter expression: missing ')'");
                return inner;
            }
            return Primitive();
        }

        private Func<ReadOnlySpan<byte>, bool> Primitive()
        {
            var t = Take();
            string? dir = null;
            if (t is "src" or "dst")
            {
                dir = t;
                t = Take();
            }
            switch (t)
            {
                case "tcp": return p => Proto(p) == IpProtocol.Tcp;
                case "udp": return p => Proto(p) == IpProtocol.Udp;
                case "icmp": return p => Proto(p) == IpProtocol.Icmp;
                case "ip": return p => EtherTypeOf(p) == EtherType.Ipv4;
                case "arp": return p => EtherTypeOf(p) == EtherType.Arp;
                case "host":
                    {
                        var a = Address(Take());
                        return p => Addresses(p) is { } x && (dir == "src" ? x.Src == a : dir == "dst" ? x.Dst == a : x.Src == a || x.Dst == a);
                    }
                case "net":
                    {
                        var net = Take();
                        if (!Ipv4Prefix.TryParse(net, out var prefix)) throw new FormatException($"syntax error in filter expression: bad net '{net}'");
                        return p => Addresses(p) is { } x && (dir == "src" ? prefix.Contains(x.Src) : dir == "dst" ? prefix.Contains(x.Dst) : prefix.Contains(x.Src) || prefix.Contains(x.Dst));
                    }
                case "port":
                    {
                        var raw = Take();
                        if (!ushort.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var port)) throw new FormatException($"syntax error in filter expression: bad port '{raw}'");
                        return p => Ports(p) is { } x && (dir == "src" ? x.Src == port : dir == "dst" ? x.Dst == port : x.Src == port || x.Dst == port);
                    }
                default:
                    if (dir is not null && Ipv4Address.TryParse(t, out var bare))
                    {
                        return p => Addresses(p) is { } x && (dir == "src" ? x.Src == bare : x.Dst == bare);
                    }
                    throw new FormatException($"syntax error in filter expression: syntax error near '{t}'");
            }
        }

        private static uint Address(string s) =>
            Ipv4Address.TryParse(s, out var a) ? a : throw new FormatException($"syntax error in filter expression: unknown host '{s}'");

        private static ushort EtherTypeOf(ReadOnlySpan<byte> f) => EthernetHeader.TryParse(f, out var eth) ? eth.EtherType : (ushort)0;

        private static bool Ip(ReadOnlySpan<byte> f, out Ipv4Header ip)
        {
            ip = default;
            return EthernetHeader.TryParse(f, out var eth) && eth.EtherType == EtherType.Ipv4 && Ipv4Header.TryParse(f[EthernetHeader.Size..], out ip, out _);
        }

        private static int Proto(ReadOnlySpan<byte> f) => Ip(f, out var ip) ? ip.Protocol : -1;

        private static (uint Src, uint Dst)? Addresses(ReadOnlySpan<byte> f)
        {
            if (Ip(f, out var ip)) return (ip.Source, ip.Destination);
            if (EthernetHeader.TryParse(f, out var eth) && eth.EtherType == EtherType.Arp && ArpPacket.TryParse(f[EthernetHeader.Size..], out var arp)) return (arp.SenderIp, arp.TargetIp);
            return null;
        }

        private static (ushort Src, ushort Dst)? Ports(ReadOnlySpan<byte> f)
        {
            if (!Ip(f, out var ip) || ip.Protocol is not (IpProtocol.Tcp or IpProtocol.Udp)) return null;
            var l4 = f[(EthernetHeader.Size + ip.HeaderLength)..];
            if (l4.Length < 4) return null;
            return (BinaryPrimitives.ReadUInt16BigEndian(l4), BinaryPrimitives.ReadUInt16BigEndian(l4[2..]));
        }
    }
}

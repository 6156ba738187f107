using Podnet.Kernel.Netfilter.Conntrack;
using Podnet.Kernel.Tracing;

namespace Podnet.Kernel.Netfilter.Ipvs;

/// <summary>
/// A namespace's IPVS (ip_vs): virtual services, real servers, schedulers (rr, wrr, lc, wlc, sh),
/// persistence templates and its own connection table. Forwarding is masquerading (NAT): a request to
/// a virtual service is rewritten at INPUT (or OUTPUT for local clients) to the chosen real server, so
/// the stack routes it out; replies are rewritten back to the virtual address at FORWARD / INPUT.
/// The conntrack entry's reply tuple is updated (net.ipv4.vs.conntrack=1) so replies are ESTABLISHED.
/// </summary>
public sealed class IpvsTable
{
    private readonly Netfilter _nf;
    internal readonly List<IpvsService> Services = new();
    private readonly Dictionary<(byte, uint, ushort), IpvsService> _byVip = new();
    private readonly Dictionary<(byte, uint, ushort, uint, ushort), IpvsConnection> _byClient = new();
    private readonly Dictionary<(byte, uint, ushort, uint, ushort), IpvsConnection> _byServer = new();
    private readonly Dictionary<(uint, uint, ushort, byte), (IpvsRealServer Server, TimeSpan Expires)> _templates = new();

    /// <summary>IPVS timeouts (<c>ipvsadm --set tcp tcpfin udp</c>): 900 s, 120 s, 300 s by default.</summary>
    public TimeSpan TcpTimeout { get; set; } = TimeSpan.FromSeconds(900);
    public TimeSpan TcpFinTimeout { get; set; } = TimeSpan.FromSeconds(120);
    public TimeSpan UdpTimeout { get; set; } = TimeSpan.FromSeconds(300);
    private static readonly TimeSpan SynRecvTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(10);

    internal IpvsTable(Netfilter nf) => _nf = nf;

    internal TimeSpan Now => _nf.Host.Now;

    public IReadOnlyList<IpvsService> VirtualServices => Services;

    public IpvsService? Find(byte proto, uint addr, ushort port) => _byVip.GetValueOrDefault((proto, addr, port));

    /// <summary>Live connections (expired ones are removed).</summary>
    public IReadOnlyList<IpvsConnection> Connections()
    {
        Expire(_nf.Host.Now);
        return _byClient.Values.ToList();
    }

    internal IpvsService AddService(byte proto, uint addr, ushort port, string scheduler, TimeSpan? persistent)
    {
        if (_byVip.ContainsKey((proto, addr, port))) throw new IpvsException("Service already exists");
        var s = new IpvsService(proto, addr, port, scheduler) { Persistent = persistent };
        Services.Add(s);
        _byVip[(proto, addr, port)] = s;
        _nf.Invalidate();
        return s;
    }

    internal void RemoveService(IpvsService s)
    {
        Services.Remove(s);
        _byVip.Remove((s.Protocol, s.Address, s.Port));
        foreach (var c in _byClient.Values.Where(c => c.VirtualAddress == s.Address && c.VirtualPort == s.Port && c.Protocol == s.Protocol).ToList()) Drop(c);
    }

    internal void Clear()
    {
        Services.Clear();
        _byVip.Clear();
        _byClient.Clear();
        _byServer.Clear();
        _templates.Clear();
    }

    internal void RemoveServer(IpvsService s, IpvsRealServer r)
    {
        s.Servers.Remove(r);
        s.ShTable = null;
        foreach (var c in _byClient.Values.Where(c => ReferenceEquals(c.Server, r)).ToList()) Drop(c);
    }

    private void Drop(IpvsConnection c)
    {
        _byClient.Remove((c.Protocol, c.Client, c.ClientPort, c.VirtualAddress, c.VirtualPort));
        _byServer.Remove((c.Protocol, c.Server.Address, c.Server.Port, c.Client, c.ClientPort));
        if (c.Active) c.Server.ActiveConnections--; else c.Server.InactiveConnections--;
    }

    private void Expire(TimeSpan now)
    {
        foreach (var c in _byClient.Values.Where(c => c.Expires <= now).ToList()) Drop(c);
        foreach (var k in _templates.Where(t => t.Value.Expires <= now).Select(t => t.Key).ToList()) _templates.Remove(k);
    }

    internal IEnumerable<HookFunction> HookFunctions()
    {
        if (Services.Count == 0) yield break;
        // ip_vs_ops4: reply and request handlers at LOCAL_IN, LOCAL_OUT and FORWARD
        yield return new ReplyFunction(this, NetfilterHook.Input, 98);
        yield return new RequestFunction(this, NetfilterHook.Input, 99);
        yield return new ReplyFunction(this, NetfilterHook.Output, -99);
        yield return new RequestFunction(this, NetfilterHook.Output, -98);
        yield return new ReplyFunction(this, NetfilterHook.Forward, 100);
    }

    private sealed class RequestFunction(IpvsTable t, NetfilterHook hook, int prio) : HookFunction(hook, prio)
    {
        public override NetfilterVerdict Run(PacketContext ctx) => t.Request(ctx);
    }

    private sealed class ReplyFunction(IpvsTable t, NetfilterHook hook, int prio) : HookFunction(hook, prio)
    {
        public override NetfilterVerdict Run(PacketContext ctx) => t.Reply(ctx);
    }

    private NetfilterVerdict Request(PacketContext ctx)
    {
        var p = ctx.Packet;
        if (p.Protocol is not (6 or 17)) return NetfilterVerdict.Accept;
        var now = ctx.Now;
        var key = (p.Protocol, p.Source, p.SourcePort, p.Destination, p.DestinationPort);
        if (!_byClient.TryGetValue(key, out var c) || c.Expires <= now)
        {
            if (c is not null) Drop(c);
            if (!_byVip.TryGetValue((p.Protocol, p.Destination, p.DestinationPort), out var svc)) return NetfilterVerdict.Accept;
            // a TCP connection is only scheduled on its SYN
            if (p.Protocol == 6 && (p.TcpFlags & 0x12) != 0x02) return NetfilterVerdict.Accept;
            var rs = Schedule(svc, p, now);
            if (rs is null)
            {
                if (p.Trace is { } t0) _nf.Trace(t0, p, TraceStepKind.Ipvs, $"IPVS {Proto(svc.Protocol)} {Ipv4.Format(svc.Address)}:{svc.Port}: no destination available");
                return NetfilterVerdict.Reject(RejectWith.IcmpPortUnreachable);
            }
            c = new IpvsConnection(p.Protocol, p.Source, p.SourcePort, p.Destination, p.DestinationPort, rs);
            _byClient[key] = c;
            _byServer[(p.Protocol, rs.Address, rs.Port, p.Source, p.SourcePort)] = c;
            rs.InactiveConnections++;
            if (p.Trace is { } t1)
                _nf.Trace(t1, p, TraceStepKind.Ipvs, $"IPVS {Proto(svc.Protocol)} {Ipv4.Format(svc.Address)}:{svc.Port} {svc.Scheduler} -> {Ipv4.Format(rs.Address)}:{rs.Port}");
        }
        UpdateState(c, p, fromClient: true, now);
        if (ctx.Ct.Entry is { } e)
        {
            e.IpvsVirtual = (c.VirtualAddress, c.VirtualPort, c.Protocol);
            if (!e.Confirmed) e.Reply = e.Reply with { Source = c.Server.Address, SourcePort = c.Server.Port };
        }
        p.Destination = c.Server.Address;
        p.DestinationPort = c.Server.Port;
        // ip_vs_nat_xmit sends the packet on itself (NF_STOLEN): the rest of INPUT does not see it
        if (ctx.Hook == NetfilterHook.Input) ctx.Stolen = true;
        return NetfilterVerdict.Accept;
    }

    private NetfilterVerdict Reply(PacketContext ctx)
    {
        var p = ctx.Packet;
        if (p.Protocol is not (6 or 17) || _byServer.Count == 0) return NetfilterVerdict.Accept;
        if (!_byServer.TryGetValue((p.Protocol, p.Source, p.SourcePort, p.Destination, p.DestinationPort), out var c)) return NetfilterVerdict.Accept;
        UpdateState(c, p, fromClient: false, ctx.Now);
        p.Source = c.VirtualAddress;
        p.SourcePort = c.VirtualPort;
        if (p.Trace is { } t) _nf.Trace(t, p, TraceStepKind.Ipvs, $"IPVS reply src -> {Ipv4.Format(c.VirtualAddress)}:{c.VirtualPort}");
        return NetfilterVerdict.Accept;
    }

    private void UpdateState(IpvsConnection c, NetfilterPacket p, bool fromClient, TimeSpan now)
    {
        string s = c.State;
        if (p.Protocol == 17)
        {
            s = "UDP";
            c.Expires = now + UdpTimeout;
        }
        else
        {
            var f = p.TcpFlags;
            if ((f & 0x04) != 0) s = "CLOSE";
            else if ((f & 0x02) != 0 && fromClient) s = "SYN_RECV";
            else if ((f & 0x01) != 0) s = "FIN_WAIT";
            else if ((f & 0x10) != 0 && s is "SYN_RECV" or "NONE") s = "ESTABLISHED";
            c.Expires = now + s switch
            {
                "ESTABLISHED" => TcpTimeout,
                "SYN_RECV" => SynRecvTimeout,
                "FIN_WAIT" => TcpFinTimeout,
                _ => CloseTimeout,
            };
        }
        bool active = s == "ESTABLISHED";
        if (active != c.Active)
        {
            if (active) { c.Server.ActiveConnections++; c.Server.InactiveConnections--; }
            else { c.Server.ActiveConnections--; c.Server.InactiveConnections++; }
            c.Active = active;
        }
        c.State = s;
    }

    private IpvsRealServer? Schedule(IpvsService svc, NetfilterPacket p, TimeSpan now)
    {
        if (svc.Persistent is { } pt)
        {
            var tk = (p.Source, svc.Address, svc.Port, svc.Protocol);
            if (_templates.TryGetValue(tk, out var tpl) && tpl.Expires > now && tpl.Server.Weight > 0 && svc.Servers.Contains(tpl.Server))
            {
                _templates[tk] = (tpl.Server, now + pt);
                return tpl.Server;
            }
            var chosen = Pick(svc, p);
            if (chosen is not null) _templates[tk] = (chosen, now + pt);
            return chosen;
        }
        return Pick(svc, p);
    }

    private static IpvsRealServer? Pick(IpvsService svc, NetfilterPacket p)
    {
        var list = svc.Servers;
        if (!list.Any(r => r.Weight > 0)) return null;
        switch (svc.Scheduler)
        {
            case "rr":
                for (int k = 0; k < list.Count; k++)
                {
                    svc.RrIndex = (svc.RrIndex + 1) % list.Count;
                    if (list[svc.RrIndex].Weight > 0) return list[svc.RrIndex];
                }
                return null;
            case "wrr":
            {
                int max = list.Max(r => r.Weight);
                int gcd = list.Where(r => r.Weight > 0).Select(r => r.Weight).Aggregate(Gcd);
                while (true)
                {
                    svc.RrIndex = (svc.RrIndex + 1) % list.Count;
                    if (svc.RrIndex == 0)
                    {
                        svc.WrrCurrentWeight -= gcd;
                        if (svc.WrrCurrentWeight <= 0) svc.WrrCurrentWeight = max;
                    }
                    if (list[svc.RrIndex].Weight >= svc.WrrCurrentWeight) return list[svc.RrIndex];
                }
            }
            case "lc":
                return list.Where(r => r.Weight > 0).MinBy(r => r.ActiveConnections * 256 + r.InactiveConnections);
            case "wlc":
                return list.Where(r => r.Weight > 0).MinBy(r => (double)(r.ActiveConnections * 256 + r.InactiveConnections) / r.Weight);
            default: // sh
            {
                if (svc.ShTable is null)
                {
                    // ip_vs_sh_reassign: 256 buckets filled round-robin, each server repeated by its weight
                    var table = new IpvsRealServer?[256];
                    var live = list.Where(r => r.Weight > 0).ToList();
                    int idx = 0, rep = 0;
                    for (int b = 0; b < 256; b++)
                    {
                        table[b] = live[idx];
                        if (++rep >= live[idx].Weight) { rep = 0; idx = (idx + 1) % live.Count; }
                    }
                    svc.ShTable = table;
                }
                uint h = (uint)((p.Source * 2654435761UL) >> 24) & 255;
                return svc.ShTable[h];
            }
        }
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    internal static string Proto(byte p) => p == 6 ? "TCP" : p == 17 ? "UDP" : "SCTP";
}

/// <summary>An ipvsadm error message.</summary>
internal sealed class IpvsException(string message) : Exception(message);

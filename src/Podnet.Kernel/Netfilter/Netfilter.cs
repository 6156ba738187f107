using System.Globalization;
using Podnet.Kernel.Netfilter.Conntrack;
using Podnet.Kernel.Netfilter.Iptables;
using Podnet.Kernel.Netfilter.Ipset;
using Podnet.Kernel.Netfilter.Ipvs;
using Podnet.Kernel.Netfilter.Nftables;
using Podnet.Kernel.Tracing;

namespace Podnet.Kernel.Netfilter;

/// <summary>
/// One network namespace's netfilter (Linux <c>net->nf</c> with nf_tables, x_tables, nf_conntrack,
/// nf_nat, ip_vs and ip_set): hooks with iptables tables and nftables base chains in priority order,
/// conntrack with NAT bindings, IPVS, ipsets, and the user-space tools that program them
/// (<c>iptables-restore</c>, <c>iptables-save</c>, <c>iptables</c>, <c>nft</c>, <c>ipset</c>,
/// <c>ipvsadm</c>, <c>conntrack</c>).
/// </summary>
public sealed class Netfilter : INetfilter
{
    private readonly PacketContext _ctx;
    // per hook, the functions in priority order with what each is (read once at rebuild, not per
    // packet), so that the kernel's own functions are called directly and NAT chains are recognised
    // without a virtual call
    private HookSlot[][] _hooks = new HookSlot[5][];
    // bit h set when hook h has functions (read on every hook call, so kept beside the lists)
    private int _hookMask;

    private readonly record struct HookSlot(FunctionKind Kind, HookFunction Function);

    private enum FunctionKind : byte
    {
        Rules,
        NatRules,
        ConntrackIn,
        NatManipDestination,
        NatManipSource,
        Confirm,
    }
    private bool _dirty = true;

    /// <param name="host">The namespace this netfilter belongs to.</param>
    /// <param name="namespaceName">The namespace's name, written into trace steps.</param>
    public Netfilter(INetfilterHost host, string namespaceName = "")
    {
        Host = host;
        NamespaceName = namespaceName;
        _ctx = new PacketContext(this);
        Conntrack = new ConntrackTable();
        Ipsets = new IpsetRegistry();
        Iptables = new IptablesState(this);
        Nftables = new NftRuleset(this);
        Ipvs = new IpvsTable(this);
        Recent = new RecentLists();
    }

    public INetfilterHost Host { get; }
    public string NamespaceName { get; }
    public ConntrackTable Conntrack { get; }
    /// <summary>The ip_set sets of this namespace.</summary>
    public IpsetRegistry Ipsets { get; }
    /// <summary>The x_tables (iptables) tables.</summary>
    public IptablesState Iptables { get; }
    /// <summary>The nf_tables ruleset.</summary>
    public NftRuleset Nftables { get; }
    /// <summary>The IPVS virtual services and connections.</summary>
    public IpvsTable Ipvs { get; }
    internal RecentLists Recent { get; }

    /// <summary>
    /// Whether nf_conntrack is available at all (a kernel without it would say false). Even then a
    /// namespace tracks connections only while its ruleset needs it (<see cref="Tracking"/>).
    /// </summary>
    public bool ConntrackEnabled
    {
        get => _conntrackEnabled;
        set
        {
            _conntrackEnabled = value;
            _dirty = true;
        }
    }
    private bool _conntrackEnabled = true;

    /// <summary>
    /// Whether conntrack's hooks (and NAT's, which work on its entries) run in this namespace. As in
    /// Linux since 4.10, they are registered per namespace only while something needs them
    /// (nf_ct_netns_get): an iptables rule with a conntrack or state match or a NAT or CONNMARK
    /// target, an nft expression reading or binding conntrack (ct, dnat, snat, masquerade), or IPVS
    /// virtual services (treated as IPVS with vs/conntrack=1). A namespace with none of
    /// these (one with no rules, only plain filter rules, or nat chains that do no NAT) tracks
    /// nothing new, and what it tracked before stays until it times out; the differential test
    /// <c>ConntrackRunsOnlyWhereTheRulesNeedIt</c> checks this against the real kernel.
    /// </summary>
    public bool Tracking
    {
        get
        {
            if (_dirty) Rebuild();
            return _tracking;
        }
    }
    private bool _tracking;

    internal void Invalidate() => _dirty = true;

    private void Rebuild()
    {
        var lists = new List<HookFunction>[5];
        for (int i = 0; i < 5; i++) lists[i] = new List<HookFunction>();
        void Add(HookFunction f) => lists[(int)f.Hook].Add(f);
        _tracking = _conntrackEnabled && (Iptables.NeedsConntrack() || Nftables.NeedsConntrack() || Ipvs.Services.Count > 0);
        if (_tracking)
        {
            foreach (var h in new[] { NetfilterHook.Prerouting, NetfilterHook.Output })
            {
                Add(new ConntrackInFunction(h));
                Add(new NatManipFunction(h, -100, destination: true));
            }
            foreach (var h in new[] { NetfilterHook.Postrouting, NetfilterHook.Input })
            {
                Add(new NatManipFunction(h, 100, destination: false));
                Add(new ConfirmFunction(h));
            }
        }
        foreach (var f in Iptables.HookFunctions()) Add(f);
        foreach (var f in Nftables.HookFunctions()) Add(f);
        foreach (var f in Ipvs.HookFunctions()) Add(f);
        var arr = new HookSlot[5][];
        for (int i = 0; i < 5; i++)
        {
            // stable: priority, then tiebreak, then registration order
            arr[i] = lists[i].Select((f, idx) => (f, idx)).OrderBy(x => x.f.Priority).ThenBy(x => x.f.Tiebreak).ThenBy(x => x.idx)
                .Select(x => new HookSlot(x.f switch
                {
                    ConntrackInFunction => FunctionKind.ConntrackIn,
                    NatManipFunction { Destination: true } => FunctionKind.NatManipDestination,
                    NatManipFunction => FunctionKind.NatManipSource,
                    ConfirmFunction => FunctionKind.Confirm,
                    _ => x.f.IsNat ? FunctionKind.NatRules : FunctionKind.Rules,
                }, x.f)).ToArray();
        }
        _hooks = arr;
        int mask = 0;
        for (int i = 0; i < 5; i++)
            if (arr[i].Length != 0) mask |= 1 << i;
        _hookMask = mask;
        _dirty = false;
    }

    /// <summary>
    /// Whether any function is registered at <paramref name="hook"/>. The stack skips a hook without
    /// any (building no view of the packet), as NF_HOOK does in Linux when the hook has no entries.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal bool HasFunctions(NetfilterHook hook) => !_dirty ? (_hookMask & (1 << (int)hook)) != 0 : HasFunctionsAfterRebuild(hook);

    private bool HasFunctionsAfterRebuild(NetfilterHook hook)
    {
        Rebuild();
        return _hooks[(int)hook].Length != 0;
    }

    /// <summary>Runs every function registered at <paramref name="hook"/> over the packet, in priority order.</summary>
    public NetfilterVerdict Process(NetfilterHook hook, NetfilterPacket packet)
    {
        var nfct = packet.Conntrack;
        var v = Process(hook, packet, Host.Now, ref nfct);
        if (!ReferenceEquals(nfct, packet.Conntrack)) packet.Conntrack = nfct;
        return v;
    }

    /// <summary>
    /// <see cref="Process(NetfilterHook, NetfilterPacket)"/> at the virtual time <paramref name="now"/>,
    /// with the packet's conntrack attachment (skb->_nfct) passed beside the view instead of in
    /// <see cref="NetfilterPacket.Conntrack"/>: the stack hands over its frame's and gets the new one
    /// back, so the per-hook view is not written (each reference store is a GC write barrier).
    /// </summary>
    internal NetfilterVerdict Process(NetfilterHook hook, NetfilterPacket packet, TimeSpan now, ref object? nfct)
    {
        if (_dirty) Rebuild();
        var ctx = _ctx;
        // the stack passes the same view hook after hook: skip the reference store (a GC write barrier)
        if (!ReferenceEquals(ctx.Packet, packet)) ctx.Packet = packet;
        ctx.Hook = hook;
        ctx.Now = now;
        ctx.NatBound = false;
        ctx.Stolen = false;
        bool entryHook = hook is NetfilterHook.Prerouting or NetfilterHook.Output;
        var carried = nfct as ConntrackRef;
        ConntrackRef ct;
        if (entryHook)
        {
            // a looped-back packet keeps its entry (skb->_nfct survives loopback)
            if (carried is not null && carried.Entry is { } kept && kept.Table == Conntrack && kept.Confirmed && packet.InInterface == "lo")
            {
                ct = carried;
                ctx.Tracked = true;
            }
            else
            {
                ct = ConntrackRef.Invalid;
                ctx.Tracked = false;
                nfct = null;
            }
        }
        else
        {
            ctx.Tracked = true;
            if (carried is not null && (carried.Entry is null || carried.Entry.Table == Conntrack)) ct = carried;
            else if (_tracking)
            {
                ct = Conntrack.Track(packet, now);
                nfct = ct;
            }
            else ct = ConntrackRef.Invalid; // no conntrack hooks here: the packet carries nothing
        }
        if (!ReferenceEquals(ctx.Ct, ct)) ctx.Ct = ct;

        var fns = _hooks[(int)hook];
        for (int i = 0; i < fns.Length; i++)
        {
            ref readonly var slot = ref fns[i];
            NetfilterVerdict v;
            switch (slot.Kind)
            {
                case FunctionKind.ConntrackIn:
                    if (!ctx.Tracked)
                    {
                        ConntrackInFunction.Track(ctx);
                        nfct = ctx.Ct;
                    }
                    continue;
                case FunctionKind.NatManipDestination:
                    NatManipFunction.Manip(ctx, destination: true);
                    continue;
                case FunctionKind.NatManipSource:
                    NatManipFunction.Manip(ctx, destination: false);
                    continue;
                case FunctionKind.Confirm:
                    ConfirmFunction.ConfirmIfNew(ctx, hook);
                    continue;
                case FunctionKind.NatRules:
                    {
                        // NAT chains see only a connection's first packet, until one of them binds
                        var e = ctx.Ct.Entry;
                        if (e is null || e.Confirmed || ctx.Ct.Related || ctx.NatBound) continue;
                        if (entryHook ? e.DestinationNatDone : e.SourceNatDone) continue;
                        v = slot.Function.Run(ctx);
                        break;
                    }
                default:
                    v = slot.Function.Run(ctx);
                    break;
            }
            if (v.Kind != NetfilterVerdictKind.Accept) return v;
            if (ctx.Stolen) break;
        }
        return NetfilterVerdict.Accept;
    }

    internal void Trace(ITraceSink sink, NetfilterPacket p, TraceStepKind kind, string text, IReadOnlyDictionary<string, string>? attrs = null) =>
        sink.Add(new TraceStep(kind, NamespaceName, p.OutInterface ?? p.InInterface, text, attrs));

    internal static string HookName(NetfilterHook h) => h switch
    {
        NetfilterHook.Prerouting => "PREROUTING",
        NetfilterHook.Input => "INPUT",
        NetfilterHook.Forward => "FORWARD",
        NetfilterHook.Output => "OUTPUT",
        _ => "POSTROUTING",
    };

    // ---- NAT binding (nf_nat_setup_info) -------------------------------------------------------

    /// <summary>Binds a destination NAT for the packet's NEW connection and rewrites the packet.</summary>
    internal void BindDestinationNat(PacketContext ctx, uint address, ushort port)
    {
        var e = ctx.Ct.Entry;
        if (e is null) return;
        var p = ctx.Packet;
        var reply = e.Reply;
        ushort newPort = port == 0 ? reply.SourcePort : port;
        if (p.Protocol == 1) newPort = reply.SourcePort;
        e.Reply = reply with { Source = address, SourcePort = newPort };
        e.DestinationNat = address != e.Original.Destination || newPort != e.Original.DestinationPort;
        e.DestinationNatDone = true;
        ctx.NatBound = true;
        ApplyManip(ctx, destination: true);
        if (p.Trace is { } t)
            Trace(t, p, TraceStepKind.Nat, $"DNAT {Ipv4.Format(e.Original.Destination)}:{e.Original.DestinationPort} -> {Ipv4.Format(address)}:{newPort}");
    }

    /// <summary>
    /// Binds a source NAT for the packet's NEW connection: picks a port in [min,max] (the original port
    /// when free unless <paramref name="randomFully"/>), avoiding clashes with existing reply tuples.
    /// </summary>
    internal void BindSourceNat(PacketContext ctx, uint address, ushort minPort, ushort maxPort, bool randomFully, string what)
    {
        var e = ctx.Ct.Entry;
        if (e is null) return;
        var p = ctx.Packet;
        var reply = e.Reply;
        ushort port = reply.DestinationPort;
        if (p.Protocol is 6 or 17 or 132)
        {
            bool rangeGiven = minPort != 0;
            ushort lo = rangeGiven ? minPort : port < 512 ? (ushort)1 : port < 1024 ? (ushort)600 : (ushort)1024;
            ushort hi = rangeGiven ? maxPort : port < 512 ? (ushort)511 : port < 1024 ? (ushort)1023 : (ushort)65535;
            bool Free(ushort candidate) => !Conntrack.IsTaken(reply with { Destination = address, DestinationPort = candidate }, ctx.Now);
            bool keep = !randomFully && port >= lo && port <= hi && Free(port);
            if (!keep)
            {
                int span = hi - lo + 1;
                int start = randomFully ? Host.Random.Next(span) : (int)((uint)port % (uint)span);
                bool found = false;
                for (int k = 0; k < span && k < 65536; k++)
                {
                    var cand = (ushort)(lo + (start + k) % span);
                    if (Free(cand)) { port = cand; found = true; break; }
                }
                if (!found) port = (ushort)(lo + start);
            }
        }
        else if (p.Protocol == 1)
        {
            port = reply.DestinationPort;
        }
        e.Reply = reply with { Destination = address, DestinationPort = port };
        if (p.Protocol == 1) e.Reply = e.Reply with { SourcePort = port };
        e.SourceNat = address != e.Original.Source || port != e.Original.SourcePort;
        e.SourceNatDone = true;
        ctx.NatBound = true;
        ApplyManip(ctx, destination: false);
        if (p.Trace is { } t)
            Trace(t, p, TraceStepKind.Nat, $"{what} {Ipv4.Format(e.Original.Source)}:{e.Original.SourcePort} -> {Ipv4.Format(address)}:{port}");
    }

    /// <summary>
    /// nf_nat_packet: rewrites the packet so that its tuple becomes the inverse of the other direction's
    /// tuple (destination part at PREROUTING/OUTPUT, source part at POSTROUTING/INPUT); for RELATED ICMP
    /// errors also rewrites the embedded packet.
    /// </summary>
    internal void ApplyManip(PacketContext ctx, bool destination)
    {
        var e = ctx.Ct.Entry;
        if (e is null) return;
        var p = ctx.Packet;
        var dir = ctx.Ct.Direction;
        // which binding matters: for the original direction, the manip of this type; for replies, the opposite one
        bool needed = dir == ConntrackDirection.Original
            ? (destination ? e.DestinationNat : e.SourceNat)
            : (destination ? e.SourceNat : e.DestinationNat);
        if (!needed) return;
        var target = (dir == ConntrackDirection.Original ? e.Reply : e.Original).Invert();
        if (ctx.Ct.Related && p.IcmpEmbedded is { } inner)
        {
            // the embedded packet travelled the other way: restore it to that direction's tuple
            var innerTuple = e.TupleOf(dir == ConntrackDirection.Original ? ConntrackDirection.Reply : ConntrackDirection.Original);
            if (destination) { inner.Source = innerTuple.Source; SetSourcePort(inner, innerTuple.SourcePort); }
            else { inner.Destination = innerTuple.Destination; SetDestinationPort(inner, innerTuple.DestinationPort); }
            if (destination) p.Destination = target.Destination; else p.Source = target.Source;
            return;
        }
        if (destination)
        {
            p.Destination = target.Destination;
            SetDestinationPort(p, target.DestinationPort);
        }
        else
        {
            p.Source = target.Source;
            SetSourcePort(p, target.SourcePort);
        }
    }

    private static void SetSourcePort(NetfilterPacket p, ushort port)
    {
        if (p.Protocol == 1) p.IcmpId = port; else if (p.Protocol is 6 or 17 or 132) p.SourcePort = port;
    }

    private static void SetDestinationPort(NetfilterPacket p, ushort port)
    {
        if (p.Protocol == 1) p.IcmpId = port; else if (p.Protocol is 6 or 17 or 132) p.DestinationPort = port;
    }

    // ---- user-space tools ----------------------------------------------------------------------

    /// <summary><c>iptables-restore [--noflush] [--counters]</c> with <paramref name="text"/> on stdin.</summary>
    public ToolResult IptablesRestore(string text, bool noflush = false, bool counters = false) =>
        Iptables.Restore(text, noflush, counters);

    /// <summary><c>iptables-save [-t table] [-c]</c>.</summary>
    public string IptablesSave(string? table = null, bool counters = false) => Iptables.Save(table, counters);

    /// <summary>The <c>iptables</c> command with its arguments (without the program name).</summary>
    public ToolResult IptablesCommand(params string[] args) => Iptables.Command(args);

    /// <summary>The <c>nft</c> command with its arguments; <paramref name="stdin"/> is read for <c>-f -</c>.</summary>
    public ToolResult Nft(IReadOnlyList<string> args, string? stdin = null) => NftTool.Run(Nftables, args, stdin);

    /// <summary>The <c>ipset</c> command with its arguments; <paramref name="stdin"/> is read by <c>ipset restore</c>.</summary>
    public ToolResult Ipset(IReadOnlyList<string> args, string? stdin = null) => IpsetTool.Run(this, args, stdin);

    /// <summary>The <c>ipvsadm</c> command with its arguments.</summary>
    public ToolResult Ipvsadm(IReadOnlyList<string> args) => IpvsadmTool.Run(Ipvs, args);

    /// <summary>The <c>conntrack</c> command with its arguments.</summary>
    public ToolResult ConntrackCommand(IReadOnlyList<string> args)
    {
        try
        {
            return ConntrackTool.Run(Conntrack, args, Host.Now);
        }
        catch (ConntrackUsageException ex)
        {
            return ToolResult.Fail(2, ConntrackTool.Banner + ex.Message + "\nTry `conntrack -h' or 'conntrack --help' for more information.\n");
        }
    }

    internal static string Num(long v) => v.ToString(CultureInfo.InvariantCulture);
}

/// <summary>nf_conntrack_in at priority -200 (NF_IP_PRI_CONNTRACK).</summary>
internal sealed class ConntrackInFunction(NetfilterHook hook) : HookFunction(hook, -200)
{
    public override NetfilterVerdict Run(PacketContext ctx)
    {
        if (!ctx.Tracked) Track(ctx);
        return NetfilterVerdict.Accept;
    }

    /// <summary>
    /// Looks the packet up (or makes its NEW entry) and attaches the result to it (<see cref="PacketContext.Ct"/>,
    /// which <c>Process</c> hands back as the packet's conntrack). An INVALID packet is not dropped here
    /// (Linux leaves that to rules).
    /// </summary>
    internal static void Track(PacketContext ctx)
    {
        var p = ctx.Packet;
        // registered only while the namespace tracks (Tracking)
        var ct = ctx.Netfilter.Conntrack.Track(p, ctx.Now);
        ctx.Ct = ct;
        ctx.Tracked = true;
        if (p.Trace is { } t)
        {
            var e = ct.Entry;
            var state = ct.State;
            string text = e is null ? "conntrack: INVALID"
                : $"conntrack: {(state == ConntrackState.New ? "NEW" : state == ConntrackState.Related ? "RELATED" : "ESTABLISHED")} {ConntrackTable.Format(e, ctx.Now)}";
            ctx.Netfilter.Trace(t, p, TraceStepKind.Conntrack, text);
        }
    }
}

/// <summary>The NAT manipulation at NF_IP_PRI_NAT_DST (-100) / NF_IP_PRI_NAT_SRC (100) for packets of bound connections.</summary>
internal sealed class NatManipFunction(NetfilterHook hook, int priority, bool destination) : HookFunction(hook, priority)
{
    public override int Tiebreak => 1;

    /// <summary>True for the destination manipulation (PREROUTING / OUTPUT), false for the source one.</summary>
    public bool Destination => destination;

    public override NetfilterVerdict Run(PacketContext ctx)
    {
        Manip(ctx, destination);
        return NetfilterVerdict.Accept;
    }

    internal static void Manip(PacketContext ctx, bool destination)
    {
        var ct = ctx.Ct;
        var e = ct.Entry;
        if (e is null) return;
        if (!e.Confirmed && !ct.Related)
        {
            // first packet: no NAT rule bound this manip type, so a null binding is made
            if (destination) e.DestinationNatDone = true; else e.SourceNatDone = true;
            return;
        }
        // nothing to rewrite unless the connection has a binding of either type
        if (!e.DestinationNat && !e.SourceNat) return;
        var p = ctx.Packet;
        uint s = p.Source, d = p.Destination;
        ctx.Netfilter.ApplyManip(ctx, destination);
        if (p.Trace is { } t && (s != p.Source || d != p.Destination))
            ctx.Netfilter.Trace(t, p, Tracing.TraceStepKind.Nat,
                destination ? $"reverse/established DNAT dst {Ipv4.Format(d)} -> {Ipv4.Format(p.Destination)}" : $"reverse/established SNAT src {Ipv4.Format(s)} -> {Ipv4.Format(p.Source)}");
    }
}

/// <summary>__nf_conntrack_confirm at the last priority of POSTROUTING and INPUT.</summary>
internal sealed class ConfirmFunction(NetfilterHook hook) : HookFunction(hook, int.MaxValue)
{
    public override NetfilterVerdict Run(PacketContext ctx)
    {
        ConfirmIfNew(ctx, Hook);
        return NetfilterVerdict.Accept;
    }

    internal static void ConfirmIfNew(PacketContext ctx, NetfilterHook hook)
    {
        if (ctx.Ct.Entry is { Confirmed: false } e && !ctx.Ct.Related)
        {
            // IPVS rewrote the destination at INPUT: the stack sends the packet on through POSTROUTING, which confirms it
            if (hook == NetfilterHook.Input && e.IpvsVirtual is not null && !ctx.Netfilter.Host.IsLocalAddress(ctx.Packet.Destination))
                return;
            ctx.Netfilter.Conntrack.Confirm(e, ctx.Now);
        }
    }
}

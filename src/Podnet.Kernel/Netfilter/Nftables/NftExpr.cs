using System.Globalization;
using System.Text;
using Podnet.Kernel.Tracing;

namespace Podnet.Kernel.Netfilter.Nftables;

/// <summary>What a rule's evaluation decided (NFT_CONTINUE, NF_ACCEPT, NF_DROP, NFT_JUMP, NFT_GOTO, NFT_RETURN).</summary>
internal enum NftAction
{
    Continue,
    Accept,
    Drop,
    Reject,
    Return,
    Jump,
    Goto,
}

/// <summary>The running verdict of one rule evaluation.</summary>
internal struct NftOutcome
{
    public NftAction Action;
    public NftChain? Chain;
    public RejectWith Reject;
}

/// <summary>An nft expression or statement of a rule.</summary>
internal abstract class NftExpr
{
    /// <summary>Evaluates; false means the rule does not match (NFT_BREAK).</summary>
    public abstract bool Eval(PacketContext ctx, ref NftOutcome outcome);
    public abstract void Print(StringBuilder sb);
    /// <summary>The set this expression refers to by name, if any (resolved at commit).</summary>
    public virtual string? SetName => null;
    public virtual void Bind(NftSet set) { }
    public virtual IEnumerable<NftVerdict> Verdicts => [];
    /// <summary>Whether the expression needs connection tracking in its namespace (nft_ct and nft_nat call nf_ct_netns_get at init).</summary>
    public virtual bool NeedsConntrack => false;
}

/// <summary>A selector (or concatenation of selectors), optionally masked (<c>meta mark &amp; 0x4000</c>).</summary>
internal sealed class NftSelector
{
    public NftField[] Fields = [];
    public uint NumgenMod, NumgenOffset;
    public bool HasMask;
    public uint Mask;

    public NftType[] Types => Fields.Select(NftValues.TypeOf).ToArray();

    /// <summary>Whether a field is read from the packet's conntrack entry (<c>ct state</c>, <c>ct status</c>, <c>ct mark</c>).</summary>
    public bool ReadsConntrack => Array.Exists(Fields, f => f is NftField.CtState or NftField.CtStatus or NftField.CtMark);

    public bool Read(PacketContext ctx, Span<uint> values)
    {
        for (int i = 0; i < Fields.Length; i++)
        {
            if (!NftValues.Read(Fields[i], ctx, NumgenMod, NumgenOffset, out var v)) return false;
            values[i] = HasMask ? v & Mask : v;
        }
        return true;
    }

    public string ReadName(PacketContext ctx) =>
        (Fields[0] == NftField.Iifname ? ctx.Packet.InInterface : ctx.Packet.OutInterface) ?? "";

    public void Print(StringBuilder sb)
    {
        for (int i = 0; i < Fields.Length; i++)
        {
            if (i > 0) sb.Append(" . ");
            sb.Append(NftValues.FieldText(Fields[i], NumgenMod, NumgenOffset));
        }
        if (HasMask) sb.Append(" & ").Append(NftValues.Format(NftValues.TypeOf(Fields[0]), Mask, Mask, null));
    }
}

/// <summary>A relational match: <c>SELECTOR [==|!=] VALUE | RANGE | PREFIX | { set } | @set</c>.</summary>
internal sealed class NftMatch : NftExpr
{
    public NftSelector Selector = new();
    public override bool NeedsConntrack => Selector.ReadsConntrack;
    public bool Negate;
    // single value / range (one field)
    public bool Single;
    public uint Lo, Hi;
    public string? Name;
    public NftSet? Set;
    public string? SetRef;
    public bool Flags;
    private uint _bits;
    private bool _bitsKnown;

    public override string? SetName => SetRef;

    public override void Bind(NftSet set)
    {
        Set = set;
        _bitsKnown = false;
    }

    public override bool Eval(PacketContext ctx, ref NftOutcome outcome)
    {
        bool m;
        var type = NftValues.TypeOf(Selector.Fields[0]);
        if (type == NftType.Ifname)
        {
            var name = Selector.ReadName(ctx);
            if (Single) m = IfnameMatches(Name!, name);
            else m = Set!.Order.Any(e => IfnameMatches(e.Text[0]!, name));
        }
        else
        {
            Span<uint> v = stackalloc uint[Selector.Fields.Length];
            if (!Selector.Read(ctx, v)) return false;
            if (Flags)
            {
                if (!_bitsKnown)
                {
                    _bits = Single ? Lo : Set!.Order.Aggregate(0u, (a, e) => a | e.Lo[0]);
                    _bitsKnown = true;
                }
                m = (v[0] & _bits) != 0;
            }
            else if (Single) m = v[0] >= Lo && v[0] <= Hi;
            else m = Set!.Lookup(v, ctx.Now) is not null;
        }
        return m != Negate;
    }

    internal static bool IfnameMatches(string pattern, string name) =>
        pattern.EndsWith('*') ? name.StartsWith(pattern[..^1], StringComparison.Ordinal) : pattern == name;

    public override void Print(StringBuilder sb)
    {
        Selector.Print(sb);
        sb.Append(' ');
        if (Negate) sb.Append("!= ");
        else if (Selector.HasMask) sb.Append("== ");
        var type = NftValues.TypeOf(Selector.Fields[0]);
        if (Single) sb.Append(NftValues.Format(type, Lo, Hi, Name));
        else if (SetRef is not null) sb.Append('@').Append(SetRef);
        else NftRuleset.PrintAnonymous(sb, Set!);
    }
}

/// <summary>A verdict map lookup: <c>SELECTOR vmap @map | { k : verdict, ... }</c>.</summary>
internal sealed class NftVmap : NftExpr
{
    public NftSelector Selector = new();
    public override bool NeedsConntrack => Selector.ReadsConntrack;
    public NftSet? Map;
    public string? MapRef;

    public override string? SetName => MapRef;
    public override void Bind(NftSet set) => Map = set;
    public override IEnumerable<NftVerdict> Verdicts => MapRef is null && Map is not null ? Map.Order.Select(e => e.Verdict!).Where(v => v is not null) : [];

    public override bool Eval(PacketContext ctx, ref NftOutcome outcome)
    {
        Span<uint> v = stackalloc uint[Selector.Fields.Length];
        if (!Selector.Read(ctx, v)) return false;
        var e = Map!.Lookup(v, ctx.Now);
        if (e?.Verdict is not { } verdict) return false;
        NftRuleset.SetVerdict(verdict, ref outcome);
        return true;
    }

    public override void Print(StringBuilder sb)
    {
        Selector.Print(sb);
        sb.Append(" vmap ");
        if (MapRef is not null) sb.Append('@').Append(MapRef);
        else NftRuleset.PrintAnonymous(sb, Map!);
    }
}

/// <summary><c>counter [packets N bytes M]</c>.</summary>
internal sealed class NftCounter : NftExpr
{
    public long Packets, Bytes;

    public override bool Eval(PacketContext ctx, ref NftOutcome outcome)
    {
        Packets++;
        Bytes += ctx.Packet.Length;
        return true;
    }

    public override void Print(StringBuilder sb) => sb.Append("counter packets ").Append(Packets).Append(" bytes ").Append(Bytes);
}

/// <summary>A verdict statement: accept, drop, continue, return, jump X, goto X.</summary>
internal sealed class NftVerdictStmt(NftVerdict verdict) : NftExpr
{
    public readonly NftVerdict Verdict = verdict;
    public override IEnumerable<NftVerdict> Verdicts => [Verdict];

    public override bool Eval(PacketContext ctx, ref NftOutcome outcome)
    {
        NftRuleset.SetVerdict(Verdict, ref outcome);
        return true;
    }

    public override void Print(StringBuilder sb) => sb.Append(Verdict);
}

/// <summary><c>reject [with icmp type T | with tcp reset]</c>.</summary>
internal sealed class NftReject(RejectWith with, bool explicitType) : NftExpr
{
    public override bool Eval(PacketContext ctx, ref NftOutcome outcome)
    {
        outcome.Action = NftAction.Reject;
        outcome.Reject = with == RejectWith.TcpReset && ctx.Packet.Protocol != 6 ? RejectWith.IcmpPortUnreachable : with;
        return true;
    }

    public override void Print(StringBuilder sb)
    {
        sb.Append("reject");
        if (!explicitType) return;
        sb.Append(with switch
        {
            RejectWith.TcpReset => " with tcp reset",
            RejectWith.IcmpNetUnreachable => " with icmp net-unreachable",
            RejectWith.IcmpHostUnreachable => " with icmp host-unreachable",
            RejectWith.IcmpProtoUnreachable => " with icmp prot-unreachable",
            RejectWith.IcmpNetProhibited => " with icmp net-prohibited",
            RejectWith.IcmpHostProhibited => " with icmp host-prohibited",
            RejectWith.IcmpAdminProhibited => " with icmp admin-prohibited",
            _ => " with icmp port-unreachable",
        });
    }
}

/// <summary><c>meta mark set VALUE | meta mark set meta mark (or|and|xor) VALUE</c>, and <c>ct mark set</c>.</summary>
internal sealed class NftMarkSet : NftExpr
{
    public bool Ct;
    public char Op; // '=' constant, '|', '&', '^'
    public NftField Source = NftField.Mark;
    public uint Value;
    public override bool NeedsConntrack => Ct || Source == NftField.CtMark;

    public override bool Eval(PacketContext ctx, ref NftOutcome outcome)
    {
        var p = ctx.Packet;
        uint src = Op == '=' ? 0 : Source == NftField.CtMark ? ctx.Ct.Entry?.Mark ?? 0 : p.Mark;
        uint v = Op switch { '|' => src | Value, '&' => src & Value, '^' => src ^ Value, _ => Value };
        if (Ct)
        {
            if (ctx.Ct.Entry is { } e) e.Mark = v;
        }
        else p.Mark = v;
        return true;
    }

    public override void Print(StringBuilder sb)
    {
        sb.Append(Ct ? "ct mark set " : "meta mark set ");
        if (Op != '=') sb.Append(Source == NftField.CtMark ? "ct mark " : "meta mark ").Append(Op).Append(' ');
        sb.Append("0x").Append(Value.ToString("x8", CultureInfo.InvariantCulture));
    }
}

/// <summary><c>dnat [ip] to ADDR[:PORT]</c>, <c>snat [ip] to ADDR[:PORT[-PORT]]</c>, <c>masquerade [to :P[-P]] [fully-random|random]</c>.</summary>
internal sealed class NftNat : NftExpr
{
    public override bool NeedsConntrack => true;
    public string Kind = "dnat";
    public bool HasAddress, IpKeyword;
    public uint Address;
    public ushort MinPort, MaxPort;
    public bool FullyRandom, Random, Persistent;

    public override bool Eval(PacketContext ctx, ref NftOutcome outcome)
    {
        var nf = ctx.Netfilter;
        var p = ctx.Packet;
        switch (Kind)
        {
            case "dnat":
                ushort port = MinPort == 0 ? (ushort)0 : MinPort == MaxPort ? MinPort : (ushort)(MinPort + nf.Host.Random.Next(MaxPort - MinPort + 1));
                nf.BindDestinationNat(ctx, HasAddress ? Address : p.Destination, port);
                break;
            case "snat":
                nf.BindSourceNat(ctx, HasAddress ? Address : p.Source, MinPort, MaxPort, FullyRandom, "SNAT");
                break;
            default:
                var a = nf.Host.MasqueradeAddress(p.OutInterface ?? "", p.Destination);
                if (a is null)
                {
                    if (p.Trace is { } t) nf.Trace(t, p, TraceStepKind.Drop, "masquerade: no address on " + p.OutInterface);
                    outcome.Action = NftAction.Drop;
                    return true;
                }
                nf.BindSourceNat(ctx, a.Value, MinPort, MaxPort, FullyRandom, "MASQUERADE");
                break;
        }
        outcome.Action = NftAction.Accept;
        return true;
    }

    public override void Print(StringBuilder sb)
    {
        sb.Append(Kind);
        if (Kind != "masquerade")
        {
            sb.Append(IpKeyword ? " ip to " : " to ");
            if (HasAddress) sb.Append(Ipv4.Format(Address));
        }
        else if (MinPort != 0) sb.Append(" to ");
        if (MinPort != 0) sb.Append(':').Append(MinPort).Append(MinPort != MaxPort ? "-" + MaxPort.ToString(CultureInfo.InvariantCulture) : "");
        if (Random) sb.Append(" random");
        if (FullyRandom) sb.Append(" fully-random");
        if (Persistent) sb.Append(" persistent");
    }
}

/// <summary><c>update @set { SELECTOR [timeout T] }</c> / <c>add @set { ... }</c>: dynamic set updates from the packet path.</summary>
internal sealed class NftSetUpdate : NftExpr
{
    public string Op = "update";
    public string Ref = "";
    public NftSet? Set;
    public NftSelector Selector = new();
    public override bool NeedsConntrack => Selector.ReadsConntrack;
    public TimeSpan? Timeout;

    public override string? SetName => Ref;
    public override void Bind(NftSet set) => Set = set;

    public override bool Eval(PacketContext ctx, ref NftOutcome outcome)
    {
        Span<uint> v = stackalloc uint[Selector.Fields.Length];
        if (!Selector.Read(ctx, v)) return false;
        var set = Set!;
        var now = ctx.Now;
        var timeout = Timeout ?? set.Timeout;
        var existing = set.Lookup(v, now);
        if (existing is not null)
        {
            if (Op == "update" && timeout is { } t) existing.Expires = now + t;
            return true;
        }
        var e = new NftSetElement { Lo = v.ToArray(), Hi = v.ToArray(), Text = new string?[v.Length], Expires = timeout is { } tt ? now + tt : null };
        set.Add(e, true);
        return true;
    }

    public override void Print(StringBuilder sb)
    {
        sb.Append(Op).Append(" @").Append(Ref).Append(" { ");
        Selector.Print(sb);
        if (Timeout is { } t) sb.Append(" timeout ").Append(NftRuleset.Duration(t));
        sb.Append(" }");
    }
}

/// <summary><c>log [prefix "P"] [level L]</c>: written to the trace; the packet continues.</summary>
internal sealed class NftLog : NftExpr
{
    public string? Prefix;
    public string? Level;

    public override bool Eval(PacketContext ctx, ref NftOutcome outcome)
    {
        var p = ctx.Packet;
        if (p.Trace is { } t)
            ctx.Netfilter.Trace(t, p, TraceStepKind.Note, $"log {Prefix}IN={p.InInterface} OUT={p.OutInterface} SRC={Ipv4.Format(p.Source)} DST={Ipv4.Format(p.Destination)} PROTO={p.Protocol}");
        return true;
    }

    public override void Print(StringBuilder sb)
    {
        sb.Append("log");
        if (Prefix is not null) sb.Append(" prefix \"").Append(Prefix).Append('"');
        if (Level is not null) sb.Append(" level ").Append(Level);
    }
}

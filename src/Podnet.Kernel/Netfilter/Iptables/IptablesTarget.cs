using System.Globalization;
using System.Text;
using Podnet.Kernel.Tracing;

namespace Podnet.Kernel.Netfilter.Iptables;

/// <summary>What a rule's target tells the chain walker.</summary>
internal enum TargetAction
{
    Continue,
    Accept,
    Drop,
    Reject,
    Return,
    Jump,
    Goto,
}

/// <summary>An xtables target (<c>-j NAME --options</c>), pre-parsed.</summary>
internal abstract class IptablesTarget
{
    public abstract string Name { get; }
    public virtual bool TryParse(string option, ArgReader args) => false;
    public virtual void Finish() { }
    public abstract TargetAction Execute(PacketContext ctx, out RejectWith reject);
    /// <summary>Whether the target needs connection tracking in its namespace (nf_ct_netns_get at checkentry: NAT targets, CONNMARK).</summary>
    public virtual bool NeedsConntrack => false;
    /// <summary>Appends the save form options after <c>-j NAME</c>.</summary>
    public virtual void SaveOptions(StringBuilder sb) { }
    /// <summary>Appends the <c>iptables -L</c> description.</summary>
    public virtual void List(StringBuilder sb) { }
    protected static string Hex(uint v) => "0x" + v.ToString("x", CultureInfo.InvariantCulture);
}

/// <summary>ACCEPT, DROP, RETURN.</summary>
internal sealed class StandardTarget(string name) : IptablesTarget
{
    private readonly TargetAction _action = name switch { "ACCEPT" => TargetAction.Accept, "DROP" => TargetAction.Drop, _ => TargetAction.Return };
    public override string Name => name;

    public override TargetAction Execute(PacketContext ctx, out RejectWith reject)
    {
        reject = default;
        return _action;
    }
}

/// <summary>A jump (<c>-j CHAIN</c>) or goto (<c>-g CHAIN</c>) to a user chain.</summary>
internal sealed class JumpTarget(string chain, bool isGoto) : IptablesTarget
{
    public readonly string ChainName = chain;
    public readonly bool IsGoto = isGoto;
    public IptablesChain? Chain;
    public override string Name => ChainName;

    public override TargetAction Execute(PacketContext ctx, out RejectWith reject)
    {
        reject = default;
        return IsGoto ? TargetAction.Goto : TargetAction.Jump;
    }
}

/// <summary><c>-j REJECT [--reject-with TYPE]</c>.</summary>
internal sealed class RejectTarget : IptablesTarget
{
    public RejectWith With = RejectWith.IcmpPortUnreachable;
    public override string Name => "REJECT";

    internal static readonly (string Name, RejectWith With)[] Types =
    [
        ("icmp-net-unreachable", RejectWith.IcmpNetUnreachable), ("icmp-host-unreachable", RejectWith.IcmpHostUnreachable),
        ("icmp-port-unreachable", RejectWith.IcmpPortUnreachable), ("icmp-proto-unreachable", RejectWith.IcmpProtoUnreachable),
        ("icmp-net-prohibited", RejectWith.IcmpNetProhibited), ("icmp-host-prohibited", RejectWith.IcmpHostProhibited),
        ("icmp-admin-prohibited", RejectWith.IcmpAdminProhibited), ("tcp-reset", RejectWith.TcpReset),
    ];

    public override bool TryParse(string option, ArgReader args)
    {
        if (option != "--reject-with") return false;
        var v = args.Value(option);
        var alias = v switch
        {
            "net-unreach" => "icmp-net-unreachable", "host-unreach" => "icmp-host-unreachable",
            "port-unreach" => "icmp-port-unreachable", "proto-unreach" => "icmp-proto-unreachable",
            "net-prohib" => "icmp-net-prohibited", "host-prohib" => "icmp-host-prohibited",
            "admin-prohib" => "icmp-admin-prohibited", "tcp-rst" => "tcp-reset", _ => v,
        };
        var t = Array.Find(Types, x => x.Name == alias);
        if (t.Name is null) throw new IptablesException($"unknown reject type \"{v}\"");
        With = t.With;
        return true;
    }

    public override TargetAction Execute(PacketContext ctx, out RejectWith reject)
    {
        reject = With;
        // tcp-reset only applies to TCP; the kernel drops other protocols silently for that type
        return With == RejectWith.TcpReset && ctx.Packet.Protocol != 6 ? TargetAction.Drop : TargetAction.Reject;
    }

    private string TypeName() => Array.Find(Types, x => x.With == With).Name;
    public override void SaveOptions(StringBuilder sb) => sb.Append(" --reject-with ").Append(TypeName());
    public override void List(StringBuilder sb) => sb.Append(" reject-with ").Append(TypeName());
}

/// <summary><c>-j MARK --set-xmark V/M | --set-mark | --or-mark | --and-mark | --xor-mark</c>: mark = (mark AND NOT M) XOR V.</summary>
internal sealed class MarkTarget(bool connmark) : IptablesTarget
{
    public uint Value, Mask;
    public bool Has;
    public int Mode; // 0 set-xmark, 1 save-mark, 2 restore-mark
    public uint NfMask = 0xFFFFFFFF, CtMask = 0xFFFFFFFF;
    public override string Name => connmark ? "CONNMARK" : "MARK";
    public override bool NeedsConntrack => connmark;

    public override bool TryParse(string option, ArgReader args)
    {
        switch (option)
        {
            case "--set-xmark":
                (Value, Mask) = IptablesMatch.ParseValueMask(args.Value(option), "set-xmark value"); break;
            case "--set-mark":
                (Value, Mask) = IptablesMatch.ParseValueMask(args.Value(option), "set-mark value");
                if (Mask != 0xFFFFFFFF) Mask |= Value; // --set-mark v/m = --set-xmark v/(m|v)
                break;
            case "--or-mark":
                Value = IptablesMatch.ParseNumber(args.Value(option), "or-mark value"); Mask = Value; break;
            case "--and-mark":
                Value = 0; Mask = ~IptablesMatch.ParseNumber(args.Value(option), "and-mark value"); break;
            case "--xor-mark":
                Value = IptablesMatch.ParseNumber(args.Value(option), "xor-mark value"); Mask = 0; break;
            case "--save-mark" when connmark: Mode = 1; break;
            case "--restore-mark" when connmark: Mode = 2; break;
            case "--nfmask" when connmark: NfMask = IptablesMatch.ParseNumber(args.Value(option), "nfmask"); return true;
            case "--ctmask" when connmark: CtMask = IptablesMatch.ParseNumber(args.Value(option), "ctmask"); return true;
            case "--mask" when connmark: NfMask = CtMask = IptablesMatch.ParseNumber(args.Value(option), "mask"); return true;
            default: return false;
        }
        Has = true;
        return true;
    }

    public override void Finish()
    {
        if (!Has) throw new IptablesException(connmark ? "CONNMARK target: No operation specified" : "MARK target: Parameter --set/and/or/xor-mark is required");
    }

    public override TargetAction Execute(PacketContext ctx, out RejectWith reject)
    {
        reject = default;
        var p = ctx.Packet;
        if (!connmark)
        {
            p.Mark = (p.Mark & ~Mask) ^ Value;
            return TargetAction.Continue;
        }
        if (ctx.Ct.Entry is { } e)
        {
            switch (Mode)
            {
                case 0: e.Mark = (e.Mark & ~Mask) ^ Value; break;
                case 1: e.Mark = (e.Mark & ~CtMask) ^ (p.Mark & NfMask); break;
                default: p.Mark = (p.Mark & ~NfMask) ^ (e.Mark & CtMask); break;
            }
        }
        return TargetAction.Continue;
    }

    public override void SaveOptions(StringBuilder sb)
    {
        switch (Mode)
        {
            case 0: sb.Append(" --set-xmark ").Append(Hex(Value)).Append('/').Append(Hex(Mask)); break;
            case 1: sb.Append(" --save-mark --nfmask ").Append(Hex(NfMask)).Append(" --ctmask ").Append(Hex(CtMask)); break;
            default: sb.Append(" --restore-mark --nfmask ").Append(Hex(NfMask)).Append(" --ctmask ").Append(Hex(CtMask)); break;
        }
    }

    public override void List(StringBuilder sb)
    {
        sb.Append(' ').Append(Name);
        if (Mode == 1) { sb.Append(" save"); return; }
        if (Mode == 2) { sb.Append(" restore"); return; }
        if (Value == 0) sb.Append(" and ").Append(Hex(~Mask));
        else if (Value == Mask) sb.Append(" or ").Append(Hex(Value));
        else if (Mask == 0) sb.Append(" xor ").Append(Hex(Value));
        else if (Mask == 0xFFFFFFFF) sb.Append(" set ").Append(Hex(Value));
        else sb.Append(" xset ").Append(Hex(Value)).Append('/').Append(Hex(Mask));
    }
}

/// <summary><c>-j DNAT --to-destination</c>, <c>-j SNAT --to-source [--random-fully]</c>, <c>-j MASQUERADE [--to-ports] [--random-fully]</c>.</summary>
internal sealed class NatTarget(string kind) : IptablesTarget
{
    public readonly string Kind = kind;
    public uint Address;
    public bool HasAddress;
    public ushort MinPort, MaxPort;
    public bool RandomFully, Random;
    public string Spec = "";
    public override string Name => Kind;
    public override bool NeedsConntrack => true;

    public override bool TryParse(string option, ArgReader args)
    {
        switch (option)
        {
            case "--to-destination" when Kind == "DNAT":
            case "--to-source" when Kind == "SNAT":
            case "--to" when Kind != "MASQUERADE":
                Spec = args.Value(option);
                ParseSpec(Spec);
                return true;
            case "--to-ports" when Kind == "MASQUERADE":
                var v = args.Value(option);
                var dash = v.IndexOf('-');
                MinPort = IptablesMatch.ParsePort(dash < 0 ? v : v[..dash], "");
                MaxPort = dash < 0 ? MinPort : IptablesMatch.ParsePort(v[(dash + 1)..], "");
                Spec = v;
                return true;
            case "--random-fully": RandomFully = true; return true;
            case "--random": Random = true; return true;
            case "--persistent": return true;
        }
        return false;
    }

    private void ParseSpec(string s)
    {
        int colon = s.IndexOf(':');
        var addr = colon < 0 ? s : s[..colon];
        var dash = addr.IndexOf('-');
        if (dash >= 0) addr = addr[..dash]; // ranges of addresses: the first is used
        if (addr.Length > 0)
        {
            if (!Ipv4.TryParse(addr, out Address)) throw new IptablesException($"Bad IP address \"{addr}\"");
            HasAddress = true;
        }
        if (colon >= 0)
        {
            var ports = s[(colon + 1)..];
            var pd = ports.IndexOf('-');
            MinPort = ParsePortStrict(pd < 0 ? ports : ports[..pd], s);
            MaxPort = pd < 0 ? MinPort : ParsePortStrict(ports[(pd + 1)..], s);
        }
    }

    private static ushort ParsePortStrict(string p, string spec) =>
        ushort.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v != 0 ? v : throw new IptablesException($"Port `{p}' not valid");

    public override void Finish()
    {
        if (Kind != "MASQUERADE" && !HasAddress && MinPort == 0)
            throw new IptablesException(Kind == "DNAT" ? "You must specify --to-destination" : "You must specify --to-source");
    }

    public override TargetAction Execute(PacketContext ctx, out RejectWith reject)
    {
        reject = default;
        var nf = ctx.Netfilter;
        var p = ctx.Packet;
        switch (Kind)
        {
            case "DNAT":
                nf.BindDestinationNat(ctx, HasAddress ? Address : p.Destination, MinPort == 0 ? (ushort)0 : Pick(ctx));
                break;
            case "SNAT":
                nf.BindSourceNat(ctx, HasAddress ? Address : p.Source, MinPort, MaxPort, RandomFully, "SNAT");
                break;
            default:
                var a = nf.Host.MasqueradeAddress(p.OutInterface ?? "", p.Destination);
                if (a is null)
                {
                    if (p.Trace is { } t) nf.Trace(t, p, TraceStepKind.Drop, "MASQUERADE: no address on " + p.OutInterface);
                    return TargetAction.Drop;
                }
                nf.BindSourceNat(ctx, a.Value, MinPort, MaxPort, RandomFully, "MASQUERADE");
                break;
        }
        return TargetAction.Accept;
    }

    private ushort Pick(PacketContext ctx) =>
        MinPort == MaxPort ? MinPort : (ushort)(MinPort + ctx.Netfilter.Host.Random.Next(MaxPort - MinPort + 1));

    public override void SaveOptions(StringBuilder sb)
    {
        if (Kind == "DNAT") sb.Append(" --to-destination ").Append(Spec);
        else if (Kind == "SNAT") sb.Append(" --to-source ").Append(Spec);
        else if (Spec.Length > 0) sb.Append(" --to-ports ").Append(Spec);
        if (Random) sb.Append(" --random");
        if (RandomFully) sb.Append(" --random-fully");
    }

    public override void List(StringBuilder sb)
    {
        if (Kind == "MASQUERADE") { if (Spec.Length > 0) sb.Append(" masq ports: ").Append(Spec); }
        else sb.Append(" to:").Append(Spec);
        if (Random) sb.Append(" random");
        if (RandomFully) sb.Append(" random-fully");
    }
}

/// <summary><c>-j LOG [--log-prefix P] [--log-level L]</c>: recorded in the trace, packet continues.</summary>
internal sealed class LogTarget : IptablesTarget
{
    public string? Prefix;
    public string Level = "4";
    public override string Name => "LOG";

    public override bool TryParse(string option, ArgReader args)
    {
        switch (option)
        {
            case "--log-prefix": Prefix = args.Value(option); return true;
            case "--log-level": Level = args.Value(option); return true;
            case "--log-tcp-sequence" or "--log-tcp-options" or "--log-ip-options" or "--log-uid" or "--log-macdecode": return true;
        }
        return false;
    }

    public override TargetAction Execute(PacketContext ctx, out RejectWith reject)
    {
        reject = default;
        var p = ctx.Packet;
        if (p.Trace is { } t)
            ctx.Netfilter.Trace(t, p, TraceStepKind.Note, $"LOG {Prefix}IN={p.InInterface} OUT={p.OutInterface} SRC={Ipv4.Format(p.Source)} DST={Ipv4.Format(p.Destination)} PROTO={p.Protocol}");
        return TargetAction.Continue;
    }

    public override void SaveOptions(StringBuilder sb)
    {
        if (Prefix is not null) sb.Append(" --log-prefix ").Append(IptablesMatch.SaveString(Prefix));
        if (Level != "4") sb.Append(" --log-level ").Append(Level);
    }

    public override void List(StringBuilder sb)
    {
        sb.Append(" LOG flags 0 level ").Append(Level);
        if (Prefix is not null) sb.Append(" prefix \"").Append(Prefix).Append('"');
    }
}

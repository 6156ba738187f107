namespace Podnet.Kernel.Netfilter.Conntrack;

/// <summary>The entry filters of <c>conntrack -L/-D</c> (<c>-p -s -d -r -q --sport --dport -m</c>...).</summary>
public sealed record ConntrackFilter
{
    public byte? Protocol { get; init; }
    public uint? OriginalSource { get; init; }
    public uint? OriginalDestination { get; init; }
    public uint? ReplySource { get; init; }
    public uint? ReplyDestination { get; init; }
    public ushort? OriginalSourcePort { get; init; }
    public ushort? OriginalDestinationPort { get; init; }
    public ushort? ReplySourcePort { get; init; }
    public ushort? ReplyDestinationPort { get; init; }
    public uint? Mark { get; init; }
    /// <summary>Only entries with (<c>--src-nat</c>) source NAT.</summary>
    public bool SourceNat { get; init; }
    /// <summary>Only entries with (<c>--dst-nat</c>) destination NAT.</summary>
    public bool DestinationNat { get; init; }

    public bool Matches(ConntrackEntry e) =>
        (Protocol is null || e.Original.Protocol == Protocol)
        && (OriginalSource is null || e.Original.Source == OriginalSource)
        && (OriginalDestination is null || e.Original.Destination == OriginalDestination)
        && (ReplySource is null || e.Reply.Source == ReplySource)
        && (ReplyDestination is null || e.Reply.Destination == ReplyDestination)
        && (OriginalSourcePort is null || e.Original.SourcePort == OriginalSourcePort)
        && (OriginalDestinationPort is null || e.Original.DestinationPort == OriginalDestinationPort)
        && (ReplySourcePort is null || e.Reply.SourcePort == ReplySourcePort)
        && (ReplyDestinationPort is null || e.Reply.DestinationPort == ReplyDestinationPort)
        && (Mark is null || e.Mark == Mark)
        && (!SourceNat || e.SourceNat)
        && (!DestinationNat || e.DestinationNat);
}

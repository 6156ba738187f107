namespace Podnet.Kernel.Netfilter.Conntrack;

/// <summary>
/// One tracked connection (<c>struct nf_conn</c>): its original and reply tuples (the reply tuple carries
/// the NAT bindings), TCP state, status bits, mark and expiry in virtual time.
/// </summary>
public sealed class ConntrackEntry
{
    internal ConntrackEntry(ConntrackTable table, ConntrackTuple original, TimeSpan now)
    {
        Table = table;
        Original = original;
        Reply = original.Invert();
        Created = now;
        OriginalRef = new ConntrackRef(this, ConntrackDirection.Original, false);
        ReplyRef = new ConntrackRef(this, ConntrackDirection.Reply, false);
    }

    internal ConntrackTable Table { get; }
    public ConntrackTuple Original { get; internal set; }
    /// <summary>The tuple a reply carries; NAT rewrites it (DNAT: source; SNAT: destination).</summary>
    public ConntrackTuple Reply { get; internal set; }
    public TcpConntrackState TcpState { get; internal set; }
    public bool SeenReply { get; internal set; }
    public bool Assured { get; internal set; }
    public bool Confirmed { get; internal set; }
    /// <summary>The connection has a source NAT binding (IPS_SRC_NAT).</summary>
    public bool SourceNat { get; internal set; }
    /// <summary>The connection has a destination NAT binding (IPS_DST_NAT).</summary>
    public bool DestinationNat { get; internal set; }
    internal bool SourceNatDone { get; set; }
    internal bool DestinationNatDone { get; set; }
    /// <summary>The connection mark (<c>ct mark</c>, <c>CONNMARK</c>).</summary>
    public uint Mark { get; internal set; }
    public byte IcmpType { get; internal set; }
    public byte IcmpCode { get; internal set; }
    public TimeSpan Created { get; }
    public TimeSpan Expires { get; internal set; }
    /// <summary>For connections IPVS scheduled: the virtual service (address, port, protocol).</summary>
    internal (uint Address, ushort Port, byte Protocol)? IpvsVirtual { get; set; }
    internal bool FinSeenOriginal { get; set; }
    internal bool FinSeenReply { get; set; }
    // the table's creation-order list (valid while InTable)
    internal bool InTable;
    internal ConntrackEntry? PreviousInTable;
    internal ConntrackEntry? NextInTable;

    internal ConntrackRef OriginalRef { get; }
    internal ConntrackRef ReplyRef { get; }
    // each direction's tuple hash and whether the table's hash holds that direction
    internal int OriginalHash, ReplyHash;
    internal bool OriginalHashed, ReplyHashed;
    // made on first use: only ICMP errors about the connection carry them
    private ConntrackRef? _relatedOriginalRef, _relatedReplyRef;
    internal ConntrackRef RelatedOriginalRef => _relatedOriginalRef ??= new ConntrackRef(this, ConntrackDirection.Original, true);
    internal ConntrackRef RelatedReplyRef => _relatedReplyRef ??= new ConntrackRef(this, ConntrackDirection.Reply, true);

    public ConntrackTuple TupleOf(ConntrackDirection d) => d == ConntrackDirection.Original ? Original : Reply;
}

/// <summary>What a packet carries in <see cref="NetfilterPacket.Conntrack"/>: its entry and direction (skb->_nfct + ctinfo).</summary>
public sealed class ConntrackRef
{
    internal ConntrackRef(ConntrackEntry? entry, ConntrackDirection direction, bool related)
    {
        Entry = entry;
        Direction = direction;
        Related = related;
    }

    /// <summary>The entry, or null for an INVALID packet.</summary>
    public ConntrackEntry? Entry { get; }
    public ConntrackDirection Direction { get; }
    /// <summary>True for ICMP errors about this connection (ctstate RELATED).</summary>
    public bool Related { get; }

    internal static readonly ConntrackRef Invalid = new(null, ConntrackDirection.Original, false);

    /// <summary>The ctstate of the packet.</summary>
    public ConntrackState State
    {
        get
        {
            if (Entry is null) return ConntrackState.Invalid;
            if (Related) return ConntrackState.Related;
            if (Direction == ConntrackDirection.Reply || Entry.SeenReply) return ConntrackState.Established;
            return ConntrackState.New;
        }
    }
}

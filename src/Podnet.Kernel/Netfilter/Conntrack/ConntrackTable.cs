using System.Globalization;
using System.Text;

namespace Podnet.Kernel.Netfilter.Conntrack;

/// <summary>
/// A namespace's connection tracking table (nf_conntrack hash): lookup by either tuple, unconfirmed
/// entries for first packets, TCP state tracking, expiry in virtual time, and <c>conntrack -L/-D</c>.
/// </summary>
public sealed class ConntrackTable
{
    private const byte Tcp = 6, Udp = 17, Icmp = 1;
    private const byte FlagFin = 0x01, FlagSyn = 0x02, FlagRst = 0x04, FlagAck = 0x10;
    private static readonly TimeSpan UdpStreamAfter = TimeSpan.FromSeconds(2);

    // The hash by tuple (nf_conntrack_hash): an open-addressing table of (hash, entry, direction) slots
    // with linear probing (as nf_conntrack_tuple_hash lives inside nf_conn, a slot names the entry and
    // which of its two tuples it holds). A probe compares the hashes stored in the slots and touches an
    // entry only when its hash matches, so lookups, inserts and removals do not walk through other
    // connections' objects (a chained table loads every node of the chain); inserting and removing
    // allocate nothing. At most half the slots are used; removal shifts the following slots back (no
    // tombstones). A tuple maps to at most one entry: inserting one that is already there replaces it.
    private struct Slot
    {
        public ConntrackEntry? Entry;
        public int Hash;
        public bool Reply;
    }
    private Slot[] _slots = new Slot[2048];
    private int _hashed;
    // confirmed entries in creation order: an intrusive doubly linked list through the entries
    // (no per-entry node or side dictionary; the kernel keeps its lists in nf_conn too)
    private ConntrackEntry? _first, _last;
    private int _count;

    /// <summary>Number of confirmed entries (expired ones included until they are swept).</summary>
    public int Count => _count;

    /// <summary>All live confirmed entries in creation order.</summary>
    public IReadOnlyList<ConntrackEntry> Entries(TimeSpan now)
    {
        Sweep(now);
        var list = new List<ConntrackEntry>(_count);
        for (var e = _first; e is not null; e = e.NextInTable) list.Add(e);
        return list;
    }

    /// <summary>Removes every expired entry.</summary>
    public void Sweep(TimeSpan now)
    {
        var e = _first;
        while (e is not null)
        {
            var next = e.NextInTable;
            if (e.Expires <= now) Remove(e);
            e = next;
        }
    }

    internal void Remove(ConntrackEntry e)
    {
        if (!e.InTable) return;
        e.InTable = false;
        if (e.PreviousInTable is null) _first = e.NextInTable; else e.PreviousInTable.NextInTable = e.NextInTable;
        if (e.NextInTable is null) _last = e.PreviousInTable; else e.NextInTable.PreviousInTable = e.PreviousInTable;
        e.PreviousInTable = e.NextInTable = null;
        _count--;
        Unhash(e, reply: false);
        Unhash(e, reply: true);
    }

    private void Hash(ConntrackEntry e, bool reply, in ConntrackTuple t)
    {
        int h = t.GetHashCode();
        // a tuple already in the table now names the new entry (the old one stays listed until it goes)
        ref var found = ref Lookup(t, h);
        if (found.Entry is { } old) Unhash(old, found.Reply);
        if ((_hashed + 1) * 2 > _slots.Length) Grow();
        var slots = _slots;
        int mask = slots.Length - 1;
        int i = h & mask;
        while (slots[i].Entry is not null) i = (i + 1) & mask;
        slots[i].Entry = e;
        slots[i].Hash = h;
        slots[i].Reply = reply;
        if (reply) { e.ReplyHash = h; e.ReplyHashed = true; }
        else { e.OriginalHash = h; e.OriginalHashed = true; }
        _hashed++;
    }

    private void Unhash(ConntrackEntry e, bool reply)
    {
        int h;
        if (reply)
        {
            if (!e.ReplyHashed) return;
            e.ReplyHashed = false;
            h = e.ReplyHash;
        }
        else
        {
            if (!e.OriginalHashed) return;
            e.OriginalHashed = false;
            h = e.OriginalHash;
        }
        _hashed--;
        var slots = _slots;
        int mask = slots.Length - 1;
        int i = h & mask;
        while (!ReferenceEquals(slots[i].Entry, e) || slots[i].Reply != reply)
        {
            if (slots[i].Entry is null) return;
            i = (i + 1) & mask;
        }
        // backward-shift deletion: move later slots of the probe run into the hole when their home
        // position does not lie cyclically in (hole, slot]
        int j = i;
        while (true)
        {
            j = (j + 1) & mask;
            if (slots[j].Entry is null) break;
            int home = slots[j].Hash & mask;
            bool stays = i <= j ? i < home && home <= j : i < home || home <= j;
            if (stays) continue;
            slots[i] = slots[j];
            i = j;
        }
        slots[i] = default;
    }

    private void Grow()
    {
        var old = _slots;
        var slots = new Slot[old.Length * 2];
        int mask = slots.Length - 1;
        foreach (var s in old)
        {
            if (s.Entry is null) continue;
            int i = s.Hash & mask;
            while (slots[i].Entry is not null) i = (i + 1) & mask;
            slots[i] = s;
        }
        _slots = slots;
    }

    // the slot holding t (expired or not), or the empty slot where its probe ended
    private ref Slot Lookup(in ConntrackTuple t, int h)
    {
        var slots = _slots;
        int mask = slots.Length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask)
        {
            ref var s = ref slots[i];
            if (s.Entry is not { } e) return ref s;
            if (s.Hash == h && (s.Reply ? e.Reply : e.Original) == t) return ref s;
        }
    }

    /// <summary>True when a confirmed live entry already uses <paramref name="t"/> in either direction.</summary>
    public bool IsTaken(ConntrackTuple t, TimeSpan now) =>
        Lookup(t, t.GetHashCode()).Entry is { } e && e.Expires > now;

    // the live entry holding t and its direction's ref (an expired one is removed on the way, as the
    // kernel's lookup does)
    private ConntrackRef? Find(in ConntrackTuple t, TimeSpan now)
    {
        ref var s = ref Lookup(t, t.GetHashCode());
        if (s.Entry is not { } e) return null;
        if (e.Expires <= now)
        {
            Remove(e);
            return null;
        }
        return s.Reply ? e.ReplyRef : e.OriginalRef;
    }

    /// <summary>
    /// nf_conntrack_in: finds the packet's entry (or makes a NEW unconfirmed one), updates protocol
    /// state and timeouts, and returns what the packet carries. ICMP errors are RELATED to the
    /// connection of the packet they embed.
    /// </summary>
    public ConntrackRef Track(NetfilterPacket p, TimeSpan now)
    {
        if (p.Protocol == Icmp && p.IcmpEmbedded is { } inner && IsIcmpError(p.IcmpType))
        {
            // the error travels opposite to the packet it embeds: look up the inverted inner tuple
            var it = ConntrackTuple.Of(inner).Invert();
            var inode = Find(it, now);
            if (inode is null) return ConntrackRef.Invalid;
            var ie = inode.Entry!;
            return inode.Direction == ConntrackDirection.Original ? ie.RelatedOriginalRef : ie.RelatedReplyRef;
        }

        var t = ConntrackTuple.Of(p);
        var node = Find(t, now);
        if (node is not null)
        {
            var e = node.Entry!;
            var dir = node.Direction;
            // a TCP SYN reusing a closed connection's tuple starts a new connection
            if (p.Protocol == Tcp && dir == ConntrackDirection.Original && (p.TcpFlags & (FlagSyn | FlagAck)) == FlagSyn
                && e.TcpState is TcpConntrackState.TimeWait or TcpConntrackState.Close)
            {
                Remove(e);
                return New(p, t, now);
            }
            if (!Update(e, dir, p, now)) return ConntrackRef.Invalid;
            if (dir == ConntrackDirection.Reply) e.SeenReply = true;
            // the hash node is the entry's OriginalRef or ReplyRef: what the packet carries
            return node;
        }
        return New(p, t, now);
    }

    private ConntrackRef New(NetfilterPacket p, in ConntrackTuple t, TimeSpan now)
    {
        var e = new ConntrackEntry(this, t, now);
        switch (p.Protocol)
        {
            case Tcp:
                var f = p.TcpFlags;
                if ((f & FlagRst) != 0 || (f & FlagFin) != 0) return ConntrackRef.Invalid;
                if ((f & FlagSyn) != 0)
                {
                    if ((f & FlagAck) != 0) return ConntrackRef.Invalid;
                    e.TcpState = TcpConntrackState.SynSent;
                }
                else if ((f & FlagAck) != 0) e.TcpState = TcpConntrackState.Established; // nf_conntrack_tcp_loose=1 pickup
                else return ConntrackRef.Invalid;
                e.Expires = now + ConntrackTimeouts.ForTcp(e.TcpState);
                break;
            case Udp:
                e.Expires = now + ConntrackTimeouts.Udp;
                break;
            case Icmp:
                if (p.IcmpType != 8 && p.IcmpType != 13 && p.IcmpType != 15 && p.IcmpType != 17) return ConntrackRef.Invalid;
                e.IcmpType = p.IcmpType;
                e.IcmpCode = p.IcmpCode;
                e.Expires = now + ConntrackTimeouts.Icmp;
                break;
            default:
                e.Expires = now + ConntrackTimeouts.Generic;
                break;
        }
        return e.OriginalRef;
    }

    private static bool IsIcmpError(byte type) => type is 3 or 4 or 5 or 11 or 12;

    private static bool Update(ConntrackEntry e, ConntrackDirection dir, NetfilterPacket p, TimeSpan now)
    {
        switch (p.Protocol)
        {
            case Tcp:
                var s = e.TcpState;
                var f = p.TcpFlags;
                bool orig = dir == ConntrackDirection.Original;
                if ((f & FlagRst) != 0) s = TcpConntrackState.Close;
                else if ((f & FlagSyn) != 0)
                {
                    if ((f & FlagAck) != 0)
                    {
                        if (!orig && s == TcpConntrackState.SynSent) s = TcpConntrackState.SynRecv;
                        else if (s is TcpConntrackState.SynSent) return false;
                    }
                }
                else if ((f & FlagFin) != 0)
                {
                    if (orig) e.FinSeenOriginal = true; else e.FinSeenReply = true;
                    if (s is TcpConntrackState.Established or TcpConntrackState.SynRecv) s = TcpConntrackState.FinWait;
                    else if (s == TcpConntrackState.FinWait && e.FinSeenOriginal && e.FinSeenReply) s = TcpConntrackState.LastAck;
                    else if (s == TcpConntrackState.CloseWait) s = TcpConntrackState.LastAck;
                }
                else if ((f & FlagAck) != 0)
                {
                    if (s == TcpConntrackState.SynRecv && orig) s = TcpConntrackState.Established;
                    else if (s == TcpConntrackState.FinWait && (orig ? e.FinSeenReply : e.FinSeenOriginal)) s = TcpConntrackState.CloseWait;
                    else if (s == TcpConntrackState.LastAck) s = TcpConntrackState.TimeWait;
                }
                if (s == TcpConntrackState.Established && e.TcpState == TcpConntrackState.SynRecv) e.Assured = true;
                if (s == TcpConntrackState.Established && e.SeenReply && e.TcpState == TcpConntrackState.Established) e.Assured = true;
                e.TcpState = s;
                e.Expires = now + ConntrackTimeouts.ForTcp(s);
                return true;
            case Udp:
                if (e.SeenReply)
                {
                    if (now > e.Created + UdpStreamAfter)
                    {
                        e.Expires = now + ConntrackTimeouts.UdpStream;
                        e.Assured = true;
                    }
                    else e.Expires = now + ConntrackTimeouts.Udp;
                }
                else e.Expires = now + ConntrackTimeouts.Udp;
                return true;
            case Icmp:
                e.Expires = now + ConntrackTimeouts.Icmp;
                return true;
            default:
                e.Expires = now + ConntrackTimeouts.Generic;
                return true;
        }
    }

    // the next table size at which confirmation sweeps expired entries (the gc worker's job): doubling
    // keeps the sweeps amortized O(1) per connection; lookups expire entries lazily in any case
    private int _sweepAt = 4096;

    /// <summary>__nf_conntrack_confirm: inserts an accepted first packet's entry into the table (and now and then drops expired ones, as the gc worker).</summary>
    public void Confirm(ConntrackEntry e, TimeSpan now)
    {
        if (e.Confirmed) return;
        if (_count >= _sweepAt)
        {
            Sweep(now);
            _sweepAt = Math.Max(4096, 2 * _count);
        }
        e.Confirmed = true;
        Hash(e, reply: false, e.Original);
        if (e.Reply != e.Original) Hash(e, reply: true, e.Reply);
        e.InTable = true;
        e.PreviousInTable = _last;
        e.NextInTable = null;
        if (_last is null) _first = e; else _last.NextInTable = e;
        _last = e;
        _count++;
    }

    /// <summary>Removes every entry (<c>conntrack -F</c>).</summary>
    public void Flush()
    {
        Array.Clear(_slots);
        _hashed = 0;
        for (var e = _first; e is not null;)
        {
            var next = e.NextInTable;
            e.InTable = false;
            e.OriginalHashed = e.ReplyHashed = false;
            e.PreviousInTable = e.NextInTable = null;
            e = next;
        }
        _first = _last = null;
        _count = 0;
    }

    /// <summary>Deletes the entries that match <paramref name="filter"/>; returns them.</summary>
    public IReadOnlyList<ConntrackEntry> Delete(ConntrackFilter filter, TimeSpan now)
    {
        var victims = Entries(now).Where(filter.Matches).ToList();
        foreach (var v in victims) Remove(v);
        return victims;
    }

    private static string ProtoName(byte p) => p switch { 6 => "tcp", 17 => "udp", 1 => "icmp", 132 => "sctp", _ => "unknown" };

    private static string TcpStateName(TcpConntrackState s) => s switch
    {
        TcpConntrackState.SynSent => "SYN_SENT",
        TcpConntrackState.SynRecv => "SYN_RECV",
        TcpConntrackState.Established => "ESTABLISHED",
        TcpConntrackState.FinWait => "FIN_WAIT",
        TcpConntrackState.CloseWait => "CLOSE_WAIT",
        TcpConntrackState.LastAck => "LAST_ACK",
        TcpConntrackState.TimeWait => "TIME_WAIT",
        TcpConntrackState.Close => "CLOSE",
        _ => "NONE",
    };

    /// <summary>One entry as a <c>conntrack -L</c> line (without newline).</summary>
    public static string Format(ConntrackEntry e, TimeSpan now)
    {
        var sb = new StringBuilder(200);
        var proto = e.Original.Protocol;
        sb.Append(ProtoName(proto).PadRight(8)).Append(' ').Append(proto.ToString(CultureInfo.InvariantCulture)).Append(' ');
        long secs = (long)Math.Ceiling((e.Expires - now).TotalSeconds) - 1;
        sb.Append(Math.Max(0, secs).ToString(CultureInfo.InvariantCulture)).Append(' ');
        if (proto == Tcp) sb.Append(TcpStateName(e.TcpState)).Append(' ');
        AppendTuple(sb, e.Original, e, false);
        if (!e.SeenReply) sb.Append("[UNREPLIED] ");
        AppendTuple(sb, e.Reply, e, true);
        if (e.Assured) sb.Append("[ASSURED] ");
        sb.Append("mark=").Append(e.Mark.ToString(CultureInfo.InvariantCulture)).Append(" use=1");
        return sb.ToString();
    }

    private static void AppendTuple(StringBuilder sb, in ConntrackTuple t, ConntrackEntry e, bool reply)
    {
        sb.Append("src=").Append(Ipv4.Format(t.Source)).Append(" dst=").Append(Ipv4.Format(t.Destination)).Append(' ');
        switch (t.Protocol)
        {
            case 6 or 17 or 132:
                sb.Append("sport=").Append(t.SourcePort.ToString(CultureInfo.InvariantCulture))
                  .Append(" dport=").Append(t.DestinationPort.ToString(CultureInfo.InvariantCulture)).Append(' ');
                break;
            case Icmp:
                int type = reply ? e.IcmpType switch { 8 => 0, 13 => 14, 15 => 16, 17 => 18, var x => x } : e.IcmpType;
                sb.Append("type=").Append(type.ToString(CultureInfo.InvariantCulture)).Append(" code=")
                  .Append(e.IcmpCode.ToString(CultureInfo.InvariantCulture)).Append(" id=")
                  .Append(t.SourcePort.ToString(CultureInfo.InvariantCulture)).Append(' ');
                break;
        }
    }
}

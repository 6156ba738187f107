namespace Podnet.Cluster.Dns.Wire;

/// <summary>A DNS message (RFC 1035 §4.1): header and the question, answer, authority and additional sections.
/// The EDNS0 OPT pseudo-record (RFC 6891) stays in <see cref="Additional"/>; <see cref="Edns"/> reads it.</summary>
public sealed class DnsMessage
{
    /// <summary>Header (ID, flags, RCODE).</summary>
    public DnsHeader Header { get; set; }

    /// <summary>Question section.</summary>
    public List<DnsQuestion> Questions { get; init; } = [];

    /// <summary>Answer section.</summary>
    public List<DnsResourceRecord> Answers { get; init; } = [];

    /// <summary>Authority section.</summary>
    public List<DnsResourceRecord> Authority { get; init; } = [];

    /// <summary>Additional section (the OPT record included).</summary>
    public List<DnsResourceRecord> Additional { get; init; } = [];

    /// <summary>The EDNS0 information of the OPT record, or null without one.</summary>
    public EdnsInfo? Edns
    {
        get
        {
            foreach (var rr in Additional)
            {
                if (rr.Type == DnsRecordType.OPT)
                {
                    return new EdnsInfo((ushort)rr.Class, (byte)(rr.Ttl >> 24), (byte)(rr.Ttl >> 16), (rr.Ttl & 0x8000) != 0,
                        rr.Data is OptRecordData o ? o.Options : []);
                }
            }
            return null;
        }
    }

    /// <summary>The full 12-bit RCODE: header RCODE plus the OPT record's extended bits.</summary>
    public int ExtendedRcode => (int)Header.Rcode | ((Edns?.ExtendedRcodeHigh ?? 0) << 4);

    /// <summary>A standard query (RD set) for one name, optionally with an OPT record advertising
    /// <paramref name="ednsUdpSize"/>.</summary>
    public static DnsMessage Query(ushort id, string name, DnsRecordType type, ushort? ednsUdpSize = null, bool recursionDesired = true)
    {
        var m = new DnsMessage { Header = new DnsHeader(id, RecursionDesired: recursionDesired) };
        m.Questions.Add(new DnsQuestion(DnsName.Fqdn(name), type));
        if (ednsUdpSize is { } size) m.Additional.Add(EdnsInfo.CreateOpt(size, 0, false, []));
        return m;
    }

    /// <summary>A response skeleton for <paramref name="query"/>: same ID, opcode, RD and CD, the question copied, and
    /// an OPT record (version 0) when the query carried one, as RFC 6891 §7 asks; like CoreDNS's <c>SizeAndDo</c> it
    /// mirrors the client's UDP size (at least 512) and DO bit.</summary>
    public static DnsMessage ResponseTo(DnsMessage query, DnsRcode rcode = DnsRcode.NoError, bool authoritative = false)
    {
        var h = query.Header;
        var m = new DnsMessage
        {
            Header = new DnsHeader(h.Id, IsResponse: true, Opcode: h.Opcode, Authoritative: authoritative,
                RecursionDesired: h.RecursionDesired, CheckingDisabled: h.CheckingDisabled, Rcode: rcode),
        };
        m.Questions.AddRange(query.Questions);
        if (query.Edns is { } e) m.Additional.Add(EdnsInfo.CreateOpt(Math.Max((ushort)512, e.UdpPayloadSize), 0, e.DnssecOk, []));
        return m;
    }
}

/// <summary>EDNS0 fields of an OPT record (RFC 6891 §6.1.3).</summary>
public sealed record EdnsInfo(ushort UdpPayloadSize, byte ExtendedRcodeHigh, byte Version, bool DnssecOk, IReadOnlyList<EdnsOption> Options)
{
    /// <summary>An OPT pseudo-record with these fields.</summary>
    public static DnsResourceRecord CreateOpt(ushort udpSize, byte version, bool dnssecOk, IReadOnlyList<EdnsOption> options) =>
        new(DnsName.Root, DnsRecordType.OPT, (DnsClass)udpSize, ((uint)version << 16) | (dnssecOk ? 0x8000u : 0u), new OptRecordData(options));
}

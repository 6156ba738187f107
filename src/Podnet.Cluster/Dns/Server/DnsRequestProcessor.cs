using Podnet.Cluster.Dns.Wire;

namespace Podnet.Cluster.Dns.Server;

/// <summary>The transport-independent part of a DNS server: bytes in, bytes out. Applies RFC 1035 §4.1.1 error rules
/// before the handler sees anything: no reply to fewer than 12 bytes or to responses (QR=1); FORMERR when the header is
/// readable but the rest is not, or QDCOUNT is not 1; NOTIMP for opcodes other than QUERY; BADVERS for EDNS versions
/// above 0 (RFC 6891 §6.1.3); SERVFAIL when the handler throws. Answers are truncated with TC to 512 bytes over UDP,
/// or to the client's EDNS0 UDP size (at least 512, at most 65535).</summary>
public sealed class DnsRequestProcessor(IDnsHandler handler)
{
    private long _received, _answered, _formErr, _notImp, _servFail, _ignored, _truncated;

    /// <summary>Datagrams or frames seen.</summary>
    public long Received => Interlocked.Read(ref _received);
    /// <summary>Replies produced.</summary>
    public long Answered => Interlocked.Read(ref _answered);
    /// <summary>FORMERR replies.</summary>
    public long FormErr => Interlocked.Read(ref _formErr);
    /// <summary>NOTIMP replies.</summary>
    public long NotImp => Interlocked.Read(ref _notImp);
    /// <summary>SERVFAIL replies caused by a handler failure.</summary>
    public long ServFail => Interlocked.Read(ref _servFail);
    /// <summary>Inputs dropped without reply (short or a response).</summary>
    public long Ignored => Interlocked.Read(ref _ignored);
    /// <summary>Replies sent with TC.</summary>
    public long Truncated => Interlocked.Read(ref _truncated);

    /// <summary>The reply bytes for one request, or null when no reply is due.</summary>
    public byte[]? Process(ReadOnlySpan<byte> request, bool udp)
    {
        Interlocked.Increment(ref _received);
        var parsed = DnsMessageReader.Parse(request);
        if (parsed.Header is not { } header || header.IsResponse)
        {
            Interlocked.Increment(ref _ignored);
            return null;
        }
        DnsMessage reply;
        if (!parsed.Ok)
        {
            Interlocked.Increment(ref _formErr);
            reply = new DnsMessage { Header = new DnsHeader(header.Id, IsResponse: true, Opcode: header.Opcode, RecursionDesired: header.RecursionDesired, Rcode: DnsRcode.FormErr) };
            return Finish(reply, 512);
        }
        var query = parsed.Message!;
        var maxUdp = 512;
        if (query.Edns is { } edns) maxUdp = Math.Max(512, (int)edns.UdpPayloadSize);
        var limit = udp ? maxUdp : ushort.MaxValue;
        if (header.Opcode != DnsOpcode.Query)
        {
            Interlocked.Increment(ref _notImp);
            return Finish(DnsMessage.ResponseTo(query, DnsRcode.NotImp), limit);
        }
        if (query.Questions.Count != 1 || query.Additional.Count(r => r.Type == DnsRecordType.OPT) > 1)
        {
            Interlocked.Increment(ref _formErr);
            var bad = DnsMessage.ResponseTo(query, DnsRcode.FormErr);
            bad.Questions.Clear();
            return Finish(bad, limit);
        }
        if (query.Edns is { Version: > 0 })
        {
            // BADVERS = 16: upper 8 bits (1) in the OPT TTL, lower 4 bits (0) in the header.
            var r = DnsMessage.ResponseTo(query);
            r.Additional.Clear();
            r.Additional.Add(new DnsResourceRecord(DnsName.Root, DnsRecordType.OPT, (DnsClass)1232, 1u << 24, new OptRecordData([])));
            return Finish(r, limit);
        }
        try
        {
            reply = handler.Answer(query);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _servFail);
            reply = DnsMessage.ResponseTo(query, DnsRcode.ServFail);
        }
        return Finish(reply, limit);
    }

    private byte[] Finish(DnsMessage reply, int limit)
    {
        byte[] bytes;
        try
        {
            bytes = DnsMessageWriter.Write(reply, limit);
        }
        catch (ArgumentException)
        {
            // The handler produced something unencodable (e.g. a name from a query echoed into a longer one).
            Interlocked.Increment(ref _servFail);
            var fail = new DnsMessage { Header = reply.Header with { Rcode = DnsRcode.ServFail, Truncated = false } };
            fail.Questions.AddRange(reply.Questions);
            bytes = DnsMessageWriter.Write(fail, limit);
        }
        if (bytes.Length >= 3 && (bytes[2] & 0x02) != 0) Interlocked.Increment(ref _truncated);
        Interlocked.Increment(ref _answered);
        return bytes;
    }
}

using System.Buffers.Binary;
using System.Net;

namespace Podnet.Cluster.Dns.Wire;

/// <summary>Checked RFC 1035 decoder for untrusted bytes: never throws, never allocates more than the input justifies,
/// rejects truncated sections, compression pointers that do not point strictly backwards (loops, forward and
/// out-of-range pointers), reserved label types, names over 255 octets and RDATA that does not match its TYPE.</summary>
public static class DnsMessageReader
{
    /// <summary>Size of the fixed header.</summary>
    public const int HeaderLength = 12;

    /// <summary>Parses one message that fills <paramref name="data"/> exactly (a UDP payload or a TCP frame body).</summary>
    public static DnsParseResult Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderLength) return new DnsParseResult(null, null, DnsParseError.ShortHeader, 0);
        var header = DnsHeader.FromWire(BinaryPrimitives.ReadUInt16BigEndian(data), BinaryPrimitives.ReadUInt16BigEndian(data[2..]));
        int qd = BinaryPrimitives.ReadUInt16BigEndian(data[4..]);
        int an = BinaryPrimitives.ReadUInt16BigEndian(data[6..]);
        int ns = BinaryPrimitives.ReadUInt16BigEndian(data[8..]);
        int ar = BinaryPrimitives.ReadUInt16BigEndian(data[10..]);
        // Each question takes at least 5 bytes and each RR at least 11: cap list capacities by what the data can hold.
        var remaining = data.Length - HeaderLength;
        var msg = new DnsMessage
        {
            Header = header,
            Questions = new List<DnsQuestion>(Math.Min(qd, remaining / 5)),
            Answers = new List<DnsResourceRecord>(Math.Min(an, remaining / 11)),
            Authority = new List<DnsResourceRecord>(Math.Min(ns, remaining / 11)),
            Additional = new List<DnsResourceRecord>(Math.Min(ar, remaining / 11)),
        };
        var pos = HeaderLength;
        for (var i = 0; i < qd; i++)
        {
            var err = ReadName(data, ref pos, out var name);
            if (err != DnsParseError.None) return Fail(err, pos);
            if (pos + 4 > data.Length) return Fail(DnsParseError.Truncated, pos);
            var type = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
            var cls = (DnsClass)BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 2)..]);
            pos += 4;
            msg.Questions.Add(new DnsQuestion(name, type, cls));
        }
        foreach (var (count, list) in new[] { (an, msg.Answers), (ns, msg.Authority), (ar, msg.Additional) })
        {
            for (var i = 0; i < count; i++)
            {
                var err = ReadRecord(data, ref pos, out var rr);
                if (err != DnsParseError.None) return Fail(err, pos);
                list.Add(rr!);
            }
        }
        if (pos != data.Length) return Fail(DnsParseError.TrailingData, pos);
        return new DnsParseResult(msg, header, DnsParseError.None, 0);

        DnsParseResult Fail(DnsParseError e, int at) => new(null, header, e, at);
    }

    /// <summary>Convenience: true and the message when <paramref name="data"/> is valid.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out DnsMessage? message, out DnsParseError error)
    {
        var r = Parse(data);
        message = r.Message;
        error = r.Error;
        return r.Ok;
    }

    private static DnsParseError ReadRecord(ReadOnlySpan<byte> data, ref int pos, out DnsResourceRecord? rr)
    {
        rr = null;
        var err = ReadName(data, ref pos, out var name);
        if (err != DnsParseError.None) return err;
        if (pos + 10 > data.Length) return DnsParseError.Truncated;
        var type = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
        var cls = (DnsClass)BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 2)..]);
        var ttl = BinaryPrimitives.ReadUInt32BigEndian(data[(pos + 4)..]);
        int rdlen = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 8)..]);
        pos += 10;
        if (pos + rdlen > data.Length) return DnsParseError.Truncated;
        var start = pos;
        var end = pos + rdlen;
        DnsRecordData? rdata;
        switch (type)
        {
            case DnsRecordType.A:
                if (rdlen != 4) return DnsParseError.BadRdata;
                rdata = new ARecordData(new IPAddress(data.Slice(start, 4)));
                break;
            case DnsRecordType.AAAA:
                if (rdlen != 16) return DnsParseError.BadRdata;
                rdata = new AaaaRecordData(new IPAddress(data.Slice(start, 16)));
                break;
            case DnsRecordType.CNAME or DnsRecordType.NS or DnsRecordType.PTR:
            {
                var p = start;
                err = ReadName(data[..end], ref p, out var target, data);
                if (err != DnsParseError.None) return err == DnsParseError.Truncated ? DnsParseError.BadRdata : err;
                if (p != end) return DnsParseError.BadRdata;
                rdata = new NameRecordData(target);
                break;
            }
            case DnsRecordType.SOA:
            {
                var p = start;
                err = ReadName(data[..end], ref p, out var mname, data);
                if (err != DnsParseError.None) return err == DnsParseError.Truncated ? DnsParseError.BadRdata : err;
                err = ReadName(data[..end], ref p, out var rname, data);
                if (err != DnsParseError.None) return err == DnsParseError.Truncated ? DnsParseError.BadRdata : err;
                if (end - p != 20) return DnsParseError.BadRdata;
                rdata = new SoaRecordData(mname, rname,
                    BinaryPrimitives.ReadUInt32BigEndian(data[p..]), BinaryPrimitives.ReadUInt32BigEndian(data[(p + 4)..]),
                    BinaryPrimitives.ReadUInt32BigEndian(data[(p + 8)..]), BinaryPrimitives.ReadUInt32BigEndian(data[(p + 12)..]),
                    BinaryPrimitives.ReadUInt32BigEndian(data[(p + 16)..]));
                break;
            }
            case DnsRecordType.SRV:
            {
                if (rdlen < 7) return DnsParseError.BadRdata;
                var p = start + 6;
                err = ReadName(data[..end], ref p, out var target, data);
                if (err != DnsParseError.None) return err == DnsParseError.Truncated ? DnsParseError.BadRdata : err;
                if (p != end) return DnsParseError.BadRdata;
                rdata = new SrvRecordData(BinaryPrimitives.ReadUInt16BigEndian(data[start..]),
                    BinaryPrimitives.ReadUInt16BigEndian(data[(start + 2)..]), BinaryPrimitives.ReadUInt16BigEndian(data[(start + 4)..]), target);
                break;
            }
            case DnsRecordType.MX:
            {
                if (rdlen < 3) return DnsParseError.BadRdata;
                var p = start + 2;
                err = ReadName(data[..end], ref p, out var target, data);
                if (err != DnsParseError.None) return err == DnsParseError.Truncated ? DnsParseError.BadRdata : err;
                if (p != end) return DnsParseError.BadRdata;
                rdata = new MxRecordData(BinaryPrimitives.ReadUInt16BigEndian(data[start..]), target);
                break;
            }
            case DnsRecordType.TXT:
            {
                var strings = new List<byte[]>();
                var p = start;
                while (p < end)
                {
                    int len = data[p];
                    if (p + 1 + len > end) return DnsParseError.BadRdata;
                    strings.Add(data.Slice(p + 1, len).ToArray());
                    p += 1 + len;
                }
                rdata = new TxtRecordData(strings);
                break;
            }
            case DnsRecordType.OPT:
            {
                if (name != DnsName.Root) return DnsParseError.BadRdata;
                var options = new List<EdnsOption>();
                var p = start;
                while (p < end)
                {
                    if (p + 4 > end) return DnsParseError.BadRdata;
                    var code = BinaryPrimitives.ReadUInt16BigEndian(data[p..]);
                    int len = BinaryPrimitives.ReadUInt16BigEndian(data[(p + 2)..]);
                    if (p + 4 + len > end) return DnsParseError.BadRdata;
                    options.Add(new EdnsOption(code, data.Slice(p + 4, len).ToArray()));
                    p += 4 + len;
                }
                rdata = new OptRecordData(options);
                break;
            }
            default:
                rdata = new UnknownRecordData(data.Slice(start, rdlen).ToArray());
                break;
        }
        pos = end;
        rr = new DnsResourceRecord(name, type, cls, ttl, rdata);
        return DnsParseError.None;
    }

    /// <summary>Reads a possibly compressed name at <paramref name="pos"/> (advanced past the name's bytes in place).
    /// <paramref name="bounded"/> limits where the uncompressed part may run (RDATA end); pointers may reach anywhere
    /// earlier in <paramref name="whole"/> (the full message).</summary>
    private static DnsParseError ReadName(ReadOnlySpan<byte> bounded, ref int pos, out string name, ReadOnlySpan<byte> whole = default)
    {
        if (whole.IsEmpty) whole = bounded;
        name = DnsName.Root;
        Span<char> buf = stackalloc char[1024];
        var written = 0;
        var wireLength = 1;
        var p = pos;
        var jumped = false;
        var span = bounded;
        while (true)
        {
            if (p >= span.Length) return DnsParseError.Truncated;
            int len = span[p];
            if (len == 0)
            {
                if (!jumped) pos = p + 1;
                break;
            }
            switch (len & 0xC0)
            {
                case 0xC0:
                {
                    if (p + 1 >= span.Length) return DnsParseError.Truncated;
                    var target = ((len & 0x3F) << 8) | span[p + 1];
                    // Strictly backwards: every hop lowers the offset, so no loop can exist.
                    if (target >= p) return DnsParseError.BadPointer;
                    if (!jumped) pos = p + 2;
                    jumped = true;
                    span = whole;
                    p = target;
                    continue;
                }
                case 0x40 or 0x80:
                    return DnsParseError.BadLabelType;
            }
            if (p + 1 + len > span.Length) return DnsParseError.Truncated;
            wireLength += len + 1;
            if (wireLength > DnsName.MaxWireLength) return DnsParseError.NameTooLong;
            foreach (var b in span.Slice(p + 1, len))
            {
                switch (b)
                {
                    case (byte)'.' or (byte)'\\' or (byte)'"' or (byte)'(' or (byte)')' or (byte)';' or (byte)'@' or (byte)'$':
                        buf[written++] = '\\';
                        buf[written++] = (char)b;
                        break;
                    case < 0x21 or > 0x7E:
                        buf[written++] = '\\';
                        buf[written++] = (char)('0' + b / 100);
                        buf[written++] = (char)('0' + b / 10 % 10);
                        buf[written++] = (char)('0' + b % 10);
                        break;
                    default:
                        buf[written++] = (char)b;
                        break;
                }
            }
            buf[written++] = '.';
            p += 1 + len;
        }
        if (written > 0) name = new string(buf[..written]);
        return DnsParseError.None;
    }
}

using System.Buffers.Binary;
using System.Net.Sockets;

namespace Podnet.Cluster.Dns.Wire;

/// <summary>RFC 1035 encoder with case-preserving name compression (§4.1.4: only byte-identical suffixes share a
/// pointer, as miekg/dns does, so answers keep the case of the names CoreDNS generated) for owner names and the RDATA names RFC 3597 §4 allows
/// (NS, CNAME, PTR, SOA, MX; never SRV targets), and truncation to a size limit: records that do not fit are dropped
/// and TC is set (RFC 2181 §9), the OPT record being kept whenever it fits.</summary>
public sealed class DnsMessageWriter
{
    private byte[] _buf = new byte[512];
    private int _len;
    private readonly Dictionary<string, int> _compression = new(StringComparer.Ordinal);

    /// <summary>Encodes <paramref name="message"/>. Names must be valid presentation-form names (an invalid name is a
    /// programming error here: <see cref="ArgumentException"/>).</summary>
    public static byte[] Write(DnsMessage message) => new DnsMessageWriter().Encode(message, int.MaxValue);

    /// <summary>Encodes <paramref name="message"/> to at most <paramref name="maxSize"/> bytes; when the whole message
    /// does not fit, trailing records are dropped and the TC bit is set.</summary>
    public static byte[] Write(DnsMessage message, int maxSize) => new DnsMessageWriter().Encode(message, maxSize);

    /// <summary>Encodes with this writer's reusable buffer.</summary>
    public byte[] Encode(DnsMessage message, int maxSize)
    {
        var opt = message.Additional.FirstOrDefault(r => r.Type == DnsRecordType.OPT);
        var full = EncodeCore(message.Header, message.Questions, message.Answers, message.Authority, message.Additional);
        if (full.Length <= maxSize) return full;
        // Too big: keep as many records (answer, then authority, then additional) as fit, with the OPT record.
        var all = message.Answers.Select(r => (0, r)).Concat(message.Authority.Select(r => (1, r)))
            .Concat(message.Additional.Where(r => r.Type != DnsRecordType.OPT).Select(r => (2, r))).ToList();
        var header = message.Header with { Truncated = true };
        int lo = 0, hi = all.Count;
        byte[]? best = null;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            var take = all.Take(mid).ToList();
            var add = take.Where(t => t.Item1 == 2).Select(t => t.r).ToList();
            if (opt != null) add.Add(opt);
            var bytes = EncodeCore(header, message.Questions, take.Where(t => t.Item1 == 0).Select(t => t.r).ToList(),
                take.Where(t => t.Item1 == 1).Select(t => t.r).ToList(), add);
            if (bytes.Length <= maxSize) { best = bytes; lo = mid + 1; }
            else hi = mid - 1;
        }
        if (best != null) return best;
        // Not even the question (and OPT) fits: header only with TC.
        var bare = EncodeCore(header, message.Questions, [], [], opt != null ? [opt] : []);
        return bare.Length <= maxSize ? bare : EncodeCore(header, [], [], [], []);
    }

    private byte[] EncodeCore(DnsHeader header, List<DnsQuestion> qs, List<DnsResourceRecord> an, List<DnsResourceRecord> ns, List<DnsResourceRecord> ar)
    {
        _len = 0;
        _compression.Clear();
        U16(header.Id);
        U16(header.Flags);
        U16(Count(qs.Count));
        U16(Count(an.Count));
        U16(Count(ns.Count));
        U16(Count(ar.Count));
        foreach (var q in qs)
        {
            Name(q.Name, compress: true);
            U16((ushort)q.Type);
            U16((ushort)q.Class);
        }
        foreach (var rr in an) Record(rr);
        foreach (var rr in ns) Record(rr);
        foreach (var rr in ar) Record(rr);
        return _buf.AsSpan(0, _len).ToArray();
    }

    private static ushort Count(int n) => n <= ushort.MaxValue ? (ushort)n : throw new ArgumentException("too many records for one DNS message");

    private void Record(DnsResourceRecord rr)
    {
        Name(rr.Name, compress: true);
        U16((ushort)rr.Type);
        U16((ushort)rr.Class);
        U32(rr.Ttl);
        var lenAt = _len;
        U16(0);
        var start = _len;
        switch (rr.Data)
        {
            case ARecordData a:
                if (a.Address.AddressFamily != AddressFamily.InterNetwork) throw new ArgumentException("A record needs an IPv4 address");
                Ensure(4);
                a.Address.TryWriteBytes(_buf.AsSpan(_len), out _);
                _len += 4;
                break;
            case AaaaRecordData a:
                if (a.Address.AddressFamily != AddressFamily.InterNetworkV6) throw new ArgumentException("AAAA record needs an IPv6 address");
                Ensure(16);
                a.Address.TryWriteBytes(_buf.AsSpan(_len), out _);
                _len += 16;
                break;
            case NameRecordData n:
                Name(n.Target, compress: rr.Type is DnsRecordType.CNAME or DnsRecordType.NS or DnsRecordType.PTR);
                break;
            case SoaRecordData s:
                Name(s.MName, compress: true);
                Name(s.RName, compress: true);
                U32(s.Serial);
                U32(s.Refresh);
                U32(s.Retry);
                U32(s.Expire);
                U32(s.Minimum);
                break;
            case SrvRecordData s:
                U16(s.Priority);
                U16(s.Weight);
                U16(s.Port);
                Name(s.Target, compress: false);
                break;
            case MxRecordData m:
                U16(m.Preference);
                Name(m.Exchange, compress: true);
                break;
            case TxtRecordData t:
                foreach (var s in t.Strings)
                {
                    if (s.Length > 255) throw new ArgumentException("TXT character-string longer than 255 bytes");
                    Ensure(1 + s.Length);
                    _buf[_len++] = (byte)s.Length;
                    s.CopyTo(_buf, _len);
                    _len += s.Length;
                }
                break;
            case OptRecordData o:
                foreach (var opt in o.Options)
                {
                    U16(opt.Code);
                    U16(checked((ushort)opt.Data.Length));
                    Bytes(opt.Data);
                }
                break;
            case UnknownRecordData u:
                Bytes(u.Data);
                break;
            default:
                throw new ArgumentException($"unsupported RDATA {rr.Data.GetType().Name}");
        }
        var rdlen = _len - start;
        if (rdlen > ushort.MaxValue) throw new ArgumentException("RDATA longer than 65535 bytes");
        BinaryPrimitives.WriteUInt16BigEndian(_buf.AsSpan(lenAt), (ushort)rdlen);
    }

    private void Name(string name, bool compress)
    {
        if (!DnsName.TryEncode(name, out var labels, out var error)) throw new ArgumentException(error);
        // Suffix i of the name = labels[i..]; its key is the presentation text from label i on.
        var starts = LabelStarts(name);
        for (var i = 0; i < labels.Count; i++)
        {
            var key = name[starts[i]..];
            if (key.Length == 0 || key[^1] != '.') key += ".";
            if (compress && _compression.TryGetValue(key, out var ptr))
            {
                U16((ushort)(0xC000 | ptr));
                return;
            }
            if (_len < 0x3FFF) _compression.TryAdd(key, _len);
            Ensure(1 + labels[i].Length);
            _buf[_len++] = (byte)labels[i].Length;
            labels[i].CopyTo(_buf, _len);
            _len += labels[i].Length;
        }
        Ensure(1);
        _buf[_len++] = 0;
    }

    private static List<int> LabelStarts(string name)
    {
        var starts = new List<int>();
        var atStart = true;
        for (var i = 0; i < name.Length; i++)
        {
            if (atStart && name[i] != '.') { starts.Add(i); atStart = false; }
            if (name[i] == '\\') { i++; continue; }
            if (name[i] == '.') atStart = true;
        }
        return starts;
    }

    private void U16(ushort v)
    {
        Ensure(2);
        BinaryPrimitives.WriteUInt16BigEndian(_buf.AsSpan(_len), v);
        _len += 2;
    }

    private void U32(uint v)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32BigEndian(_buf.AsSpan(_len), v);
        _len += 4;
    }

    private void Bytes(byte[] b)
    {
        Ensure(b.Length);
        b.CopyTo(_buf, _len);
        _len += b.Length;
    }

    private void Ensure(int n)
    {
        if (_len + n <= _buf.Length) return;
        Array.Resize(ref _buf, Math.Max(_buf.Length * 2, _len + n));
    }
}

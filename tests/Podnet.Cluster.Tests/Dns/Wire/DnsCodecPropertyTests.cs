using System.Net;
using FsCheck;
using FsCheck.Fluent;
using Podnet.Cluster.Dns.Wire;
using Xunit;

namespace Podnet.Cluster.Tests.Dns.Wire;

public class DnsCodecPropertyTests
{
    private static readonly Gen<string> Label =
        from len in Gen.Choose(1, 20)
        from chars in Gen.ArrayOf(Gen.Elements("abcXYZ019-_.\\ \u0001".ToCharArray()), len)
        select Escape(new string(chars));

    private static string Escape(string raw) => string.Concat(raw.Select(c => c switch
    {
        '.' => "\\.",
        '\\' => "\\\\",
        ' ' => "\\032",
        '\u0001' => "\\001",
        _ => c.ToString(),
    }));

    internal static readonly Gen<string> Name =
        from n in Gen.Choose(0, 5)
        from labels in Gen.ArrayOf(Label, n)
        select labels.Length == 0 ? "." : string.Join('.', labels) + ".";

    private static readonly Gen<DnsRecordData> Data = Gen.OneOf(
        Gen.Choose(0, int.MaxValue).Select(i => (DnsRecordData)new ARecordData(new IPAddress(BitConverter.GetBytes(i)))),
        Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 16).Select(b => (DnsRecordData)new AaaaRecordData(new IPAddress(b))),
        Name.Select(n => (DnsRecordData)new NameRecordData(n)),
        from a in Name from b in Name from s in Gen.Choose(0, int.MaxValue)
        select (DnsRecordData)new SoaRecordData(a, b, (uint)s, 7200, 1800, 86400, 30),
        from p in Gen.Choose(0, 65535) from w in Gen.Choose(0, 65535) from t in Name
        select (DnsRecordData)new SrvRecordData((ushort)p, (ushort)w, 53, t),
        Gen.ListOf(Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))).Select(l => (DnsRecordData)new TxtRecordData(l.ToArray())),
        Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).Select(b => (DnsRecordData)new UnknownRecordData(b)));

    private static DnsRecordType TypeOf(DnsRecordData d, int pick) => d switch
    {
        ARecordData => DnsRecordType.A,
        AaaaRecordData => DnsRecordType.AAAA,
        NameRecordData => new[] { DnsRecordType.CNAME, DnsRecordType.NS, DnsRecordType.PTR }[pick % 3],
        SoaRecordData => DnsRecordType.SOA,
        SrvRecordData => DnsRecordType.SRV,
        TxtRecordData => DnsRecordType.TXT,
        _ => (DnsRecordType)(1000 + pick),
    };

    private static readonly Gen<DnsResourceRecord> Record =
        from name in Name from data in Data from pick in Gen.Choose(0, 100) from ttl in Gen.Choose(0, int.MaxValue)
        select new DnsResourceRecord(name, TypeOf(data, pick), DnsClass.IN, (uint)ttl, data);

    internal static readonly Gen<DnsMessage> Message =
        from id in Gen.Choose(0, 65535)
        from flags in Gen.Choose(0, 65535)
        from qs in Gen.ListOf(Name.Select(n => new DnsQuestion(n, DnsRecordType.A)))
        from an in Gen.ListOf(Record)
        from ns in Gen.ListOf(Record)
        from ar in Gen.ListOf(Record)
        select new DnsMessage
        {
            Header = DnsHeader.FromWire((ushort)id, (ushort)flags),
            Questions = qs.Take(3).ToList(),
            Answers = an.Take(6).ToList(),
            Authority = ns.Take(3).ToList(),
            Additional = ar.Take(3).ToList(),
        };

    private static string Show(DnsMessage m) =>
        $"{m.Header}|{string.Join(",", m.Questions)}|{string.Join(",", m.Answers)}|{string.Join(",", m.Authority)}|{string.Join(",", m.Additional)}";

    [Fact]
    public void Write_then_read_gives_the_same_message()
    {
        Prop.ForAll(Arb.From(Message), m =>
        {
            var bytes = DnsMessageWriter.Write(m);
            var r = DnsMessageReader.Parse(bytes);
            return r.Ok && Show(r.Message!) == Show(m) && DnsMessageWriter.Write(r.Message!).AsSpan().SequenceEqual(bytes);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Truncated_writes_fit_and_stay_parseable()
    {
        Prop.ForAll(Arb.From(Message), Arb.From(Gen.Choose(12, 600)), (m, max) =>
        {
            var bytes = DnsMessageWriter.Write(m, max);
            var full = DnsMessageWriter.Write(m);
            if (full.Length <= max) return bytes.AsSpan().SequenceEqual(full);
            var r = DnsMessageReader.Parse(bytes);
            return bytes.Length <= max && r.Ok && r.Message!.Header.Truncated;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Every_prefix_of_a_valid_message_is_rejected_without_throwing()
    {
        Prop.ForAll(Arb.From(Message), m =>
        {
            var bytes = DnsMessageWriter.Write(m);
            for (var i = 0; i < bytes.Length; i++)
            {
                var r = DnsMessageReader.Parse(bytes.AsSpan(0, i));
                if (r.Ok && i < bytes.Length) return false;
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }
}

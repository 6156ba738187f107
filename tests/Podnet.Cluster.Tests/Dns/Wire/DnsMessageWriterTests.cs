using System.Net;
using Podnet.Cluster.Dns.Wire;
using Xunit;

namespace Podnet.Cluster.Tests.Dns.Wire;

public class DnsMessageWriterTests
{
    [Fact]
    public void Owner_names_are_compressed_against_the_question_preserving_case()
    {
        var m = new DnsMessage { Header = new DnsHeader(1, IsResponse: true) };
        m.Questions.Add(new DnsQuestion("web.Shop.", DnsRecordType.A));
        m.Answers.Add(DnsResourceRecord.In("web.Shop.", DnsRecordType.A, 30, new ARecordData(IPAddress.Parse("10.0.0.1"))));
        m.Answers.Add(DnsResourceRecord.In("web.shop.", DnsRecordType.A, 30, new ARecordData(IPAddress.Parse("10.0.0.2"))));
        var hex = Convert.ToHexString(DnsMessageWriter.Write(m));
        Assert.Equal(("000180000001000200000000" + "03776562" + "0453686f70" + "00" + "00010001"
            + "c00c" + "0001" + "0001" + "0000001e" + "0004" + "0a000001"
            + "03776562" + "0473686f70" + "00" + "0001" + "0001" + "0000001e" + "0004" + "0a000002").ToUpperInvariant(), hex);
        var back = DnsMessageReader.Parse(Convert.FromHexString(hex)).Message!;
        Assert.Equal("web.shop.", back.Answers[1].Name);
        Assert.Equal("web.Shop.", back.Answers[0].Name);
    }

    [Fact]
    public void Suffixes_compress_and_srv_targets_do_not()
    {
        var m = new DnsMessage { Header = new DnsHeader(1, IsResponse: true) };
        m.Questions.Add(new DnsQuestion("a.shop.", DnsRecordType.SRV));
        m.Answers.Add(DnsResourceRecord.In("a.shop.", DnsRecordType.SRV, 5, new SrvRecordData(0, 100, 80, "b.shop.")));
        m.Answers.Add(DnsResourceRecord.In("c.shop.", DnsRecordType.CNAME, 5, new NameRecordData("b.shop.")));
        var hex = Convert.ToHexString(DnsMessageWriter.Write(m)).ToLowerInvariant();
        // SRV RDATA: 0000 0064 0050 then the target in full (01 62 04 shop 00), no pointer.
        Assert.Contains("00000064005001620473686f7000", hex);
        // CNAME owner "c" + pointer to "shop." (offset 14); CNAME target "b.shop." is compressed to a pointer.
        Assert.Contains("0163c00e", hex);
        var back = DnsMessageReader.Parse(Convert.FromHexString(hex)).Message!;
        Assert.Equal("c.shop.\t5\tIN\tCNAME\tb.shop.", back.Answers[1].ToString());
    }

    [Fact]
    public void Oversize_udp_answer_is_truncated_with_tc()
    {
        var q = DnsMessage.Query(42, "big.shop.svc.cluster.local", DnsRecordType.A);
        var m = DnsMessage.ResponseTo(q, authoritative: true);
        for (var i = 0; i < 100; i++)
            m.Answers.Add(DnsResourceRecord.In("big.shop.svc.cluster.local.", DnsRecordType.A, 30, new ARecordData(new IPAddress([10, 0, 1, (byte)i]))));
        var full = DnsMessageWriter.Write(m);
        Assert.True(full.Length > 512);
        var cut = DnsMessageWriter.Write(m, 512);
        Assert.True(cut.Length <= 512);
        var back = DnsMessageReader.Parse(cut).Message!;
        Assert.True(back.Header.Truncated);
        Assert.InRange(back.Answers.Count, 1, 99);
        Assert.Equal("big.shop.svc.cluster.local.", back.Questions[0].Name);
        Assert.False(DnsMessageReader.Parse(full).Message!.Header.Truncated);
    }

    [Fact]
    public void Truncation_keeps_the_opt_record()
    {
        var q = DnsMessage.Query(42, "big.", DnsRecordType.A, ednsUdpSize: 1232);
        var m = DnsMessage.ResponseTo(q);
        for (var i = 0; i < 200; i++)
            m.Answers.Add(DnsResourceRecord.In("big.", DnsRecordType.A, 30, new ARecordData(new IPAddress([10, 0, (byte)(i / 256), (byte)i]))));
        var back = DnsMessageReader.Parse(DnsMessageWriter.Write(m, 1232)).Message!;
        Assert.True(back.Header.Truncated);
        Assert.NotNull(back.Edns);
    }

    [Theory]
    [InlineData("a..b.", "empty label")]
    [InlineData("bad\\", "dangling escape")]
    public void Invalid_names_are_refused_by_the_encoder(string name, string reason)
    {
        Assert.False(DnsName.TryEncode(name, out _, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Label_and_name_length_limits()
    {
        Assert.True(DnsName.TryEncode(new string('a', 63) + ".x.", out _, out _));
        Assert.False(DnsName.TryEncode(new string('a', 64) + ".x.", out _, out var e1));
        Assert.Contains("63", e1);
        var ok = string.Join('.', Enumerable.Repeat(new string('a', 63), 3)) + "." + new string('b', 61) + ".";
        Assert.True(DnsName.TryEncode(ok, out _, out _)); // 64*3 + 62 + 1 = 255
        Assert.False(DnsName.TryEncode("c." + ok, out _, out var e2));
        Assert.Contains("255", e2);
    }

    [Fact]
    public void Tcp_framing_round_trips_split_streams()
    {
        var a = DnsMessageWriter.Write(DnsMessage.Query(1, "a.", DnsRecordType.A));
        var b = DnsMessageWriter.Write(DnsMessage.Query(2, "b.", DnsRecordType.AAAA));
        var stream = DnsTcpFraming.Frame(a).Concat(DnsTcpFraming.Frame(b)).ToArray();
        Assert.Equal(a.Length, (stream[0] << 8) | stream[1]);
        var frames = new List<byte[]>();
        var used = DnsTcpFraming.Deframe(stream.AsSpan(0, stream.Length - 3), frames);
        Assert.Single(frames);
        Assert.Equal(a.Length + 2, used);
        frames.Clear();
        Assert.Equal(stream.Length, DnsTcpFraming.Deframe(stream, frames));
        Assert.Equal(2, frames.Count);
        Assert.Equal(b, frames[1]);
    }

    [Fact]
    public void Names_compare_case_insensitively()
    {
        Assert.True(DnsName.NameEquals("Web.SHOP.svc.Cluster.Local.", "web.shop.svc.cluster.local"));
        Assert.True(DnsName.IsSubdomainOf("a.B.cluster.local.", "Cluster.Local."));
        Assert.False(DnsName.IsSubdomainOf("acluster.local.", "cluster.local."));
        Assert.Equal(2, DnsName.CountDots("web.shop.svc"));
    }
}

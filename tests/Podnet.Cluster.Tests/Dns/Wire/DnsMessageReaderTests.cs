using System.Net;
using Podnet.Cluster.Dns.Wire;
using Xunit;

namespace Podnet.Cluster.Tests.Dns.Wire;

public class DnsMessageReaderTests
{
    // Captured from `dig @127.0.0.1 -p 15353 web.shop.svc.cluster.local A` (DiG 9.18.49-1~deb12u3-Debian):
    // RD and AD set, EDNS0 OPT with UDP size 1232 and an 8-byte client COOKIE option.
    internal const string DigQueryA =
        "fea301200001000000000001037765620473686f700373766307636c7573746572056c6f63616c000001000100002904d000000000000c000a0008d807e07fdc28e2eb";

    // Captured from `dig +noedns +nocookie _http._tcp.web.shop.svc.cluster.local SRV`.
    internal const string DigQuerySrvNoEdns =
        "ffb501200001000000000000055f68747470045f746370037765620473686f700373766307636c7573746572056c6f63616c0000210001";

    [Fact]
    public void Parses_a_real_dig_query_with_edns_cookie()
    {
        var r = DnsMessageReader.Parse(Convert.FromHexString(DigQueryA));
        Assert.True(r.Ok, r.Error.ToString());
        var m = r.Message!;
        Assert.Equal(0xfea3, m.Header.Id);
        Assert.False(m.Header.IsResponse);
        Assert.True(m.Header.RecursionDesired);
        Assert.True(m.Header.AuthenticData);
        Assert.Equal(DnsOpcode.Query, m.Header.Opcode);
        var q = Assert.Single(m.Questions);
        Assert.Equal("web.shop.svc.cluster.local.", q.Name);
        Assert.Equal(DnsRecordType.A, q.Type);
        Assert.Equal(DnsClass.IN, q.Class);
        var edns = m.Edns!;
        Assert.Equal(1232, edns.UdpPayloadSize);
        Assert.Equal(0, edns.Version);
        var cookie = Assert.Single(edns.Options);
        Assert.Equal(10, cookie.Code);
        Assert.Equal("D807E07FDC28E2EB", Convert.ToHexString(cookie.Data));
    }

    [Theory]
    [InlineData(DigQueryA)]
    [InlineData(DigQuerySrvNoEdns)]
    public void Real_queries_reencode_to_the_same_bytes(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        var m = DnsMessageReader.Parse(bytes).Message!;
        Assert.Equal(hex, Convert.ToHexString(DnsMessageWriter.Write(m)), ignoreCase: true);
    }

    [Fact]
    public void Srv_query_without_edns_has_no_opt()
    {
        var m = DnsMessageReader.Parse(Convert.FromHexString(DigQuerySrvNoEdns)).Message!;
        Assert.Null(m.Edns);
        Assert.Equal("_http._tcp.web.shop.svc.cluster.local.", m.Questions[0].Name);
        Assert.Equal(DnsRecordType.SRV, m.Questions[0].Type);
    }

    [Fact]
    public void Fewer_than_12_bytes_is_a_short_header_without_header()
    {
        var r = DnsMessageReader.Parse(new byte[11]);
        Assert.Equal(DnsParseError.ShortHeader, r.Error);
        Assert.Null(r.Header);
    }

    [Fact]
    public void Missing_question_is_truncated_but_header_readable()
    {
        // ID 0x1234, RD, QDCOUNT=1, nothing after the header.
        var r = DnsMessageReader.Parse(Convert.FromHexString("123401000001000000000000"));
        Assert.Equal(DnsParseError.Truncated, r.Error);
        Assert.Equal(0x1234, r.Header!.Value.Id);
    }

    [Fact]
    public void Self_pointer_is_rejected()
    {
        // Question name at offset 12 is a pointer to offset 12.
        var r = DnsMessageReader.Parse(Convert.FromHexString("123401000001000000000000" + "c00c" + "00010001"));
        Assert.Equal(DnsParseError.BadPointer, r.Error);
    }

    [Fact]
    public void Forward_and_out_of_range_pointers_are_rejected()
    {
        Assert.Equal(DnsParseError.BadPointer, DnsMessageReader.Parse(Convert.FromHexString("123401000001000000000000" + "c010" + "00010001")).Error);
        Assert.Equal(DnsParseError.BadPointer, DnsMessageReader.Parse(Convert.FromHexString("123401000001000000000000" + "ffff" + "00010001")).Error);
    }

    [Fact]
    public void Two_pointers_forming_a_loop_are_rejected()
    {
        // Answer name "a" + pointer to answer name start of record 2; record 2 name = pointer back to record 1's name
        // which continues into record 2: offset 12: 01 61 c0 0e -> label 'a', then pointer to 14 (itself): loop.
        var r = DnsMessageReader.Parse(Convert.FromHexString("123401000001000000000000" + "0161c00e" + "00010001"));
        Assert.Equal(DnsParseError.BadPointer, r.Error);
    }

    [Fact]
    public void Reserved_label_types_are_rejected()
    {
        Assert.Equal(DnsParseError.BadLabelType, DnsMessageReader.Parse(Convert.FromHexString("123401000001000000000000" + "41" + "00010001")).Error);
        Assert.Equal(DnsParseError.BadLabelType, DnsMessageReader.Parse(Convert.FromHexString("123401000001000000000000" + "80" + "00010001")).Error);
    }

    [Fact]
    public void Name_longer_than_255_octets_is_rejected()
    {
        var name = string.Concat(Enumerable.Repeat("3f" + new string('6', 63 * 2).Replace("66", "61"), 4)) + "00";
        var r = DnsMessageReader.Parse(Convert.FromHexString("123401000001000000000000" + name + "00010001"));
        Assert.Equal(DnsParseError.NameTooLong, r.Error);
    }

    [Fact]
    public void Bad_rdata_lengths_are_rejected()
    {
        // Response with one A answer whose RDLENGTH is 3.
        var hex = "123481800001000100000000" + "0161" + "00" + "00010001" + "c00c" + "0001" + "0001" + "0000001e" + "0003" + "0a0000";
        Assert.Equal(DnsParseError.BadRdata, DnsMessageReader.Parse(Convert.FromHexString(hex)).Error);
        // RDLENGTH past the end of the data.
        var hex2 = "123481800001000100000000" + "0161" + "00" + "00010001" + "c00c" + "0001" + "0001" + "0000001e" + "0004" + "0a00";
        Assert.Equal(DnsParseError.Truncated, DnsMessageReader.Parse(Convert.FromHexString(hex2)).Error);
    }

    [Fact]
    public void Trailing_garbage_is_rejected()
    {
        Assert.Equal(DnsParseError.TrailingData, DnsMessageReader.Parse(Convert.FromHexString(DigQuerySrvNoEdns + "00")).Error);
    }

    [Fact]
    public void Rfc1035_compressed_response_decodes()
    {
        // Hand-built response: question web.shop. A, answer with owner = pointer to the question name (0xc00c),
        // CNAME target "x" + pointer to "shop." at offset 16.
        var hex = "abcd85800001000200000000"
            + "03776562" + "0473686f70" + "00" + "0001" + "0001"
            + "c00c" + "0005" + "0001" + "0000001e" + "0004" + "0178" + "c010"
            + "c026" + "0001" + "0001" + "0000001e" + "0004" + "0a000001";
        var r = DnsMessageReader.Parse(Convert.FromHexString(hex));
        Assert.True(r.Ok, r.Error.ToString());
        var m = r.Message!;
        Assert.True(m.Header.Authoritative);
        Assert.True(m.Header.RecursionAvailable);
        Assert.Equal("web.shop.\t30\tIN\tCNAME\tx.shop.", m.Answers[0].ToString());
        Assert.Equal("x.shop.\t30\tIN\tA\t10.0.0.1", m.Answers[1].ToString());
    }

    [Fact]
    public void Label_bytes_are_escaped_in_presentation_form()
    {
        // Label "a.b" (a dot inside a label) and a label with byte 0x07.
        var hex = "123401000001000000000000" + "03612e62" + "020741" + "00" + "00010001";
        var m = DnsMessageReader.Parse(Convert.FromHexString(hex)).Message!;
        Assert.Equal(@"a\.b.\007A.", m.Questions[0].Name);
        Assert.Equal(hex, Convert.ToHexString(DnsMessageWriter.Write(m)), ignoreCase: true);
    }

    [Fact]
    public void Unknown_types_keep_raw_rdata()
    {
        var m = new DnsMessage { Header = new DnsHeader(7, IsResponse: true) };
        m.Answers.Add(new DnsResourceRecord("x.", (DnsRecordType)65, DnsClass.IN, 60, new UnknownRecordData([1, 2, 3])));
        var back = DnsMessageReader.Parse(DnsMessageWriter.Write(m)).Message!;
        Assert.Equal(@"x.	60	IN	TYPE65	\# 3 010203", back.Answers[0].ToString());
    }

    [Fact]
    public void Soa_srv_txt_aaaa_round_trip()
    {
        var m = new DnsMessage { Header = new DnsHeader(9, IsResponse: true, Authoritative: true) };
        m.Answers.Add(DnsResourceRecord.In("cluster.local.", DnsRecordType.SOA, 30,
            new SoaRecordData("ns.dns.cluster.local.", "hostmaster.cluster.local.", 1700000000, 7200, 1800, 86400, 30)));
        m.Answers.Add(DnsResourceRecord.In("_http._tcp.web.shop.svc.cluster.local.", DnsRecordType.SRV, 30,
            new SrvRecordData(0, 100, 80, "web.shop.svc.cluster.local.")));
        m.Answers.Add(DnsResourceRecord.In("dns-version.cluster.local.", DnsRecordType.TXT, 28800, TxtRecordData.FromText("1.1.0")));
        m.Answers.Add(DnsResourceRecord.In("v6.shop.svc.cluster.local.", DnsRecordType.AAAA, 30, new AaaaRecordData(IPAddress.Parse("fd00::5"))));
        var back = DnsMessageReader.Parse(DnsMessageWriter.Write(m)).Message!;
        Assert.Equal(m.Answers.Select(a => a.ToString()), back.Answers.Select(a => a.ToString()));
        Assert.Equal("cluster.local.\t30\tIN\tSOA\tns.dns.cluster.local. hostmaster.cluster.local. 1700000000 7200 1800 86400 30", back.Answers[0].ToString());
        Assert.Equal("dns-version.cluster.local.\t28800\tIN\tTXT\t\"1.1.0\"", back.Answers[2].ToString());
    }
}

using System.Net;
using System.Net.Sockets;
using Podnet.Cluster.Dns.Server;
using Podnet.Cluster.Dns.Wire;
using Xunit;

namespace Podnet.Cluster.Tests.Dns.Server;

public class DnsServerTests
{
    private static async Task<DnsServer> StartAsync(DnsServerOptions? o = null)
    {
        var server = new DnsServer(new TestZoneHandler(), o ?? new DnsServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), UdpWorkers = 2 });
        server.Start();
        await Task.CompletedTask;
        return server;
    }

    private static string Dig(params string[] args)
    {
        var dig = ExternalTool.Find("dig");
        if (dig is null) Assert.Skip("dig is not installed (Debian package dnsutils)");
        return ExternalTool.Run(dig, ["+tries=1", "+time=5", .. args]).Output;
    }

    [Fact]
    public async Task Dig_over_udp_gets_the_answer()
    {
        await using var s = await StartAsync();
        var port = s.LocalEndPoint.Port.ToString();
        var output = Dig("@127.0.0.1", "-p", port, "hello.test", "A");
        Assert.Contains("status: NOERROR", output);
        Assert.Contains("flags: qr aa rd;", output);
        Assert.Matches(@"hello\.test\.\s+30\s+IN\s+A\s+10\.0\.0\.5", output);
    }

    [Fact]
    public async Task Dig_over_tcp_gets_the_answer()
    {
        await using var s = await StartAsync();
        var output = Dig("@127.0.0.1", "-p", s.LocalEndPoint.Port.ToString(), "+tcp", "abc.test", "A");
        Assert.Contains("status: NOERROR", output);
        Assert.Matches(@"abc\.test\.\s+30\s+IN\s+A\s+10\.0\.0\.3", output);
        Assert.Contains("(TCP)", output);
    }

    [Fact]
    public async Task Dig_sees_nxdomain()
    {
        await using var s = await StartAsync();
        var output = Dig("@127.0.0.1", "-p", s.LocalEndPoint.Port.ToString(), "no.such.name", "A");
        Assert.Contains("status: NXDOMAIN", output);
    }

    [Fact]
    public async Task Oversize_answer_sets_tc_and_dig_retries_over_tcp()
    {
        await using var s = await StartAsync();
        var port = s.LocalEndPoint.Port.ToString();
        var truncated = Dig("@127.0.0.1", "-p", port, "+ignore", "+noedns", "big.test", "A");
        Assert.Contains("flags: qr aa tc rd;", truncated);
        var full = Dig("@127.0.0.1", "-p", port, "+noedns", "big.test", "A");
        Assert.Contains("Truncated, retrying in TCP mode.", full);
        Assert.Contains("ANSWER: 100,", full);
        Assert.True(s.Processor.Truncated >= 2);
    }

    [Fact]
    public async Task Edns_buffer_size_of_the_client_is_honoured()
    {
        await using var s = await StartAsync();
        var output = Dig("@127.0.0.1", "-p", s.LocalEndPoint.Port.ToString(), "+ignore", "+bufsize=4096", "big.test", "A");
        Assert.Contains("ANSWER: 100,", output);
        Assert.DoesNotContain(" tc ", output);
    }

    [Fact]
    public async Task Nslookup_gets_the_answer()
    {
        var nslookup = ExternalTool.Find("nslookup");
        if (nslookup is null) Assert.Skip("nslookup is not installed (Debian package dnsutils)");
        await using var s = await StartAsync();
        var (_, output) = ExternalTool.Run(nslookup, "-port=" + s.LocalEndPoint.Port, "-type=A", "hello.test", "127.0.0.1");
        Assert.Contains("Name:\thello.test", output);
        Assert.Contains("Address: 10.0.0.5", output);
    }

    [Fact]
    public async Task Malformed_query_with_readable_header_gets_formerr()
    {
        await using var s = await StartAsync();
        using var c = new UdpClient();
        c.Connect(s.LocalEndPoint);
        // ID 0x4242, RD, QDCOUNT=1 but no question bytes.
        await c.SendAsync(Convert.FromHexString("424201000001000000000000"), TestContext.Current.CancellationToken);
        var r = await c.ReceiveAsync(TestContext.Current.CancellationToken);
        var m = DnsMessageReader.Parse(r.Buffer).Message!;
        Assert.Equal(0x4242, m.Header.Id);
        Assert.True(m.Header.IsResponse);
        Assert.Equal(DnsRcode.FormErr, m.Header.Rcode);
    }

    [Fact]
    public async Task Short_packets_and_responses_get_no_reply()
    {
        await using var s = await StartAsync(new DnsServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), UdpWorkers = 1 });
        using var c = new UdpClient();
        c.Connect(s.LocalEndPoint);
        var ct = TestContext.Current.CancellationToken;
        await c.SendAsync(new byte[] { 1, 2, 3, 4, 5 }, ct);
        var response = DnsMessage.ResponseTo(DnsMessage.Query(7, "x.test", DnsRecordType.A));
        await c.SendAsync(DnsMessageWriter.Write(response), ct);
        await c.SendAsync(DnsMessageWriter.Write(DnsMessage.Query(9, "ok.test", DnsRecordType.A)), ct);
        // One worker handles datagrams in order: the first reply must be the one for ID 9.
        var r = await c.ReceiveAsync(ct);
        Assert.Equal(9, DnsMessageReader.Parse(r.Buffer).Message!.Header.Id);
        Assert.Equal(2, s.Processor.Ignored);
    }

    [Fact]
    public async Task Non_query_opcode_gets_notimp()
    {
        await using var s = await StartAsync();
        using var c = new UdpClient();
        c.Connect(s.LocalEndPoint);
        var q = DnsMessage.Query(11, "x.test", DnsRecordType.SOA);
        q.Header = q.Header with { Opcode = DnsOpcode.Update };
        await c.SendAsync(DnsMessageWriter.Write(q), TestContext.Current.CancellationToken);
        var m = DnsMessageReader.Parse((await c.ReceiveAsync(TestContext.Current.CancellationToken)).Buffer).Message!;
        Assert.Equal(DnsRcode.NotImp, m.Header.Rcode);
        Assert.Equal(DnsOpcode.Update, m.Header.Opcode);
    }

    [Fact]
    public async Task Handler_failure_gives_servfail()
    {
        await using var s = await StartAsync();
        var output = Dig("@127.0.0.1", "-p", s.LocalEndPoint.Port.ToString(), "boom.test", "A");
        Assert.Contains("status: SERVFAIL", output);
    }

    [Fact]
    public void Processor_rules_without_sockets()
    {
        var p = new DnsRequestProcessor(new TestZoneHandler());
        Assert.Null(p.Process(new byte[11], udp: true));
        var two = DnsMessage.Query(5, "a.test", DnsRecordType.A);
        two.Questions.Add(new DnsQuestion("b.test.", DnsRecordType.A));
        Assert.Equal(DnsRcode.FormErr, DnsMessageReader.Parse(p.Process(DnsMessageWriter.Write(two), true)).Message!.Header.Rcode);
        var v1 = DnsMessage.Query(6, "a.test", DnsRecordType.A);
        v1.Additional.Add(EdnsInfo.CreateOpt(1232, 1, false, []));
        var badvers = DnsMessageReader.Parse(p.Process(DnsMessageWriter.Write(v1), true)).Message!;
        Assert.Equal(16, badvers.ExtendedRcode);
    }
}

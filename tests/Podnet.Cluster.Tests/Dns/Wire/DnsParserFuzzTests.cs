using Podnet.Cluster.Dns.Server;
using Podnet.Cluster.Dns.Wire;
using Podnet.Cluster.Tests.Dns.Server;
using Xunit;

namespace Podnet.Cluster.Tests.Dns.Wire;

/// <summary>Throws a million random and mutated packets at the parser and the request processor: nothing may throw,
/// and whatever parses must re-encode and re-parse to the same message.</summary>
public class DnsParserFuzzTests
{
    internal static IEnumerable<byte[]> Packets(int count, int seed)
    {
        var rng = new Random(seed);
        var seeds = new List<byte[]>
        {
            Convert.FromHexString(DnsMessageReaderTests.DigQueryA),
            Convert.FromHexString(DnsMessageReaderTests.DigQuerySrvNoEdns),
        };
        var big = DnsMessage.ResponseTo(DnsMessage.Query(1, "web.shop.svc.cluster.local", DnsRecordType.SRV, 1232), authoritative: true);
        big.Answers.Add(DnsResourceRecord.In("_http._tcp.web.shop.svc.cluster.local.", DnsRecordType.SRV, 30, new SrvRecordData(0, 50, 80, "web.shop.svc.cluster.local.")));
        big.Additional.Add(DnsResourceRecord.In("web.shop.svc.cluster.local.", DnsRecordType.A, 30, new ARecordData(System.Net.IPAddress.Parse("10.96.0.1"))));
        big.Authority.Add(DnsResourceRecord.In("cluster.local.", DnsRecordType.SOA, 30, new SoaRecordData("ns.dns.cluster.local.", "hostmaster.cluster.local.", 1, 7200, 1800, 86400, 30)));
        seeds.Add(DnsMessageWriter.Write(big));
        for (var i = 0; i < count; i++)
        {
            switch (rng.Next(4))
            {
                case 0:
                {
                    var b = new byte[rng.Next(0, 80)];
                    rng.NextBytes(b);
                    yield return b;
                    break;
                }
                case 1:
                {
                    // Random body behind a plausible header (QDCOUNT 1, other counts small).
                    var b = new byte[12 + rng.Next(0, 60)];
                    rng.NextBytes(b);
                    b[2] = 1; b[3] = 0; b[4] = 0; b[5] = 1;
                    b[6] = 0; b[7] = (byte)rng.Next(3); b[8] = 0; b[9] = (byte)rng.Next(2); b[10] = 0; b[11] = (byte)rng.Next(3);
                    yield return b;
                    break;
                }
                default:
                {
                    var b = (byte[])seeds[rng.Next(seeds.Count)].Clone();
                    var flips = rng.Next(1, 5);
                    for (var f = 0; f < flips; f++)
                    {
                        switch (rng.Next(3))
                        {
                            case 0: b[rng.Next(b.Length)] = (byte)rng.Next(256); break;
                            case 1: b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8)); break;
                            default: b[rng.Next(12, b.Length)] = (byte)(0xC0 | rng.Next(4)); break;
                        }
                    }
                    if (rng.Next(4) == 0) Array.Resize(ref b, rng.Next(b.Length));
                    yield return b;
                    break;
                }
            }
        }
    }

    [Fact]
    public void A_million_packets_never_throw_and_valid_ones_round_trip()
    {
        var ok = 0;
        var processor = new DnsRequestProcessor(new TestZoneHandler());
        var n = 0;
        foreach (var p in Packets(1_000_000, 20261121))
        {
            n++;
            var r = DnsMessageReader.Parse(p);
            if (r.Ok)
            {
                ok++;
                if (ok % 16 == 0)
                {
                    var again = DnsMessageReader.Parse(DnsMessageWriter.Write(r.Message!));
                    Assert.True(again.Ok);
                    Assert.Equal(r.Message!.Answers.Count, again.Message!.Answers.Count);
                }
            }
            else if (p.Length >= 12)
            {
                Assert.NotNull(r.Header);
            }
            if (n % 10 == 0)
            {
                var reply = processor.Process(p, udp: true);
                if (reply != null) Assert.True(reply.Length <= 512 || (r.Ok && r.Message!.Edns != null));
            }
        }
        Assert.Equal(1_000_000, n);
        Assert.True(ok > 1000, $"only {ok} valid packets: mutations too destructive to exercise the valid path");
    }
}

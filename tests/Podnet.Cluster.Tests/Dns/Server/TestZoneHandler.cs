using System.Net;
using Podnet.Cluster.Dns;
using Podnet.Cluster.Dns.Wire;

namespace Podnet.Cluster.Tests.Dns.Server;

/// <summary>A tiny authoritative handler for transport tests: <c>NAME.test.</c> answers A 10.0.0.N where N is the
/// label length, <c>big.test.</c> answers 100 A records, <c>boom.test.</c> throws, anything else is NXDOMAIN.</summary>
internal sealed class TestZoneHandler : IDnsHandler
{
    public DnsMessage Answer(DnsMessage query)
    {
        var q = query.Questions[0];
        var r = DnsMessage.ResponseTo(query, authoritative: true);
        if (DnsName.NameEquals(q.Name, "boom.test.")) throw new InvalidOperationException("handler bug");
        if (DnsName.NameEquals(q.Name, "big.test."))
        {
            for (var i = 0; i < 100; i++)
                r.Answers.Add(DnsResourceRecord.In(q.Name, DnsRecordType.A, 30, new ARecordData(new IPAddress([10, 1, 0, (byte)i]))));
            return r;
        }
        var labels = DnsName.SplitLabels(q.Name);
        if (labels.Count == 2 && labels[1].Equals("test", StringComparison.OrdinalIgnoreCase))
        {
            if (q.Type == DnsRecordType.A)
                r.Answers.Add(DnsResourceRecord.In(q.Name, DnsRecordType.A, 30, new ARecordData(new IPAddress([10, 0, 0, (byte)labels[0].Length]))));
            return r;
        }
        r.Header = r.Header with { Rcode = DnsRcode.NXDomain };
        return r;
    }
}

using System.Net;
using Podnet.Cluster.Dns.Wire;
using Podnet.Kernel.Sockets;

namespace Podnet.Cluster.Images.Programs;

/// <summary>
/// A public recursive resolver of the emulated internet (like 8.8.8.8): answers A queries for the
/// names it knows, NOERROR with no data for other types of a known name, NXDOMAIN otherwise.
/// </summary>
public sealed class ZoneResolverProgram(IReadOnlyDictionary<string, string> zone) : ContainerProgram
{
    /// <inheritdoc/>
    public override string ProcessName => "named";

    /// <summary>The answer to one query.</summary>
    public DnsMessage Answer(DnsMessage query)
    {
        var q = query.Questions.FirstOrDefault();
        if (q is null) return DnsMessage.ResponseTo(query, DnsRcode.FormErr);
        var name = q.Name.TrimEnd('.').ToLowerInvariant();
        if (!zone.TryGetValue(name, out var ip)) return WithRa(DnsMessage.ResponseTo(query, DnsRcode.NXDomain));
        var m = WithRa(DnsMessage.ResponseTo(query));
        if (q.Type is DnsRecordType.A or DnsRecordType.ANY)
            m.Answers.Add(DnsResourceRecord.In(q.Name, DnsRecordType.A, 300, new ARecordData(IPAddress.Parse(ip))));
        return m;
    }

    private static DnsMessage WithRa(DnsMessage m)
    {
        m.Header = m.Header with { RecursionAvailable = true };
        return m;
    }

    /// <inheritdoc/>
    public override async Task<int> RunAsync(ProcessContext ctx)
    {
        var (sock, err) = ctx.Namespace.Udp.Bind(0, 53);
        if (sock is null)
        {
            ctx.Log.Line("bind: " + err.Message());
            return 1;
        }
        while (true)
        {
            var r = await sock.ReceiveAsync();
            if (r.Error == Errno.EINVAL) return 0;
            if (!r.Ok || !DnsMessageReader.TryParse(r.Data, out var query, out _) || query is null) continue;
            sock.SendTo(DnsMessageWriter.Write(Answer(query), 512), r.From.Address, r.From.Port);
        }
    }
}

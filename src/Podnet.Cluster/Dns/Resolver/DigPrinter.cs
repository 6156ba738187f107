using System.Globalization;
using System.Net;
using System.Text;
using Podnet.Cluster.Dns.Wire;

namespace Podnet.Cluster.Dns.Resolver;

/// <summary>What bind9's dig prints around a response that varies from run to run. Podnet makes it deterministic:
/// the query time is the virtual-clock round trip in milliseconds and <see cref="When"/> is the virtual clock's wall
/// time (a fixed epoch plus simulated time), never the host clock.</summary>
public sealed record DigContext(
    string Arguments,
    IPAddress Server,
    int Port = 53,
    bool Tcp = false,
    int QueryTimeMs = 0,
    DateTimeOffset When = default,
    string Version = "9.18.49-1~deb12u3-Debian",
    bool ServerGiven = true,
    bool RetriedOverTcp = false);

/// <summary>Prints a response exactly as bind9 9.18 <c>dig</c> does in its default mode: the banner, header and flags
/// lines (with the .local mDNS warning), the OPT pseudosection, each section with bind's tab-stop columns (TTL at 24, class at 32, type at 40,
/// RDATA at 48, by bind's indent rule) and the statistics trailer.</summary>
public static class DigPrinter
{
    /// <summary>The full dig output for <paramref name="response"/>, whose wire size is <paramref name="size"/>.</summary>
    public static string Print(DnsMessage response, int size, DigContext ctx)
    {
        var sb = new StringBuilder();
        sb.Append('\n');
        sb.Append("; <<>> DiG ").Append(ctx.Version).Append(" <<>> ").Append(ctx.Arguments).Append('\n');
        if (ctx.ServerGiven) sb.Append("; (1 server found)\n");
        sb.Append(";; global options: +cmd\n");
        if (ctx.RetriedOverTcp) sb.Append(";; Truncated, retrying in TCP mode.\n");
        sb.Append(";; Got answer:\n");
        if (response.Questions.Count > 0 && DnsName.IsSubdomainOf(response.Questions[0].Name, "local."))
        {
            // bind9 9.18 flags names under .local (RFC 6762), which includes the default cluster domain.
            sb.Append(";; WARNING: .local is reserved for Multicast DNS\n");
            sb.Append(";; You are currently testing what happens when an mDNS query is leaked to DNS\n");
        }
        var h = response.Header;
        sb.Append(";; ->>HEADER<<- opcode: ").Append(DnsText.OpcodeName(h.Opcode)).Append(", status: ")
            .Append(DnsText.RcodeName(response.ExtendedRcode)).Append(", id: ").Append(h.Id.ToString(CultureInfo.InvariantCulture)).Append('\n');
        var flags = new List<string>();
        if (h.IsResponse) flags.Add("qr");
        if (h.Authoritative) flags.Add("aa");
        if (h.Truncated) flags.Add("tc");
        if (h.RecursionDesired) flags.Add("rd");
        if (h.RecursionAvailable) flags.Add("ra");
        if (h.AuthenticData) flags.Add("ad");
        if (h.CheckingDisabled) flags.Add("cd");
        sb.Append(";; flags: ").Append(string.Join(' ', flags)).Append("; QUERY: ").Append(response.Questions.Count)
            .Append(", ANSWER: ").Append(response.Answers.Count).Append(", AUTHORITY: ").Append(response.Authority.Count)
            .Append(", ADDITIONAL: ").Append(response.Additional.Count).Append('\n');
        if (h.RecursionDesired && !h.RecursionAvailable) sb.Append(";; WARNING: recursion requested but not available\n");
        sb.Append('\n');
        if (response.Edns is { } e)
        {
            sb.Append(";; OPT PSEUDOSECTION:\n");
            sb.Append("; EDNS: version: ").Append(e.Version).Append(", flags:").Append(e.DnssecOk ? " do" : "").Append("; udp: ")
                .Append(e.UdpPayloadSize).Append('\n');
        }
        if (response.Questions.Count > 0)
        {
            sb.Append(";; QUESTION SECTION:\n");
            foreach (var q in response.Questions)
            {
                var col = 0;
                Put(sb, ref col, ";" + q.Name);
                Indent(sb, ref col, 32);
                Put(sb, ref col, DnsText.ClassName(q.Class));
                Indent(sb, ref col, 40);
                Put(sb, ref col, DnsText.TypeName(q.Type));
                sb.Append('\n');
            }
            sb.Append('\n');
        }
        Section(sb, "ANSWER", response.Answers);
        Section(sb, "AUTHORITY", response.Authority);
        Section(sb, "ADDITIONAL", response.Additional.Where(r => r.Type != DnsRecordType.OPT).ToList());
        sb.Append(";; Query time: ").Append(ctx.QueryTimeMs).Append(" msec\n");
        sb.Append(";; SERVER: ").Append(ctx.Server).Append('#').Append(ctx.Port).Append('(').Append(ctx.Server).Append(") (")
            .Append(ctx.Tcp ? "TCP" : "UDP").Append(")\n");
        sb.Append(";; WHEN: ").Append(FormatWhen(ctx.When)).Append('\n');
        sb.Append(";; MSG SIZE  rcvd: ").Append(size).Append('\n');
        sb.Append('\n');
        return sb.ToString();
    }

    /// <summary>One record as dig prints it (bind's tab-stop columns).</summary>
    public static string FormatRecord(DnsResourceRecord rr)
    {
        var sb = new StringBuilder();
        var col = 0;
        Put(sb, ref col, rr.Name);
        Indent(sb, ref col, 24);
        Put(sb, ref col, rr.Ttl.ToString(CultureInfo.InvariantCulture));
        Indent(sb, ref col, 32);
        Put(sb, ref col, DnsText.ClassName(rr.Class));
        Indent(sb, ref col, 40);
        Put(sb, ref col, DnsText.TypeName(rr.Type));
        Indent(sb, ref col, 48);
        Put(sb, ref col, rr.Data.ToPresentation());
        return sb.ToString();
    }

    /// <summary>strftime <c>%a %b %d %H:%M:%S %Z %Y</c> in UTC.</summary>
    public static string FormatWhen(DateTimeOffset when) =>
        when.UtcDateTime.ToString("ddd MMM dd HH:mm:ss 'UTC' yyyy", CultureInfo.InvariantCulture);

    private static void Section(StringBuilder sb, string title, List<DnsResourceRecord> records)
    {
        if (records.Count == 0) return;
        sb.Append(";; ").Append(title).Append(" SECTION:\n");
        foreach (var rr in records) sb.Append(FormatRecord(rr)).Append('\n');
        sb.Append('\n');
    }

    private static void Put(StringBuilder sb, ref int col, string s)
    {
        sb.Append(s);
        col += s.Length;
    }

    /// <summary>bind9 masterdump.c <c>indent()</c>: at least one character; tabs when a tab stop lies between the
    /// current column and the target, spaces otherwise.</summary>
    private static void Indent(StringBuilder sb, ref int col, int to)
    {
        if (to < col + 1) to = col + 1;
        var tabs = to / 8 - col / 8;
        if (tabs > 0)
        {
            sb.Append('\t', tabs).Append(' ', to % 8);
        }
        else
        {
            sb.Append(' ', to - col);
        }
        col = to;
    }
}

using System.Net;
using System.Text;
using Podnet.Cluster.Dns.Wire;

namespace Podnet.Cluster.Dns.Resolver;

/// <summary>Which nslookup: bind9's (Debian <c>dnsutils</c>) or busybox's (Alpine, busybox images).</summary>
public enum NslookupVariant
{
    /// <summary>bind9 9.18 nslookup.</summary>
    Bind9,
    /// <summary>busybox 1.3x nslookup.</summary>
    Busybox,
}

/// <summary>Prints an nslookup run over the responses a lookup got (A then AAAA of the decisive candidate).
/// bind9: <c>Server:\t\tIP</c>, <c>Address:\tIP#53</c>, a blank line, <c>Non-authoritative answer:</c> when the
/// answer lacks AA, then per record <c>Name:\tNAME</c> / <c>Address: IP</c> (CNAMEs as
/// <c>NAME\tcanonical name = TARGET.</c>, once even when both the A and AAAA responses carry it), <c>** server can't find NAME: NXDOMAIN</c> and
/// <c>*** Can't find NAME: No answer</c> for failures; busybox prints <c>Address:\tIP:53</c> in its banner.</summary>
public static class NslookupPrinter
{
    /// <summary>The output for <paramref name="result"/> asked of <paramref name="server"/>.</summary>
    public static string Print(ResolutionResult result, IPAddress server, NslookupVariant variant = NslookupVariant.Bind9, int port = 53)
    {
        var sb = new StringBuilder();
        sb.Append("Server:\t\t").Append(server).Append('\n');
        sb.Append("Address:\t").Append(server).Append(variant == NslookupVariant.Bind9 ? '#' : ':').Append(port).Append('\n');
        sb.Append('\n');
        var display = result.Name.TrimEnd('.');
        var decisive = result.Decisive;
        var responses = decisive?.Exchanges.Select(e => e.Response).Where(r => r is not null).Select(r => r!)
            .GroupBy(r => r.Questions.Count > 0 ? r.Questions[0].Type : DnsRecordType.A).Select(g => g.Last()).ToList() ?? [];
        switch (result.Outcome)
        {
            case ResolverOutcome.Found:
            {
                if (responses.Any(r => r.Answers.Count > 0 && !r.Header.Authoritative)) sb.Append("Non-authoritative answer:\n");
                var cnames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var r in responses)
                {
                    foreach (var rr in r.Answers)
                    {
                        var owner = rr.Name.TrimEnd('.');
                        switch (rr.Data)
                        {
                            case NameRecordData c when rr.Type == DnsRecordType.CNAME:
                                if (!cnames.Add(owner + " " + c.Target)) break;
                                sb.Append(owner).Append("\tcanonical name = ").Append(c.Target).Append('\n');
                                break;
                            case ARecordData a:
                                sb.Append("Name:\t").Append(owner).Append('\n').Append("Address: ").Append(a.Address).Append('\n');
                                break;
                            case AaaaRecordData a6:
                                sb.Append("Name:\t").Append(owner).Append('\n').Append("Address: ").Append(a6.Address).Append('\n');
                                break;
                        }
                    }
                }
                sb.Append('\n');
                break;
            }
            case ResolverOutcome.NxDomain:
                sb.Append("** server can't find ").Append(display).Append(": NXDOMAIN\n\n");
                break;
            case ResolverOutcome.NoData:
                sb.Append("*** Can't find ").Append(display).Append(": No answer\n\n");
                break;
            case ResolverOutcome.ServFail:
                sb.Append("** server can't find ").Append(display).Append(": SERVFAIL\n\n");
                break;
            case ResolverOutcome.Timeout:
                return $";; connection timed out; no servers could be reached\n\n";
        }
        return sb.ToString();
    }
}

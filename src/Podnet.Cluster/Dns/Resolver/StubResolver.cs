using System.Net;
using Podnet.Cluster.Dns.Wire;

namespace Podnet.Cluster.Dns.Resolver;

/// <summary>The client side of DNS in a pod: the search-list walk of the C library (or Go, or dig +search) over a
/// <see cref="ResolvConf"/>, each candidate sent as A and/or AAAA to the configured servers in order with the
/// configured attempts. Pure logic over an <see cref="IResolverTransport"/>.
/// <para>glibc (<c>res_query.c __res_context_search</c>): a trailing dot means exactly that name; names with at least
/// ndots dots are tried as-is first, then the search list; others walk the search list first and try the bare name
/// last; NXDOMAIN, NODATA and SERVFAIL move on, a timeout stops. musl (<c>lookup_name.c name_from_dns_search</c>):
/// with at least ndots dots (or a trailing dot) only the name itself, otherwise the search list then the bare name;
/// only NXDOMAIN moves on (NODATA, SERVFAIL and timeouts stop). Go (<c>dnsclient_unix.go nameList</c>): glibc's
/// order, every failure moves on. Servers: glibc and Go try the next server after SERVFAIL, REFUSED or NOTIMP and
/// after a timeout, <c>attempts</c> rounds in all.</para></summary>
public sealed class StubResolver(ResolvConf conf, ResolverFlavor flavor, IResolverTransport transport)
{
    private ushort _nextId = 0x1000;

    /// <summary>The configuration.</summary>
    public ResolvConf Conf => conf;

    /// <summary>The candidate names, in the order this resolver would query them (before any answer is known).</summary>
    public static IReadOnlyList<string> CandidateNames(string name, ResolvConf conf, ResolverFlavor flavor)
    {
        var result = new List<string>(conf.Search.Count + 1);
        if (name.Length == 0) return result;
        var trailingDot = name.EndsWith('.') && !name.EndsWith("\\.", StringComparison.Ordinal);
        var bare = DnsName.Fqdn(name);
        if (trailingDot)
        {
            result.Add(bare);
            return result;
        }
        var asIsFirst = DnsName.CountDots(name) >= conf.Ndots;
        if (flavor == ResolverFlavor.Musl && asIsFirst)
        {
            result.Add(bare);
            return result;
        }
        if (asIsFirst) result.Add(bare);
        foreach (var d in conf.Search)
        {
            if (d.Length == 0 || d == ".") continue;
            AddDistinct(result, string.Concat(name, ".", d, d.EndsWith('.') ? "" : "."));
        }
        if (!asIsFirst) AddDistinct(result, bare);
        return result;
    }

    private static void AddDistinct(List<string> names, string name)
    {
        foreach (var n in names)
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) return;
        }
        names.Add(name);
    }

    /// <summary>Resolves <paramref name="name"/> as the flavor's getaddrinfo (or gethostbyname2, dig) would.</summary>
    public ResolutionResult Resolve(string name, AddressRequest request = AddressRequest.Both)
    {
        var types = request switch
        {
            AddressRequest.V4 => new[] { DnsRecordType.A },
            AddressRequest.V6 => [DnsRecordType.AAAA],
            _ => [DnsRecordType.A, DnsRecordType.AAAA],
        };
        return Lookup(name, types);
    }

    /// <summary>Walks the search list for records of <paramref name="types"/> (e.g. SRV for dig +search).</summary>
    public ResolutionResult Lookup(string name, IReadOnlyList<DnsRecordType> types)
    {
        var candidates = new List<ResolverCandidate>();
        var sawNoData = false;
        var sawServFail = false;
        foreach (var qname in CandidateNames(name, conf, flavor))
        {
            var exchanges = new List<ResolverExchange>();
            var responses = new List<DnsMessage?>();
            foreach (var t in types)
            {
                var r = Ask(qname, t, exchanges);
                responses.Add(r);
            }
            var outcome = Classify(responses);
            candidates.Add(new ResolverCandidate(qname, exchanges, outcome));
            if (outcome == ResolverOutcome.Found)
            {
                return Success(name, candidates, qname, responses);
            }
            sawNoData |= outcome == ResolverOutcome.NoData;
            sawServFail |= outcome == ResolverOutcome.ServFail;
            var moveOn = flavor switch
            {
                ResolverFlavor.Musl or ResolverFlavor.Dig => outcome == ResolverOutcome.NxDomain,
                ResolverFlavor.Go => true,
                _ => outcome != ResolverOutcome.Timeout,
            };
            if (!moveOn) return new ResolutionResult(name, flavor, candidates, outcome, null, [], []);
        }
        var final = candidates.Count == 0 ? ResolverOutcome.NxDomain
            : sawNoData ? ResolverOutcome.NoData
            : sawServFail ? ResolverOutcome.ServFail
            : candidates[^1].Outcome;
        return new ResolutionResult(name, flavor, candidates, final, null, [], []);
    }

    /// <summary>glibc's reading of the (parallel) responses of one candidate: success if any has answers of the
    /// asked type; otherwise the rcode of the first non-NOERROR response decides (<c>hp->rcode == NOERROR ?
    /// hp2->rcode : hp->rcode</c>); musl: SERVFAIL or no reply in any is EAI_AGAIN first, then NXDOMAIN in any.</summary>
    private ResolverOutcome Classify(List<DnsMessage?> responses)
    {
        if (flavor == ResolverFlavor.Musl)
        {
            if (responses.Any(r => r is null)) return ResolverOutcome.Timeout;
            if (responses.Any(r => r!.Header.Rcode == DnsRcode.ServFail)) return ResolverOutcome.ServFail;
            if (responses.Any(r => r!.Header.Rcode == DnsRcode.NXDomain)) return ResolverOutcome.NxDomain;
            if (responses.Any(r => r!.Header.Rcode != DnsRcode.NoError)) return ResolverOutcome.ServFail;
            return responses.Any(HasAddressAnswer) ? ResolverOutcome.Found : ResolverOutcome.NoData;
        }
        if (responses.Any(r => r is not null && r.Header.Rcode == DnsRcode.NoError && HasAddressAnswer(r))) return ResolverOutcome.Found;
        if (responses.All(r => r is null)) return ResolverOutcome.Timeout;
        var first = responses.FirstOrDefault(r => r is not null && r.Header.Rcode != DnsRcode.NoError);
        if (first is null) return responses.Any(r => r is null) ? ResolverOutcome.Timeout : ResolverOutcome.NoData;
        return first.Header.Rcode == DnsRcode.NXDomain ? ResolverOutcome.NxDomain : ResolverOutcome.ServFail;
    }

    private static bool HasAddressAnswer(DnsMessage? r)
    {
        if (r is null || r.Questions.Count == 0) return false;
        var t = r.Questions[0].Type;
        return r.Answers.Any(a => a.Type == t);
    }

    private DnsMessage? Ask(string qname, DnsRecordType type, List<ResolverExchange> exchanges)
    {
        var servers = conf.Nameservers.Count > 0 ? conf.Nameservers : [IPAddress.Loopback];
        DnsMessage? last = null;
        for (var attempt = 0; attempt < Math.Max(1, conf.Attempts); attempt++)
        {
            for (var i = 0; i < servers.Count; i++)
            {
                var server = servers[i];
                var q = DnsMessage.Query(_nextId++, qname, type, conf.Edns0 ? (ushort)1200 : null);
                var reply = transport.Exchange(server, q);
                exchanges.Add(new ResolverExchange(server, q.Questions[0], reply));
                if (reply is null) continue;
                last = reply;
                var rc = reply.Header.Rcode;
                var tryNext = rc is DnsRcode.ServFail or DnsRcode.Refused or DnsRcode.NotImp;
                if (flavor == ResolverFlavor.Musl) tryNext = rc is not (DnsRcode.NoError or DnsRcode.NXDomain);
                if (!tryNext) return reply;
            }
            if (last is not null) return last;
        }
        return last;
    }

    private ResolutionResult Success(string name, List<ResolverCandidate> candidates, string qname, List<DnsMessage?> responses)
    {
        var aliases = new List<string>();
        var addresses = new List<IPAddress>();
        string canonical = qname;
        foreach (var r in responses)
        {
            if (r is null || r.Header.Rcode != DnsRcode.NoError) continue;
            // Follow the CNAME chain inside the answer section, as the resolvers' answer parsers do.
            var owner = qname;
            foreach (var rr in r.Answers)
            {
                if (rr.Type == DnsRecordType.CNAME && DnsName.NameEquals(rr.Name, owner) && rr.Data is NameRecordData c)
                {
                    if (!aliases.Contains(owner, StringComparer.OrdinalIgnoreCase)) aliases.Add(owner);
                    owner = c.Target;
                }
            }
            foreach (var rr in r.Answers)
            {
                if (!DnsName.NameEquals(rr.Name, owner)) continue;
                if (rr.Data is ARecordData a) addresses.Add(a.Address);
                else if (rr.Data is AaaaRecordData aaaa) addresses.Add(aaaa.Address);
            }
            canonical = owner;
        }
        return new ResolutionResult(name, flavor, candidates, ResolverOutcome.Found, canonical, aliases, addresses);
    }
}

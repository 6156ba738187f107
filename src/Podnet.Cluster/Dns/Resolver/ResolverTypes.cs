using System.Net;
using Podnet.Cluster.Dns.Wire;

namespace Podnet.Cluster.Dns.Resolver;

/// <summary>Which stub resolver a program links, deciding the search-list algorithm.</summary>
public enum ResolverFlavor
{
    /// <summary>glibc <c>__res_context_search</c> (Debian, Ubuntu, distroless-glibc images; getaddrinfo, getent).</summary>
    Glibc,
    /// <summary>musl <c>name_from_dns_search</c> (Alpine, busybox-musl).</summary>
    Musl,
    /// <summary>Go's pure resolver (<c>nameList</c>; same order as glibc, continues on every failure).</summary>
    Go,
    /// <summary>bind9 dig with <c>+search</c>: glibc order, but only NXDOMAIN moves on to the next name.</summary>
    Dig,
}

/// <summary>What address families a lookup asks for: <c>getaddrinfo(AF_UNSPEC)</c> sends A and AAAA for each
/// candidate, <c>gethostbyname</c>/<c>AF_INET</c> only A, <c>gethostbyname2(AF_INET6)</c> only AAAA.</summary>
public enum AddressRequest
{
    /// <summary>A and AAAA (AF_UNSPEC).</summary>
    Both,
    /// <summary>A only.</summary>
    V4,
    /// <summary>AAAA only.</summary>
    V6,
}

/// <summary>How one candidate name or the whole lookup ended (glibc h_errno / musl EAI_* in Kubernetes terms).</summary>
public enum ResolverOutcome
{
    /// <summary>Addresses found.</summary>
    Found,
    /// <summary>NXDOMAIN (HOST_NOT_FOUND / EAI_NONAME).</summary>
    NxDomain,
    /// <summary>The name exists without records of the asked types (NO_DATA / EAI_NODATA).</summary>
    NoData,
    /// <summary>SERVFAIL or REFUSED from every server (TRY_AGAIN / EAI_AGAIN).</summary>
    ServFail,
    /// <summary>No server answered within timeout × attempts (TRY_AGAIN / EAI_AGAIN).</summary>
    Timeout,
}

/// <summary>Sends one query to one server and returns the reply, or null for a timeout (the emulated network or a
/// real socket; in-process tests use the CoreDNS plugin directly).</summary>
public interface IResolverTransport
{
    /// <summary>One request/response exchange.</summary>
    DnsMessage? Exchange(IPAddress server, DnsMessage query);
}

/// <summary>One packet the resolver sent and what came back (null = timeout).</summary>
public sealed record ResolverExchange(IPAddress Server, DnsQuestion Question, DnsMessage? Response);

/// <summary>One candidate name of the search walk and the queries it caused.</summary>
public sealed record ResolverCandidate(string QName, IReadOnlyList<ResolverExchange> Exchanges, ResolverOutcome Outcome);

/// <summary>The result of a name lookup: every candidate tried in order, the outcome, and for a success the canonical
/// name (after CNAMEs), the aliases (names that were CNAMEs) and the addresses (A then AAAA, in answer order).</summary>
public sealed record ResolutionResult(
    string Name,
    ResolverFlavor Flavor,
    IReadOnlyList<ResolverCandidate> Candidates,
    ResolverOutcome Outcome,
    string? CanonicalName,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<IPAddress> Addresses)
{
    /// <summary>Every packet sent, in order (what <c>--trace</c> shows).</summary>
    public IEnumerable<ResolverExchange> WireQueries => Candidates.SelectMany(c => c.Exchanges);

    /// <summary>The final responses of the candidate that decided the outcome.</summary>
    public ResolverCandidate? Decisive => Candidates.Count == 0 ? null : Candidates.FirstOrDefault(c => c.Outcome == ResolverOutcome.Found) ?? Candidates[^1];
}

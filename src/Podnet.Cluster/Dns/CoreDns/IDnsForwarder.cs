using Podnet.Cluster.Dns.Wire;

namespace Podnet.Cluster.Dns.CoreDns;

/// <summary>Where CoreDNS's <c>forward</c> plugin sends names it is not authoritative for: the upstream resolvers of
/// <c>forward . /etc/resolv.conf</c> or listed addresses. Inside the emulation this is a UDP exchange over the pod's
/// sockets; the real server may forward nowhere. Returns null when no upstream answered (CoreDNS then answers
/// SERVFAIL).</summary>
public interface IDnsForwarder
{
    /// <summary>Forwards <paramref name="query"/> to one of <paramref name="upstreams"/> (addresses, or a resolv.conf
    /// path such as <c>/etc/resolv.conf</c>, as written in the Corefile).</summary>
    DnsMessage? Forward(DnsMessage query, IReadOnlyList<string> upstreams);
}

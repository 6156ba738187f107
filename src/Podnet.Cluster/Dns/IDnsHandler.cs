using Podnet.Cluster.Dns.Wire;

namespace Podnet.Cluster.Dns;

/// <summary>Something that answers a parsed, well-formed DNS query: the equivalent of a CoreDNS server block's plugin
/// chain (<c>ServeDNS</c>). Pure: the same query against the same state gives the same answer, so the emulated CoreDNS
/// pod and the real <c>podnet dns serve</c> server share one implementation.</summary>
public interface IDnsHandler
{
    /// <summary>The response to <paramref name="query"/> (one question, opcode QUERY). The transport truncates it.</summary>
    DnsMessage Answer(DnsMessage query);
}

namespace Podnet.Cluster.Dns.Wire;

/// <summary>One entry of the question section (RFC 1035 §4.1.2): QNAME (presentation form), QTYPE, QCLASS.</summary>
public sealed record DnsQuestion(string Name, DnsRecordType Type, DnsClass Class = DnsClass.IN);

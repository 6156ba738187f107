namespace Podnet.Cluster.Dns.Wire;

/// <summary>DNS resource record TYPE codes (RFC 1035 §3.2.2, RFC 3596, RFC 2782, RFC 6891), as in bind9's
/// <c>dns/rdatatype.h</c>. Values not listed are kept as raw numbers (<c>TYPE65</c> in presentation form).</summary>
public enum DnsRecordType : ushort
{
    A = 1, NS = 2, CNAME = 5, SOA = 6, PTR = 12, HINFO = 13, MX = 15, TXT = 16, AAAA = 28, SRV = 33,
    OPT = 41, IXFR = 251, AXFR = 252, ANY = 255,
}

/// <summary>DNS CLASS codes (RFC 1035 §3.2.4).</summary>
public enum DnsClass : ushort
{
    IN = 1, CH = 3, HS = 4, NONE = 254, ANY = 255,
}

/// <summary>Header RCODE values (RFC 1035 §4.1.1; RFC 6895 names).</summary>
public enum DnsRcode : byte
{
    NoError = 0, FormErr = 1, ServFail = 2, NXDomain = 3, NotImp = 4, Refused = 5,
}

/// <summary>Header OPCODE values (RFC 1035 §4.1.1, RFC 1996, RFC 2136).</summary>
public enum DnsOpcode : byte
{
    Query = 0, IQuery = 1, Status = 2, Notify = 4, Update = 5,
}

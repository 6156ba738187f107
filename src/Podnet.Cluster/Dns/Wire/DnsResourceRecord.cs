using System.Globalization;

namespace Podnet.Cluster.Dns.Wire;

/// <summary>A resource record (RFC 1035 §4.1.3): owner name (presentation form), TYPE, CLASS, TTL and RDATA.
/// For OPT the CLASS carries the UDP payload size and the TTL the extended RCODE/version/flags (RFC 6891).</summary>
public sealed record DnsResourceRecord(string Name, DnsRecordType Type, DnsClass Class, uint Ttl, DnsRecordData Data)
{
    /// <summary>Builds an IN-class record.</summary>
    public static DnsResourceRecord In(string name, DnsRecordType type, uint ttl, DnsRecordData data) => new(name, type, DnsClass.IN, ttl, data);

    /// <summary>The record as a master-file / dig line: <c>name ttl class type rdata</c>, tab-separated like dig.</summary>
    public override string ToString() =>
        $"{Name}\t{Ttl.ToString(CultureInfo.InvariantCulture)}\t{DnsText.ClassName(Class)}\t{DnsText.TypeName(Type)}\t{Data.ToPresentation()}";
}

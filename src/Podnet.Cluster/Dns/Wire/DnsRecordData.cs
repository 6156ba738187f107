using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Podnet.Cluster.Dns.Wire;

/// <summary>The RDATA of a resource record (RFC 1035 §3.3), one subtype per supported TYPE; anything else is kept as
/// <see cref="UnknownRecordData"/> (RFC 3597). <see cref="ToPresentation"/> gives the master-file / dig text.</summary>
public abstract record DnsRecordData
{
    /// <summary>The RDATA in presentation form, as bind9's dig and master files print it.</summary>
    public abstract string ToPresentation();
}

/// <summary>A: one IPv4 address (RFC 1035 §3.4.1).</summary>
public sealed record ARecordData(IPAddress Address) : DnsRecordData
{
    /// <inheritdoc/>
    public override string ToPresentation() => Address.ToString();
}

/// <summary>AAAA: one IPv6 address (RFC 3596).</summary>
public sealed record AaaaRecordData(IPAddress Address) : DnsRecordData
{
    /// <inheritdoc/>
    public override string ToPresentation() => Address.ToString();
}

/// <summary>A record whose RDATA is one domain name: CNAME, NS or PTR (RFC 1035 §3.3.1, §3.3.11, §3.3.12).</summary>
public sealed record NameRecordData(string Target) : DnsRecordData
{
    /// <inheritdoc/>
    public override string ToPresentation() => Target;
}

/// <summary>SOA (RFC 1035 §3.3.13).</summary>
public sealed record SoaRecordData(string MName, string RName, uint Serial, uint Refresh, uint Retry, uint Expire, uint Minimum) : DnsRecordData
{
    /// <inheritdoc/>
    public override string ToPresentation() => $"{MName} {RName} {Serial} {Refresh} {Retry} {Expire} {Minimum}";
}

/// <summary>SRV (RFC 2782).</summary>
public sealed record SrvRecordData(ushort Priority, ushort Weight, ushort Port, string Target) : DnsRecordData
{
    /// <inheritdoc/>
    public override string ToPresentation() => $"{Priority} {Weight} {Port} {Target}";
}

/// <summary>MX (RFC 1035 §3.3.9).</summary>
public sealed record MxRecordData(ushort Preference, string Exchange) : DnsRecordData
{
    /// <inheritdoc/>
    public override string ToPresentation() => $"{Preference} {Exchange}";
}

/// <summary>TXT: one or more character-strings (RFC 1035 §3.3.14).</summary>
public sealed record TxtRecordData(IReadOnlyList<byte[]> Strings) : DnsRecordData
{
    /// <summary>A TXT record of ASCII strings.</summary>
    public static TxtRecordData FromText(params string[] strings) => new(strings.Select(Encoding.ASCII.GetBytes).ToArray());

    /// <inheritdoc/>
    public override string ToPresentation()
    {
        var sb = new StringBuilder();
        foreach (var s in Strings)
        {
            if (sb.Length > 0) sb.Append(' ');
            sb.Append('"');
            foreach (var b in s)
            {
                if (b is (byte)'"' or (byte)'\\') sb.Append('\\').Append((char)b);
                else if (b is < 0x20 or > 0x7E) sb.Append('\\').Append(b.ToString("D3", CultureInfo.InvariantCulture));
                else sb.Append((char)b);
            }
            sb.Append('"');
        }
        return sb.ToString();
    }

    /// <inheritdoc/>
    public bool Equals(TxtRecordData? other) =>
        other is not null && Strings.Count == other.Strings.Count && Strings.Zip(other.Strings).All(p => p.First.AsSpan().SequenceEqual(p.Second));

    /// <inheritdoc/>
    public override int GetHashCode() => Strings.Count;
}

/// <summary>One EDNS0 option (RFC 6891 §6.1.2): code and raw data.</summary>
public sealed record EdnsOption(ushort Code, byte[] Data)
{
    /// <inheritdoc/>
    public bool Equals(EdnsOption? other) => other is not null && Code == other.Code && Data.AsSpan().SequenceEqual(other.Data);

    /// <inheritdoc/>
    public override int GetHashCode() => Code;
}

/// <summary>OPT pseudo-record RDATA (RFC 6891): the options. The UDP payload size, extended RCODE, version and DO bit
/// live in the record's CLASS and TTL fields; see <see cref="DnsMessage.Edns"/>.</summary>
public sealed record OptRecordData(IReadOnlyList<EdnsOption> Options) : DnsRecordData
{
    /// <inheritdoc/>
    public override string ToPresentation() => string.Join(' ', Options.Select(o => $"{o.Code}:{Convert.ToHexString(o.Data)}"));

    /// <inheritdoc/>
    public bool Equals(OptRecordData? other) => other is not null && Options.SequenceEqual(other.Options);

    /// <inheritdoc/>
    public override int GetHashCode() => Options.Count;
}

/// <summary>RDATA of a TYPE this codec does not interpret, kept byte for byte (RFC 3597 <c>\# len hex</c>).</summary>
public sealed record UnknownRecordData(byte[] Data) : DnsRecordData
{
    /// <inheritdoc/>
    public override string ToPresentation() => Data.Length == 0 ? @"\# 0" : $@"\# {Data.Length} {Convert.ToHexString(Data)}";

    /// <inheritdoc/>
    public bool Equals(UnknownRecordData? other) => other is not null && Data.AsSpan().SequenceEqual(other.Data);

    /// <inheritdoc/>
    public override int GetHashCode() => Data.Length;
}

/// <summary>Helpers to build address records.</summary>
public static class DnsAddress
{
    /// <summary>A or AAAA data for an address of either family.</summary>
    public static DnsRecordData For(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? new AaaaRecordData(address) : new ARecordData(address);
}

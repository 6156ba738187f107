namespace Podnet.Cluster.Dns.Wire;

/// <summary>Why untrusted bytes are not a valid DNS message. Anything but <see cref="None"/> and
/// <see cref="ShortHeader"/> is what RFC 1035 §4.1.1 calls a format error (FORMERR), since the header was readable.</summary>
public enum DnsParseError
{
    /// <summary>The message is valid.</summary>
    None,
    /// <summary>Fewer than 12 bytes: not even a header (servers stay silent).</summary>
    ShortHeader,
    /// <summary>A section ends before the counts in the header say it should.</summary>
    Truncated,
    /// <summary>A compression pointer points at or after itself (a loop) or past the data.</summary>
    BadPointer,
    /// <summary>A label length byte uses the reserved 0x40/0x80 label types (RFC 6891 §5).</summary>
    BadLabelType,
    /// <summary>A name is longer than 255 octets on the wire.</summary>
    NameTooLong,
    /// <summary>RDATA inconsistent with its TYPE (A not 4 bytes, a name overrunning RDLENGTH, ...).</summary>
    BadRdata,
    /// <summary>Bytes after the last record the header counts.</summary>
    TrailingData,
}

/// <summary>Result of <see cref="DnsMessageReader.Parse"/>: the message, or the error and the header when that much
/// was readable (so a server can echo the ID in a FORMERR reply).</summary>
public readonly record struct DnsParseResult(DnsMessage? Message, DnsHeader? Header, DnsParseError Error, int ErrorOffset)
{
    /// <summary>True when the bytes were a valid message.</summary>
    public bool Ok => Error == DnsParseError.None;
}

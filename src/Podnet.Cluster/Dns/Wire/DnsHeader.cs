namespace Podnet.Cluster.Dns.Wire;

/// <summary>The 12-byte DNS message header (RFC 1035 §4.1.1): ID, QR, OPCODE, AA, TC, RD, RA, Z, AD, CD (RFC 4035)
/// and RCODE. Section counts are not stored here: they follow the message's section lists.</summary>
public readonly record struct DnsHeader(
    ushort Id,
    bool IsResponse = false,
    DnsOpcode Opcode = DnsOpcode.Query,
    bool Authoritative = false,
    bool Truncated = false,
    bool RecursionDesired = false,
    bool RecursionAvailable = false,
    bool Z = false,
    bool AuthenticData = false,
    bool CheckingDisabled = false,
    DnsRcode Rcode = DnsRcode.NoError)
{
    /// <summary>The 16-bit flags word as on the wire.</summary>
    public ushort Flags =>
        (ushort)((IsResponse ? 0x8000 : 0) | (((int)Opcode & 0xF) << 11) | (Authoritative ? 0x0400 : 0)
            | (Truncated ? 0x0200 : 0) | (RecursionDesired ? 0x0100 : 0) | (RecursionAvailable ? 0x0080 : 0)
            | (Z ? 0x0040 : 0) | (AuthenticData ? 0x0020 : 0) | (CheckingDisabled ? 0x0010 : 0) | ((int)Rcode & 0xF));

    /// <summary>Decodes the ID and flags words.</summary>
    public static DnsHeader FromWire(ushort id, ushort flags) => new(
        id,
        (flags & 0x8000) != 0,
        (DnsOpcode)((flags >> 11) & 0xF),
        (flags & 0x0400) != 0,
        (flags & 0x0200) != 0,
        (flags & 0x0100) != 0,
        (flags & 0x0080) != 0,
        (flags & 0x0040) != 0,
        (flags & 0x0020) != 0,
        (flags & 0x0010) != 0,
        (DnsRcode)(flags & 0xF));
}

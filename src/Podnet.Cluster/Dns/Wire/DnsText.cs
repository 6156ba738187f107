using System.Globalization;

namespace Podnet.Cluster.Dns.Wire;

/// <summary>Mnemonics of types, classes and rcodes as bind9 prints them (<c>TYPE65</c>/<c>CLASS3</c> for unknown
/// numbers, RFC 3597), and their parsing.</summary>
public static class DnsText
{
    /// <summary>Type mnemonic.</summary>
    public static string TypeName(DnsRecordType type) =>
        Enum.IsDefined(type) ? type.ToString() : "TYPE" + ((ushort)type).ToString(CultureInfo.InvariantCulture);

    /// <summary>Class mnemonic.</summary>
    public static string ClassName(DnsClass cls) =>
        Enum.IsDefined(cls) ? cls.ToString() : "CLASS" + ((ushort)cls).ToString(CultureInfo.InvariantCulture);

    /// <summary>Rcode mnemonic as dig prints it in its <c>status:</c> field.</summary>
    public static string RcodeName(int rcode) => rcode switch
    {
        0 => "NOERROR", 1 => "FORMERR", 2 => "SERVFAIL", 3 => "NXDOMAIN", 4 => "NOTIMP", 5 => "REFUSED",
        6 => "YXDOMAIN", 7 => "YXRRSET", 8 => "NXRRSET", 9 => "NOTAUTH", 10 => "NOTZONE", 16 => "BADVERS",
        _ => "RESERVED" + rcode.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Opcode mnemonic as dig prints it.</summary>
    public static string OpcodeName(DnsOpcode op) => op switch
    {
        DnsOpcode.Query => "QUERY", DnsOpcode.IQuery => "IQUERY", DnsOpcode.Status => "STATUS",
        DnsOpcode.Notify => "NOTIFY", DnsOpcode.Update => "UPDATE",
        _ => "RESERVED" + ((int)op).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Parses a type mnemonic or <c>TYPEnnn</c>.</summary>
    public static bool TryParseType(string text, out DnsRecordType type)
    {
        if (text.StartsWith("TYPE", StringComparison.OrdinalIgnoreCase)
            && ushort.TryParse(text.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            type = (DnsRecordType)n;
            return true;
        }
        return Enum.TryParse(text, ignoreCase: true, out type) && !char.IsAsciiDigit(text[0]);
    }
}

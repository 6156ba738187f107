using System.Globalization;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Podnet.Cluster.Images.Tls;

/// <summary>How OpenSSL names protocols, cipher suites, distinguished names and times (what curl -v and nginx print).</summary>
public static class TlsNames
{
    /// <summary>OpenSSL's protocol name (<c>SSL_get_version</c>): TLSv1.3, TLSv1.2.</summary>
    public static string Protocol(SslProtocols p) => p switch
    {
        SslProtocols.Tls13 => "TLSv1.3",
        SslProtocols.Tls12 => "TLSv1.2",
#pragma warning disable SYSLIB0039 // old protocol names are only printed
        SslProtocols.Tls11 => "TLSv1.1",
        SslProtocols.Tls => "TLSv1",
#pragma warning restore SYSLIB0039
        _ => p.ToString(),
    };

    /// <summary>OpenSSL's cipher name (<c>SSL_CIPHER_get_name</c>): the IANA name for TLS 1.3 suites, OpenSSL's own for TLS 1.2.</summary>
    public static string OpenSslCipher(TlsCipherSuite s)
    {
        var iana = s.ToString();
        return iana switch
        {
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" => "ECDHE-RSA-AES256-GCM-SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" => "ECDHE-RSA-AES128-GCM-SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" => "ECDHE-ECDSA-AES256-GCM-SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" => "ECDHE-ECDSA-AES128-GCM-SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" => "ECDHE-RSA-CHACHA20-POLY1305",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" => "ECDHE-ECDSA-CHACHA20-POLY1305",
            _ => iana,
        };
    }

    /// <summary>
    /// A distinguished name in the order it is encoded, separated by "; ", as curl prints it with
    /// OpenSSL (<c>X509_NAME_print_ex</c> with <c>XN_FLAG_SEP_SPLUS_SPC</c>): <c>O=Acme Co; CN=Kubernetes Ingress Controller Fake Certificate</c>.
    /// </summary>
    public static string OneLine(X500DistinguishedName name)
    {
        var sb = new StringBuilder();
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames(reversed: true))
        {
            if (sb.Length > 0) sb.Append("; ");
            var oid = rdn.GetSingleElementType().Value;
            sb.Append(oid switch
            {
                "2.5.4.3" => "CN",
                "2.5.4.6" => "C",
                "2.5.4.7" => "L",
                "2.5.4.8" => "ST",
                "2.5.4.10" => "O",
                "2.5.4.11" => "OU",
                "2.5.4.5" => "serialNumber",
                "1.2.840.113549.1.9.1" => "emailAddress",
                _ => oid,
            }).Append('=').Append(rdn.GetSingleElementValue());
        }
        return sb.ToString();
    }

    /// <summary>OpenSSL's <c>ASN1_TIME_print</c>: <c>Nov  1 12:00:00 2026 GMT</c> (day padded with a space).</summary>
    public static string Asn1Time(DateTime utc)
    {
        utc = utc.ToUniversalTime();
        return utc.ToString("MMM", CultureInfo.InvariantCulture) + " " + utc.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2) + " "
            + utc.ToString("HH:mm:ss yyyy", CultureInfo.InvariantCulture) + " GMT";
    }
}

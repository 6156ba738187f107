using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Podnet.Cluster.Images.Tls;

/// <summary>
/// Host name verification of a server certificate as curl (<c>lib/vtls/openssl.c</c>
/// <c>ossl_verifyhost</c>) and OpenSSL's <c>X509_check_host</c> do: subjectAltName DNS entries (a
/// wildcard only as the whole left-most label, matching exactly one label) or IP entries for an IP
/// target; the subject CN only when the certificate has no subjectAltName of the target's kind.
/// </summary>
public static class HostnameMatch
{
    /// <summary>
    /// Whether <paramref name="cert"/> is valid for <paramref name="host"/>; <paramref name="matched"/> is
    /// the certificate's name that matched, or null.
    /// </summary>
    public static bool Matches(X509Certificate2 cert, string host, out string? matched)
    {
        matched = null;
        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        bool isIp = IPAddress.TryParse(host, out var ip);
        if (san is not null && HasAltNames(san))
        {
            if (isIp)
            {
                foreach (var a in san.EnumerateIPAddresses())
                    if (a.Equals(ip)) { matched = a.ToString(); return true; }
                return false;
            }
            foreach (var d in san.EnumerateDnsNames())
                if (DnsNameMatches(d, host)) { matched = d; return true; }
            return false;
        }
        var cn = cert.GetNameInfo(X509NameType.SimpleName, false);
        if (!string.IsNullOrEmpty(cn) && (isIp ? cn == host : DnsNameMatches(cn, host)))
        {
            matched = cn;
            return true;
        }
        return false;
    }

    /// <summary>Whether the certificate carries any subjectAltName DNS or IP entry.</summary>
    public static bool HasAltNames(X509Certificate2 cert) =>
        cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault() is { } san && HasAltNames(san);

    private static bool HasAltNames(X509SubjectAlternativeNameExtension san) => san.EnumerateDnsNames().Any() || san.EnumerateIPAddresses().Any();

    /// <summary>RFC 6125 matching: case-insensitive, a trailing dot ignored, <c>*.</c> covers exactly one left-most label.</summary>
    public static bool DnsNameMatches(string pattern, string host)
    {
        pattern = pattern.TrimEnd('.');
        host = host.TrimEnd('.');
        if (pattern.StartsWith("*.", StringComparison.Ordinal))
        {
            var dot = host.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0) return false;
            var suffix = pattern[1..];
            // OpenSSL refuses wildcards that would cover a single-label suffix ("*.com").
            if (suffix.Count(c => c == '.') < 2) return false;
            return string.Equals(host[dot..], suffix, StringComparison.OrdinalIgnoreCase);
        }
        return string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
    }
}

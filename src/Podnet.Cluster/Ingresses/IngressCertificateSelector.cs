using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Ingresses;

/// <summary>
/// The certificate the controller presents for a TLS handshake: a <c>kubernetes.io/tls</c> Secret's
/// <c>tls.crt</c>/<c>tls.key</c> (PEM), or — <see cref="UseFakeCertificate"/> — ingress-nginx's
/// self-signed "Kubernetes Ingress Controller Fake Certificate", with <see cref="Problem"/> saying why
/// (the warning the controller logs and the event the lead records on the Ingress).
/// </summary>
public sealed record IngressCertificateChoice(string? Host, IngressTlsRef? Secret, string? CertificatePem, string? KeyPem, string? Problem)
{
    /// <summary>True when the controller's default (fake) certificate must be used.</summary>
    public bool UseFakeCertificate => CertificatePem is null;
}

/// <summary>
/// SNI certificate selection as ingress-nginx's <c>certificate.lua</c> plus the checks of its
/// <c>createServers</c>: the server for the SNI name (exact host, then a single-label wildcard),
/// its Ingress's TLS Secret, which must exist, be of type <c>kubernetes.io/tls</c> with
/// <c>tls.crt</c> and <c>tls.key</c> that parse and pair, and cover the host (CN or SAN); anything
/// else falls back to the fake certificate. No SNI (or an unknown name) gets the fake certificate too.
/// This is the decision the TLS listener on 443 calls; it needs no TLS itself.
/// </summary>
public sealed class IngressCertificateSelector(IngressRouteTable table, IReadOnlyCollection<KubeObject> objects)
{
    /// <summary>The subject ingress-nginx's self-signed default certificate carries.</summary>
    public const string FakeCertificateSubject = "CN=Kubernetes Ingress Controller Fake Certificate, O=Acme Co";

    /// <summary>Chooses the certificate for <paramref name="sni"/> (the ClientHello's server_name, or null).</summary>
    public IngressCertificateChoice SelectCertificate(string? sni)
    {
        if (string.IsNullOrEmpty(sni)) return new IngressCertificateChoice(null, null, null, null, null);
        var host = sni.ToLowerInvariant().TrimEnd('.');
        var server = table.FindServer(host);
        if (server.Hostname == IngressServer.DefaultServerName || server.Tls is null) return new IngressCertificateChoice(host, null, null, null, null);
        var tls = server.Tls;
        if (tls.SecretName.Length == 0)
            return Fake(host, tls, $"Host \"{host}\" is listed in the TLS section but secretName is empty. Using default certificate");
        var key = tls.Namespace + "/" + tls.SecretName;
        var secret = objects.OfType<Secret>().FirstOrDefault(s => s.Namespace == tls.Namespace && s.Name == tls.SecretName);
        if (secret is null)
            return Fake(host, tls, $"Error getting SSL certificate \"{key}\": local SSL certificate {key} was not found. Using default certificate");
        if (secret.Type is { } type && type != "kubernetes.io/tls" && type != "Opaque")
            return Fake(host, tls, $"Error getting SSL certificate \"{key}\": secret {key} is of type {type}, not kubernetes.io/tls. Using default certificate");
        var crt = Value(secret, "tls.crt");
        var pk = Value(secret, "tls.key");
        if (crt is null || pk is null)
            return Fake(host, tls, $"Error getting SSL certificate \"{key}\": local SSL certificate {key} was not found (secret has no {(crt is null ? "tls.crt" : "tls.key")}). Using default certificate");
        try
        {
            using var cert = X509Certificate2.CreateFromPem(crt, pk);
            if (!cert.MatchesHostname(host, allowWildcards: true, allowCommonName: true))
                return Fake(host, tls, $"SSL certificate \"{key}\" does not contain a Common Name or Subject Alternative Name for server \"{host}\": x509: certificate is valid for {Names(cert)}, not {host}");
        }
        catch (CryptographicException e)
        {
            return Fake(host, tls, $"Error getting SSL certificate \"{key}\": unexpected error creating SSL Cert: {e.Message.TrimEnd('.')}. Using default certificate");
        }
        return new IngressCertificateChoice(host, tls, crt, pk, null);
    }

    private static IngressCertificateChoice Fake(string host, IngressTlsRef tls, string problem) => new(host, tls, null, null, problem);

    private static string Names(X509Certificate2 cert)
    {
        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        var names = san?.EnumerateDnsNames().ToList() ?? [];
        if (names.Count == 0) names.Add(cert.GetNameInfo(X509NameType.SimpleName, false));
        return string.Join(", ", names);
    }

    /// <summary>A Secret value decoded from <c>data</c> (base64) or taken from <c>stringData</c>; null when absent or not base64.</summary>
    public static string? Value(Secret secret, string key)
    {
        if (secret.StringData.TryGetValue(key, out var plain)) return plain;
        if (!secret.Data.TryGetValue(key, out var b64)) return null;
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(b64));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

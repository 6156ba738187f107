using System.Security.Cryptography;
using System.Text;
using Podnet.Cluster.Api.Core;

namespace Podnet.Cluster.Images.Tls;

/// <summary>
/// Reads server certificates from <c>kubernetes.io/tls</c> Secrets the way ingress-nginx's store does
/// (<c>internal/ingress/controller/store/backend_ssl.go</c>): <c>tls.crt</c> and <c>tls.key</c> are
/// base64 PEM in <c>data</c>; a Secret that is absent is "missing", one without a usable key pair is
/// "invalid", and in both cases the controller serves its fake certificate
/// (<see cref="IngressFakeCertificate"/>).
/// </summary>
public static class TlsSecrets
{
    /// <summary>The Secret type for TLS key pairs.</summary>
    public const string SecretType = "kubernetes.io/tls";

    /// <summary>Reads <paramref name="secret"/> (null = not found) named <paramref name="ns"/>/<paramref name="name"/>.</summary>
    public static TlsSecretCheck Load(Secret? secret, string ns, string name)
    {
        var key = ns + "/" + name;
        if (secret is null)
            return new TlsSecretCheck(TlsSecretStatus.Missing, null, $"Error getting SSL certificate \"{key}\": local SSL certificate {key} was not found. Using default certificate");
        string? Value(string k)
        {
            if (secret.Data.TryGetValue(k, out var b64))
            {
                try { return Encoding.ASCII.GetString(Convert.FromBase64String(b64)); }
                catch (FormatException) { return null; }
            }
            return secret.StringData.GetValueOrDefault(k);
        }
        var crt = Value("tls.crt");
        var pem = Value("tls.key");
        if (crt is null || pem is null)
            return new TlsSecretCheck(TlsSecretStatus.Invalid, null, $"Error getting SSL certificate \"{key}\": no keypair or CA cert could be found in {key}. Using default certificate");
        try
        {
            return new TlsSecretCheck(TlsSecretStatus.Valid, TlsCertificates.FromPem(crt, pem), "");
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return new TlsSecretCheck(TlsSecretStatus.Invalid, null, $"Error getting SSL certificate \"{key}\": unexpected error creating SSL Cert: {e.Message}. Using default certificate");
        }
    }
}

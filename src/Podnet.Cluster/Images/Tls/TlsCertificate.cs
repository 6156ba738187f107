using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Podnet.Cluster.Images.Tls;

/// <summary>
/// What a TLS server presents for one name: the leaf certificate with its private key and the
/// intermediates from the same <c>tls.crt</c> (nginx's <c>ssl_certificate</c> file: leaf first, then
/// the chain). The handshake context is built once (offline: intermediates are never fetched).
/// </summary>
public sealed class TlsCertificate
{
    private SslStreamCertificateContext? _context;

    /// <summary>A certificate for <paramref name="leaf"/> (which must carry its private key) and <paramref name="intermediates"/>.</summary>
    public TlsCertificate(X509Certificate2 leaf, IReadOnlyList<X509Certificate2>? intermediates = null)
    {
        if (!leaf.HasPrivateKey) throw new ArgumentException("a server certificate needs its private key", nameof(leaf));
        Leaf = leaf;
        Intermediates = intermediates ?? [];
    }

    /// <summary>The leaf (end-entity) certificate with its key.</summary>
    public X509Certificate2 Leaf { get; }

    /// <summary>Certificates sent after the leaf.</summary>
    public IReadOnlyList<X509Certificate2> Intermediates { get; }

    /// <summary>The subject's common name.</summary>
    public string CommonName => Leaf.GetNameInfo(X509NameType.SimpleName, false);

    /// <summary>SslStream's server context (leaf + chain), built on first use.</summary>
    public SslStreamCertificateContext Context =>
        _context ??= SslStreamCertificateContext.Create(Leaf, new X509Certificate2Collection(Intermediates.ToArray()), offline: true);

    /// <summary>
    /// Whether the certificate is valid for <paramref name="host"/> by its subjectAltName DNS names
    /// (single-label wildcards) or, without any, its CN: Go's <c>x509.Certificate.VerifyHostname</c>,
    /// which ingress-nginx uses to decide between a Secret's certificate and its default one.
    /// </summary>
    public bool CoversHost(string host) => HostnameMatch.Matches(Leaf, host, out _);

    /// <summary>Wraps an <see cref="X509Certificate2"/> with a private key.</summary>
    public static implicit operator TlsCertificate(X509Certificate2 leaf) => new(leaf);
}

namespace Podnet.Cluster.Images.Tls;

/// <summary>The outcome of reading a <c>kubernetes.io/tls</c> Secret as ingress-nginx does.</summary>
public enum TlsSecretStatus
{
    /// <summary>The Secret holds a certificate and its matching key.</summary>
    Valid,

    /// <summary>No Secret of that name in the namespace.</summary>
    Missing,

    /// <summary>The Secret exists but has no usable key pair (keys absent, bad base64 or PEM, key of another certificate).</summary>
    Invalid,
}

/// <summary>
/// A Secret read for TLS: the certificate when <see cref="Status"/> is Valid, else the reason in
/// ingress-nginx's words (what goes into its log line and the Ingress's Warning event).
/// </summary>
public sealed record TlsSecretCheck(TlsSecretStatus Status, TlsCertificate? Certificate, string Reason);

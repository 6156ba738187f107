using Podnet.Cluster.Ingresses;

namespace Podnet.Cluster.Images.Programs;

/// <summary>
/// The TLS seam of the ingress controller (nginx's <c>ssl_certificate_by_lua</c> + OpenSSL). Without
/// it the controller serves plain HTTP on 80 only and does not listen on 443.
/// <para><see cref="AcceptAsync"/> runs the server side of a handshake over a freshly accepted plain
/// connection: it must read the ClientHello's SNI, call the selector it is given
/// (<see cref="IngressCertificateSelector.SelectCertificate"/>), present that Secret's certificate or,
/// when <see cref="IngressCertificateChoice.UseFakeCertificate"/>, the controller's self-signed
/// "Kubernetes Ingress Controller Fake Certificate", and return the decrypted stream and the SNI —
/// or null when the handshake failed (the controller then closes the connection).</para>
/// <para><see cref="ConnectAsync"/> (optional) wraps an upstream connection as a TLS client for
/// <c>backend-protocol: HTTPS</c> (nginx's default <c>proxy_ssl_verify off</c>: no verification);
/// null makes such backends answer 502.</para>
/// </summary>
public sealed record IngressNginxTls(
    Func<Stream, Func<string?, IngressCertificateChoice>, Task<(Stream Stream, string? Sni)?>> AcceptAsync,
    Func<Stream, string, Task<Stream?>>? ConnectAsync = null);

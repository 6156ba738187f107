using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Podnet.Cluster.Images.Tls;

/// <summary>
/// The decrypted side of an established TLS connection over an emulated socket (what <c>SSL_read</c>/
/// <c>SSL_write</c> give a program). Every operation goes through the transport's
/// <see cref="TcpSocketStream.Guard{T}(Task{T})"/>, so it is safe on the event loop even when .NET's TLS
/// stack computes off the loop thread. Use it from programs running on the loop, asynchronously only.
/// </summary>
public sealed class TlsStream : Stream
{
    private readonly SslStream _ssl;
    private bool _closed;

    internal TlsStream(SslStream ssl, TcpSocketStream transport, string? serverName)
    {
        _ssl = ssl;
        Transport = transport;
        ServerName = serverName;
    }

    /// <summary>The emulated connection underneath.</summary>
    public TcpSocketStream Transport { get; }

    /// <summary>The SNI name (server side: what the client sent; client side: what it asked for), or null.</summary>
    public string? ServerName { get; }

    /// <summary>OpenSSL's protocol name (<c>$ssl_protocol</c>): TLSv1.3, TLSv1.2.</summary>
    public string Protocol => TlsNames.Protocol(_ssl.SslProtocol);

    /// <summary>OpenSSL's cipher name (<c>$ssl_cipher</c>).</summary>
    public string Cipher => TlsNames.OpenSslCipher(_ssl.NegotiatedCipherSuite);

    /// <summary>The ALPN protocol agreed (empty when none).</summary>
    public string ApplicationProtocol => _ssl.NegotiatedApplicationProtocol.ToString();

    /// <summary>The peer's certificate, if it sent one.</summary>
    public X509Certificate? RemoteCertificate => _ssl.RemoteCertificate;

    /// <inheritdoc/>
    public override bool CanRead => !_closed;

    /// <inheritdoc/>
    public override bool CanWrite => !_closed;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(Transport.Guard(_ssl.ReadAsync(buffer, cancellationToken).AsTask()));

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(Transport.Guard(_ssl.WriteAsync(buffer, cancellationToken).AsTask()));

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) =>
        throw new InvalidOperationException("a synchronous read would block the event loop; use ReadAsync");

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) =>
        throw new InvalidOperationException("a synchronous write would block the event loop; use WriteAsync");

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary><c>SSL_shutdown</c> (close_notify) then <c>close</c> (FIN). Errors from a peer that is gone are ignored.</summary>
    public async Task CloseAsync()
    {
        if (_closed) return;
        _closed = true;
        try
        {
            await Transport.Guard(_ssl.ShutdownAsync());
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            // the peer is gone: closing the socket is all that is left
        }
        Transport.Dispose();
    }

    /// <summary>Abortive close (RST), without close_notify.</summary>
    public void Abort()
    {
        _closed = true;
        Transport.Abort();
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_closed)
        {
            _closed = true;
            Transport.Dispose();
        }
        base.Dispose(disposing);
    }
}

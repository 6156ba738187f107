using Podnet.Kernel.Sockets;

namespace Podnet.Cluster.Images.Programs;

/// <summary>
/// An emulated TCP connection as a <see cref="Stream"/> (what a file descriptor of a connected
/// socket is to read(2)/write(2)), so the ingress controller's HTTP code — and a TLS stream wrapped
/// around it — read and write it like any stream. Only asynchronous reads are supported (the socket
/// lives on the event loop); writes go out at once. Reset and other socket errors surface as
/// <see cref="IOException"/>; disposing closes the socket.
/// </summary>
public sealed class IngressNginxSocketStream(TcpSocket socket, TimeSpan? readTimeout = null) : Stream
{
    /// <summary>The socket.</summary>
    public TcpSocket Socket { get; } = socket;

    /// <summary>SO_RCVTIMEO for reads (null = wait forever); a read that times out throws <see cref="TimeoutException"/>.</summary>
    public TimeSpan? Timeout { get; set; } = readTimeout;

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => true;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("synchronous reads would block the event loop; use ReadAsync");

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var r = await Socket.ReceiveAsync(buffer, Timeout);
        if (r.Count > 0 || r.Error == Errno.None) return r.Count;
        if (r.Error == Errno.EAGAIN) throw new TimeoutException("recv timed out");
        throw new IOException(r.Error.Message(), (int)r.Error);
    }

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var err = Socket.Send(buffer);
        if (err != Errno.None) throw new IOException(err.Message(), (int)err);
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) Socket.Close();
        base.Dispose(disposing);
    }
}

using Podnet.Kernel.Simulation;
using Podnet.Kernel.Sockets;

namespace Podnet.Cluster.Images.Tls;

/// <summary>
/// A <see cref="Stream"/> over one emulated TCP connection: the equivalent of a socket file
/// descriptor handed to a TLS library (OpenSSL's <c>BIO_s_socket</c>). Reads are <c>recv</c>,
/// writes are <c>send</c>, <see cref="ShutdownWrite"/> is <c>shutdown(SHUT_WR)</c>, disposing is
/// <c>close</c>. Only the asynchronous read path is supported: the socket's awaitables complete on the
/// event loop (their continuations are posted to it, never run on the thread pool), so a
/// <see cref="System.Net.Security.SslStream"/> stacked on this stream runs entirely on the loop thread
/// in virtual time. A synchronous <see cref="Read(byte[], int, int)"/> would block the only thread that
/// can deliver the bytes, so it throws.
/// <para>
/// .NET's TLS stack may continue part of a handshake on a thread-pool thread (measured: the server's
/// reply to a ClientHello is computed off the calling thread). Two things keep that deterministic and
/// deadlock-free: every socket call made off the loop thread is marshalled onto the loop (through a
/// <see cref="LoopSynchronizationContext"/>, whose queue is thread-safe), so the kernel is only ever
/// touched by the loop; and while a TLS operation wrapped by <see cref="Guard{T}(Task{T})"/> is in flight
/// and is not waiting for bytes from the socket, the loop is kept from declaring itself idle (it polls
/// for the off-loop work to post back, without advancing virtual time: TLS computation costs no
/// virtual time). Once the operation waits on a socket read, polling stops and virtual time flows
/// normally (timeouts and retransmissions still fire).
/// </para>
/// </summary>
public sealed class TcpSocketStream : Stream
{
    private readonly bool _ownsSocket;
    private bool _disposed;

    /// <summary>Wraps <paramref name="socket"/>; disposing the stream closes it when <paramref name="ownsSocket"/>.</summary>
    public TcpSocketStream(TcpSocket socket, bool ownsSocket = true)
    {
        Socket = socket;
        _ownsSocket = ownsSocket;
        _loop = socket.Namespace.World.Loop;
        _context = new LoopSynchronizationContext(_loop);
    }

    private readonly EventLoop _loop;
    private readonly LoopSynchronizationContext _context;
    private int _guards;
    private volatile bool _readOutstanding;
    private bool _polling;

    private static bool OnLoopThread => SynchronizationContext.Current is LoopSynchronizationContext;

    /// <summary>
    /// Awaits a TLS operation running over this stream (a handshake, a read, a write, a shutdown),
    /// keeping the event loop from going idle while the operation computes off the loop thread.
    /// Call on the loop thread.
    /// </summary>
    public async Task<T> Guard<T>(Task<T> operation)
    {
        if (operation.IsCompleted) return await operation;
        _guards++;
        EnsurePolling();
        try
        {
            return await operation;
        }
        finally
        {
            _guards--;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the loop thread and returns its result to the caller, which may be
    /// a thread-pool thread (a callback .NET's TLS stack makes off the loop).
    /// </summary>
    public Task<T> OnLoop<T>(Func<T> work)
    {
        if (OnLoopThread) return Task.FromResult(work());
        var tcs = new TaskCompletionSource<T>();
        _context.Post(_ =>
        {
            try { tcs.SetResult(work()); }
            catch (Exception e) { tcs.SetException(e); }
        }, null);
        return tcs.Task;
    }

    /// <summary>The same for an operation without a result.</summary>
    public Task Guard(Task operation) => Guard(operation.ContinueWith(static t => { t.GetAwaiter().GetResult(); return true; }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));

    private void EnsurePolling()
    {
        if (_polling || _guards == 0 || _readOutstanding) return;
        _polling = true;
        _loop.Post(static s => ((TcpSocketStream)s!).Poll(), this);
    }

    private void Poll()
    {
        if (_guards == 0 || _readOutstanding)
        {
            _polling = false;
            return;
        }
        // Off-loop TLS work is running: give it the CPU, then look again (its posts are drained in between).
        Thread.Yield();
        _loop.Post(static s => ((TcpSocketStream)s!).Poll(), this);
    }

    /// <summary>The connection.</summary>
    public TcpSocket Socket { get; }

    /// <summary>SO_RCVTIMEO in virtual time: a read waiting longer fails with EAGAIN (an <see cref="IOException"/>); null waits forever.</summary>
    public TimeSpan? ReceiveTimeout { get; set; }

    /// <summary>Bytes received so far (what a TLS client looks at to tell a plain-HTTP server from a TLS one).</summary>
    public long BytesRead { get; private set; }

    /// <summary>The first bytes received (up to 5: one TLS record header), for diagnosing handshake failures.</summary>
    public byte[] FirstBytes { get; private set; } = [];

    /// <summary>The error of the last failed read (ECONNRESET, EAGAIN...), or <see cref="Errno.None"/>.</summary>
    public Errno LastError { get; private set; }

    /// <summary>True once a read returned end of stream (the peer sent FIN).</summary>
    public bool PeerClosed { get; private set; }

    /// <inheritdoc/>
    public override bool CanRead => !_disposed;

    /// <inheritdoc/>
    public override bool CanWrite => !_disposed;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (OnLoopThread) return ReadOnLoopAsync(buffer);
        // Called from a thread-pool thread: do the read on the loop; its completion resumes the caller there.
        var tcs = new TaskCompletionSource<int>();
        _context.Post(async _ =>
        {
            try { tcs.SetResult(await ReadOnLoopAsync(buffer)); }
            catch (Exception e) { tcs.SetException(e); }
        }, null);
        return new ValueTask<int>(tcs.Task);
    }

    private async ValueTask<int> ReadOnLoopAsync(Memory<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.Length == 0) return 0;
        TcpReadResult r;
        _readOutstanding = true;
        try
        {
            r = await Socket.ReceiveAsync(buffer, ReceiveTimeout);
        }
        finally
        {
            _readOutstanding = false;
            // The TLS code continues from here on the loop, and may hand work off again.
            EnsurePolling();
        }
        if (r.Error != Errno.None)
        {
            LastError = r.Error;
            throw new IOException(r.Error.Message(), new TcpSocketException(r.Error));
        }
        if (r.Count == 0) PeerClosed = true;
        if (FirstBytes.Length < 5 && r.Count > 0)
        {
            int take = Math.Min(5 - FirstBytes.Length, r.Count);
            FirstBytes = [.. FirstBytes, .. buffer.Span[..take]];
        }
        BytesRead += r.Count;
        return r.Count;
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) =>
        throw new InvalidOperationException("a synchronous read would block the event loop that delivers the bytes; use ReadAsync");

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var e = Socket.Send(buffer);
        if (e != Errno.None)
        {
            LastError = e;
            throw new IOException(e.Message(), new TcpSocketException(e));
        }
    }

    /// <inheritdoc/>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!OnLoopThread)
        {
            var copy = buffer.ToArray();
            var tcs = new TaskCompletionSource();
            _context.Post(_ =>
            {
                try
                {
                    Write(copy);
                    tcs.SetResult();
                }
                catch (Exception e)
                {
                    tcs.SetException(e);
                }
            }, null);
            return new ValueTask(tcs.Task);
        }
        try
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
        catch (IOException e)
        {
            return ValueTask.FromException(e);
        }
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Segments leave at <c>send</c> time (no Nagle, no send buffer is modelled): nothing to flush.</summary>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary><c>shutdown(fd, SHUT_WR)</c>: sends FIN; reading stays possible.</summary>
    public void ShutdownWrite() => Socket.Shutdown();

    /// <summary>Abortive close (RST), as <c>SO_LINGER</c> 0 then <c>close</c>.</summary>
    public void Abort()
    {
        _disposed = true;
        Socket.Abort();
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (!_disposed && disposing && _ownsSocket) Socket.Close();
        _disposed = true;
        base.Dispose(disposing);
    }
}

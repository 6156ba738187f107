namespace Podnet.Kernel.Sockets;

/// <summary>A growable FIFO of bytes (a socket's receive queue).</summary>
internal sealed class ByteQueue
{
    private byte[] _buffer = [];
    private int _head;

    public int Count { get; private set; }

    public void Write(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        if (Count + data.Length > _buffer.Length)
        {
            var n = new byte[Math.Max(Math.Max(_buffer.Length * 2, 256), Count + data.Length)];
            Read(n.AsSpan(0, Count), peek: true);
            _buffer = n;
            _head = 0;
        }
        int tail = (_head + Count) % _buffer.Length;
        int first = Math.Min(data.Length, _buffer.Length - tail);
        data[..first].CopyTo(_buffer.AsSpan(tail));
        data[first..].CopyTo(_buffer);
        Count += data.Length;
    }

    public int Read(Span<byte> into) => Read(into, peek: false);

    private int Read(Span<byte> into, bool peek)
    {
        int n = Math.Min(into.Length, Count);
        if (n == 0) return 0;
        int first = Math.Min(n, _buffer.Length - _head);
        _buffer.AsSpan(_head, first).CopyTo(into);
        _buffer.AsSpan(0, n - first).CopyTo(into[first..]);
        if (!peek)
        {
            _head = (_head + n) % _buffer.Length;
            Count -= n;
            if (Count == 0) _head = 0;
        }
        return n;
    }
}

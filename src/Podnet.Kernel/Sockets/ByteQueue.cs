namespace Podnet.Kernel.Sockets;

/// <summary>
/// A growable FIFO of bytes (a socket's receive queue). A mutable struct kept as a field of its owner:
/// always used in place, never copied.
/// </summary>
internal struct ByteQueue
{
    private byte[]? _buffer;
    private int _head;

    public int Count { get; private set; }

    public void Write(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        int capacity = _buffer?.Length ?? 0;
        if (Count + data.Length > capacity)
        {
            var n = new byte[Math.Max(Math.Max(capacity * 2, 256), Count + data.Length)];
            Read(n.AsSpan(0, Count), peek: true);
            _buffer = n;
            _head = 0;
        }
        var buffer = _buffer!;
        int tail = (_head + Count) % buffer.Length;
        int first = Math.Min(data.Length, buffer.Length - tail);
        data[..first].CopyTo(buffer.AsSpan(tail));
        data[first..].CopyTo(buffer);
        Count += data.Length;
    }

    public int Read(Span<byte> into) => Read(into, peek: false);

    private int Read(Span<byte> into, bool peek)
    {
        int n = Math.Min(into.Length, Count);
        if (n == 0) return 0;
        var buffer = _buffer!;
        int first = Math.Min(n, buffer.Length - _head);
        buffer.AsSpan(_head, first).CopyTo(into);
        buffer.AsSpan(0, n - first).CopyTo(into[first..]);
        if (!peek)
        {
            _head = (_head + n) % buffer.Length;
            Count -= n;
            if (Count == 0) _head = 0;
        }
        return n;
    }
}

namespace Podnet.Kernel.Wire;

/// <summary>
/// Recycled frames of a few fixed buffer sizes (the kernel's skbuff slab caches, <c>skbuff_head_cache</c>
/// and the kmalloc size classes behind the data). One pool per world: the world's event loop is
/// single-threaded, so renting and returning need no locking.
/// <para>
/// A frame comes back only when its life has certainly ended: the stack returns it after a local
/// socket consumed it (<see cref="Frame.Consumed"/>), and never when a capture tap saw it
/// (<see cref="Frame.Retained"/>: a tap may keep the object), when it belongs to a traced flow, or
/// when encapsulation replaced its buffer. A frame that is dropped anywhere else is simply left to
/// the garbage collector.
/// </para>
/// </summary>
internal sealed class FramePool
{
    // buffer capacities: TCP control segments (≤ 128 bytes with options), small data, a full 1500-byte MTU frame
    private static readonly int[] Capacities = [128, 256, 2048];
    private const int PerClass = 256;
    private readonly Frame[][] _free = [new Frame[PerClass], new Frame[PerClass], new Frame[PerClass]];
    private readonly int[] _count = new int[3];

    /// <summary>Frames handed out from the pool's free lists (a recycled frame) so far.</summary>
    public long Reused { get; private set; }

    /// <summary>Frames returned to the free lists so far.</summary>
    public long Returned { get; private set; }

    private static int ClassOf(int capacity)
    {
        for (int i = 0; i < Capacities.Length; i++)
            if (capacity <= Capacities[i]) return i;
        return -1;
    }

    /// <summary>A frame of <paramref name="length"/> bytes, all zero, with no metadata set.</summary>
    public Frame Rent(int length)
    {
        int c = ClassOf(length);
        if (c < 0) return new Frame(length);
        if (_count[c] == 0) return new Frame(new byte[Capacities[c]], length) { Pool = this };
        var f = _free[c][--_count[c]];
        _free[c][_count[c]] = null!;
        Reused++;
        f.Reset(length);
        return f;
    }

    /// <summary>Takes a frame back if it is one of this pool's, nobody can still hold it, and its buffer is the one it was rented with.</summary>
    internal void Return(Frame f)
    {
        if (!ReferenceEquals(f.Pool, this) || f.Retained || f.Trace != null || f.InPool) return;
        int c = ClassOf(f.Data.Length);
        if (c < 0 || f.Data.Length != Capacities[c] || _count[c] == PerClass) return;
        f.InPool = true;
        _free[c][_count[c]++] = f;
        Returned++;
    }
}

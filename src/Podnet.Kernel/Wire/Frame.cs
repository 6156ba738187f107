using Podnet.Kernel.Tracing;

namespace Podnet.Kernel.Wire;

/// <summary>
/// One Ethernet frame in flight (the emulator's <c>sk_buff</c>): the wire bytes starting at the
/// Ethernet header, plus the metadata the kernel keeps beside them (mark, conntrack, the trace sink of
/// a traced flow). The bytes are the truth; headers are parsed from them at each layer.
/// </summary>
public sealed class Frame
{
    public Frame(byte[] data, int length)
    {
        Data = data;
        Length = length;
    }

    public Frame(int length) : this(new byte[length], length) { }

    public byte[] Data { get; private set; }

    public int Length { get; set; }

    public Span<byte> Span => Data.AsSpan(0, Length);

    /// <summary>skb->mark; cleared when the frame crosses into another namespace.</summary>
    public uint Mark { get; set; }

    /// <summary>skb->_nfct: the netfilter conntrack entry; cleared when crossing namespaces.</summary>
    public object? Conntrack { get; set; }

    /// <summary>The traced flow this frame belongs to, or null (no cost when not tracing).</summary>
    public ITraceSink? Trace { get; set; }

    /// <summary>The device that receives this frame when its queued delivery runs (veth peer, lo).</summary>
    internal Links.NetDevice? NextDevice;

    /// <summary>
    /// CHECKSUM_UNNECESSARY: the frame was built by this emulator's own stack (checksums correct by
    /// construction), so receivers skip verifying the L4 checksum, as Linux does for veth traffic.
    /// Frames from anywhere else (injected bytes) are verified.
    /// </summary>
    public bool ChecksumTrusted { get; set; }

    /// <summary>Set when br_netfilter already ran PREROUTING on this frame (ip_sabotage_in).</summary>
    internal bool BridgePreroutingDone;

    /// <summary>The pool this frame was rented from (its buffer may be longer than <see cref="Length"/>), or null.</summary>
    internal FramePool? Pool;

    /// <summary>A capture tap saw this frame: it may keep the object, so the frame is never recycled.</summary>
    internal bool Retained;

    /// <summary>A local socket consumed the frame (the data was copied out): after the delivery returns, nothing needs it.</summary>
    internal bool Consumed;

    /// <summary>The frame sits in its pool's free list.</summary>
    internal bool InPool;

    /// <summary>Makes a recycled frame new: <paramref name="length"/> zero bytes, no metadata.</summary>
    internal void Reset(int length)
    {
        Data.AsSpan(0, length).Clear();
        Length = length;
        Mark = 0;
        Conntrack = null;
        Trace = null;
        NextDevice = null;
        ChecksumTrusted = false;
        BridgePreroutingDone = false;
        Retained = false;
        Consumed = false;
        InPool = false;
    }

    /// <summary>A deep copy (for flooding, where each port gets its own frame).</summary>
    public Frame Clone()
    {
        var copy = new Frame(Length) { Mark = Mark, Conntrack = Conntrack, Trace = Trace, ChecksumTrusted = ChecksumTrusted };
        Data.AsSpan(0, Length).CopyTo(copy.Data);
        return copy;
    }

    /// <summary>Prepends <paramref name="bytes"/> bytes of headroom (for encapsulation); the new bytes come first.</summary>
    public void Prepend(int bytes)
    {
        var d = new byte[Length + bytes];
        Data.AsSpan(0, Length).CopyTo(d.AsSpan(bytes));
        Data = d;
        Length += bytes;
    }

    /// <summary>Removes <paramref name="bytes"/> bytes from the front (decapsulation).</summary>
    public void Pull(int bytes)
    {
        Data.AsSpan(bytes, Length - bytes).CopyTo(Data);
        Length -= bytes;
    }
}

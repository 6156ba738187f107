using System.Buffers.Binary;

namespace Podnet.Kernel.Tracing;

/// <summary>
/// Writes the classic libpcap file format (magic a1b2c3d4, version 2.4, LINKTYPE_ETHERNET) that
/// tcpdump, tshark and Wireshark open. Timestamps are virtual time.
/// </summary>
public sealed class PcapWriter : IDisposable
{
    public const int SnapLength = 262144;
    private readonly Stream _stream;
    private readonly bool _leaveOpen;

    public PcapWriter(Stream stream, bool leaveOpen = false)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        Span<byte> h = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0xa1b2c3d4);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(h[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], SnapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], 1);
        _stream.Write(h);
    }

    public int Packets { get; private set; }

    public void Write(TimeSpan time, ReadOnlySpan<byte> frame)
    {
        Span<byte> h = stackalloc byte[16];
        long us = time.Ticks / 10;
        int len = Math.Min(frame.Length, SnapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(h, (uint)(us / 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)(us % 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], (uint)len);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], (uint)frame.Length);
        _stream.Write(h);
        _stream.Write(frame[..len]);
        Packets++;
    }

    public void Dispose()
    {
        _stream.Flush();
        if (!_leaveOpen) _stream.Dispose();
    }
}

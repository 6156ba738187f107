using Podnet.Kernel.Links;
using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Tracing;

/// <summary>
/// A capture on one device, as <c>tcpdump -i DEV</c>: every frame sent or received is written to a
/// pcap stream (if given) and/or kept as tcpdump-style one-line text. <see cref="Stop"/> detaches it.
/// </summary>
public sealed class PacketCapture : ICaptureTap, IDisposable
{
    private readonly NetDevice _device;
    private readonly PcapWriter? _pcap;
    private readonly List<string>? _lines;
    private readonly int _limit;

    private PacketCapture(NetDevice device, PcapWriter? pcap, bool text, int limit)
    {
        _device = device;
        _pcap = pcap;
        _lines = text ? [] : null;
        _limit = limit;
    }

    /// <summary>Starts capturing on <paramref name="device"/>; <paramref name="limit"/> stops after that many frames (tcpdump -c).</summary>
    public static PacketCapture Start(NetDevice device, Stream? pcap = null, bool text = true, int limit = int.MaxValue)
    {
        var c = new PacketCapture(device, pcap != null ? new PcapWriter(pcap, leaveOpen: true) : null, text, limit);
        device.AddTap(c);
        return c;
    }

    public int Count { get; private set; }

    /// <summary>tcpdump -n -S style lines (empty when text was not asked for).</summary>
    public IReadOnlyList<string> Lines => _lines ?? [];

    public void Capture(NetDevice device, Frame frame, bool outgoing)
    {
        if (Count >= _limit) return;
        Count++;
        var now = device.Namespace.World.Loop.Now;
        _pcap?.Write(now, frame.Span);
        _lines?.Add(Tcpdump.Format(frame.Span, now));
    }

    public void Stop()
    {
        _device.RemoveTap(this);
        _pcap?.Dispose();
    }

    public void Dispose() => Stop();
}

using Podnet.Kernel.Links;
using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Tests;

/// <summary>A capture tap that keeps every frame it sees: the frame object, its direction, and a copy of its bytes at that moment.</summary>
internal sealed class RecordingTap : ICaptureTap
{
    public readonly List<(Frame Frame, bool Outgoing, byte[] Bytes)> Seen = [];

    public void Capture(NetDevice device, Frame frame, bool outgoing) => Seen.Add((frame, outgoing, frame.Span.ToArray()));
}

using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Links;

/// <summary>Sees every frame a device sends or receives (what an <c>AF_PACKET</c> socket / tcpdump sees).</summary>
public interface ICaptureTap
{
    void Capture(NetDevice device, Frame frame, bool outgoing);
}

using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Links;

/// <summary>The loopback device <c>lo</c> (drivers/net/loopback.c): every frame sent comes straight back in, in the same namespace.</summary>
public sealed class Loopback : NetDevice
{
    public Loopback() : base("lo", MacAddress.Zero, 65536) { }

    public override string? Kind => null;

    public override bool NoArp => true;

    protected override void Xmit(Frame frame)
    {
        frame.NextDevice = this;
        Namespace.World.Loop.Post(DeliverQueued, frame);
    }
}

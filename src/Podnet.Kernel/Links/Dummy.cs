using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Links;

/// <summary>A dummy device (drivers/net/dummy.c): holds addresses (e.g. the virtual addresses IPVS answers for), swallows everything sent to it.</summary>
public sealed class Dummy : NetDevice
{
    public Dummy(string name, MacAddress mac) : base(name, mac, 1500) { }

    public override string? Kind => "dummy";

    public override bool NoArp => true;

    protected override void Xmit(Frame frame) { }
}

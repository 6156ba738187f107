using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Links;

/// <summary>
/// One end of a virtual Ethernet pair (drivers/net/veth.c): a frame sent on one end is received by its
/// peer, possibly in another namespace (then mark and conntrack are scrubbed, as skb_scrub_packet does).
/// </summary>
public sealed class Veth : NetDevice
{
    public Veth(string name, MacAddress mac) : base(name, mac, 1500) { }

    public override string? Kind => "veth";

    /// <summary>The other end.</summary>
    public Veth Peer { get; internal set; } = null!;

    /// <summary>LOWER_UP needs the peer up too (NO-CARRIER otherwise).</summary>
    public override bool Carrier => AdminUp && Peer is { AdminUp: true };

    protected override void Xmit(Frame frame)
    {
        var peer = Peer;
        if (!peer.IsUp)
        {
            Counters.TxDropped++;
            return;
        }
        if (peer.Namespace != Namespace)
        {
            frame.Mark = 0;
            frame.Conntrack = null;
        }
        frame.NextDevice = peer;
        Namespace.World.Loop.Post(DeliverQueued, frame);
    }
}

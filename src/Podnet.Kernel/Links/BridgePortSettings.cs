namespace Podnet.Kernel.Links;

/// <summary>Per-port bridge flags (<c>bridge link set dev D hairpin on|off learning on|off</c>).</summary>
public sealed class BridgePortSettings
{
    /// <summary>Reflective relay: a frame may leave by the port it came in on (iproute2's `bridge link set ... hairpin on`).</summary>
    public bool Hairpin { get; set; }

    /// <summary>Learn source MACs on this port (default on).</summary>
    public bool Learning { get; set; } = true;

    /// <summary>Flood unknown unicast out of this port (default on).</summary>
    public bool Flood { get; set; } = true;
}

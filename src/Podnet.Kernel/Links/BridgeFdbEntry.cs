using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Links;

/// <summary>One bridge forwarding database entry (<c>struct net_bridge_fdb_entry</c>), as <c>bridge fdb show</c> lists it.</summary>
public sealed class BridgeFdbEntry
{
    public BridgeFdbEntry(MacAddress mac, NetDevice port, bool isLocal, bool isStatic, TimeSpan updated)
    {
        Mac = mac;
        Port = port;
        IsLocal = isLocal;
        IsStatic = isStatic;
        Updated = updated;
    }

    public MacAddress Mac { get; }

    /// <summary>The port behind which the MAC lives (or the bridge itself for its own address).</summary>
    public NetDevice Port { get; internal set; }

    /// <summary>An address of the bridge or one of its ports ("permanent", delivered locally).</summary>
    public bool IsLocal { get; }

    /// <summary>Added by the user with <c>bridge fdb add ... master static</c>: never ages.</summary>
    public bool IsStatic { get; }

    /// <summary>Last time a frame from this MAC was seen (virtual time).</summary>
    public TimeSpan Updated { get; internal set; }
}

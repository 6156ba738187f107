using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Links;

/// <summary>
/// One vxlan FDB entry (<c>bridge fdb append MAC dev vxlan0 dst IP</c>): inner MAC → remote VTEP.
/// The all-zeros MAC is the default entry used for broadcast and unknown destinations; it may repeat.
/// </summary>
public sealed record VxlanFdbEntry(MacAddress Mac, uint Destination, bool Permanent, TimeSpan Updated);

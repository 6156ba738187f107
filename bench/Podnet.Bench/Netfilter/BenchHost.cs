using Podnet.Kernel.Netfilter;

namespace Podnet.Bench.Netfilter;

/// <summary>A minimal namespace for netfilter benchmarks.</summary>
public sealed class BenchHost : INetfilterHost
{
    public bool IsLocalAddress(uint address) => address == 0xC0A80002;
    public AddressType GetAddressType(uint address) => address == 0xC0A80002 ? AddressType.Local : AddressType.Unicast;
    public uint? MasqueradeAddress(string outInterface, uint destination) => 0xC0A80002;
    public TimeSpan Now => TimeSpan.FromSeconds(100);
    public Random Random { get; } = new(7);
}

namespace Podnet.Kernel.Wire;

/// <summary>EtherType values (<c>ETH_P_*</c>) the emulator understands.</summary>
public static class EtherType
{
    public const ushort Ipv4 = 0x0800;
    public const ushort Arp = 0x0806;
    public const ushort Ipv6 = 0x86DD;
}

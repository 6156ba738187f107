namespace Podnet.Kernel.Netfilter;

/// <summary>The five netfilter hook points, as Linux's NF_INET_* hooks.</summary>
/// <remarks>
/// <code>
/// --->[PREROUTING]--->(route)--->[FORWARD]------------->[POSTROUTING]--->
///                        |                                   ^
///                        v                                   |
///                     [INPUT]--> local socket --->[OUTPUT]---(route)
/// </code>
/// Bridged IPv4 frames pass PREROUTING, FORWARD and POSTROUTING with <see cref="NetfilterPacket.Bridged"/>
/// set when the namespace has <c>net.bridge.bridge-nf-call-iptables=1</c> (br_netfilter).
/// </remarks>
public enum NetfilterHook
{
    Prerouting,
    Input,
    Forward,
    Output,
    Postrouting,
}

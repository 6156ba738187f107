using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Tracing;

/// <summary>
/// One-line packet summaries in the style of <c>tcpdump -n -S</c> (numeric addresses, absolute TCP
/// sequence numbers). Malformed frames are summarised, never thrown on.
/// </summary>
public static class Tcpdump
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    public static string Format(ReadOnlySpan<byte> frame, TimeSpan time)
    {
        var sb = new StringBuilder();
        sb.Append(new DateTime(time.Ticks % TimeSpan.TicksPerDay).ToString("HH:mm:ss.ffffff", Ci)).Append(' ');
        Body(sb, frame);
        return sb.ToString();
    }

    /// <summary>The summary without a timestamp.</summary>
    public static string Summary(ReadOnlySpan<byte> frame)
    {
        var sb = new StringBuilder();
        Body(sb, frame);
        return sb.ToString();
    }

    private static void Body(StringBuilder sb, ReadOnlySpan<byte> frame)
    {
        if (!EthernetHeader.TryParse(frame, out var eth))
        {
            sb.Append("[|ether]");
            return;
        }
        var p = frame[EthernetHeader.Size..];
        if (eth.EtherType == EtherType.Arp)
        {
            if (!ArpPacket.TryParse(p, out var arp)) { sb.Append("ARP, [|arp]"); return; }
            if (arp.Operation == ArpPacket.Request)
                sb.Append("ARP, Request who-has ").Append(Ipv4Address.Format(arp.TargetIp)).Append(" tell ").Append(Ipv4Address.Format(arp.SenderIp));
            else
                sb.Append("ARP, Reply ").Append(Ipv4Address.Format(arp.SenderIp)).Append(" is-at ").Append(arp.SenderMac.ToString());
            sb.Append(", length ").Append((frame.Length - EthernetHeader.Size).ToString(Ci));
            return;
        }
        if (eth.EtherType != EtherType.Ipv4)
        {
            sb.Append("ethertype 0x").Append(eth.EtherType.ToString("x4", Ci)).Append(", length ").Append(frame.Length.ToString(Ci));
            return;
        }
        Ip(sb, p);
    }

    private static void Ip(StringBuilder sb, ReadOnlySpan<byte> p)
    {
        if (!Ipv4Header.TryParse(p, out var ip, out var err))
        {
            sb.Append("IP [|ip] (").Append(err).Append(')');
            return;
        }
        var l4 = p[ip.HeaderLength..ip.TotalLength];
        string src = Ipv4Address.Format(ip.Source), dst = Ipv4Address.Format(ip.Destination);
        sb.Append("IP ");
        switch (ip.Protocol)
        {
            case IpProtocol.Tcp when l4.Length >= TcpHeader.MinSize:
                {
                    int off = (l4[12] >> 4) * 4;
                    var flags = (TcpFlags)(l4[13] & 0x3F);
                    uint seq = BinaryPrimitives.ReadUInt32BigEndian(l4[4..]);
                    uint ack = BinaryPrimitives.ReadUInt32BigEndian(l4[8..]);
                    int len = Math.Max(0, l4.Length - off);
                    sb.Append(src).Append('.').Append(BinaryPrimitives.ReadUInt16BigEndian(l4).ToString(Ci)).Append(" > ")
                      .Append(dst).Append('.').Append(BinaryPrimitives.ReadUInt16BigEndian(l4[2..]).ToString(Ci))
                      .Append(": Flags [").Append(TcpFlagsText(flags)).Append(']');
                    if (len > 0 || (flags & (TcpFlags.Syn | TcpFlags.Fin | TcpFlags.Rst)) != 0)
                    {
                        sb.Append(", seq ").Append(seq.ToString(Ci));
                        if (len > 0) sb.Append(':').Append((seq + (uint)len).ToString(Ci));
                    }
                    if ((flags & TcpFlags.Ack) != 0) sb.Append(", ack ").Append(ack.ToString(Ci));
                    sb.Append(", win ").Append(BinaryPrimitives.ReadUInt16BigEndian(l4[14..]).ToString(Ci));
                    if (off >= 24 && l4.Length >= 24 && l4[20] == 2 && l4[21] == 4)
                        sb.Append(", options [mss ").Append(BinaryPrimitives.ReadUInt16BigEndian(l4[22..]).ToString(Ci)).Append(']');
                    sb.Append(", length ").Append(len.ToString(Ci));
                    return;
                }
            case IpProtocol.Udp when l4.Length >= UdpHeader.Size:
                {
                    ushort sp = BinaryPrimitives.ReadUInt16BigEndian(l4), dp = BinaryPrimitives.ReadUInt16BigEndian(l4[2..]);
                    int len = BinaryPrimitives.ReadUInt16BigEndian(l4[4..]) - UdpHeader.Size;
                    sb.Append(src).Append('.').Append(sp.ToString(Ci)).Append(" > ").Append(dst).Append('.').Append(dp.ToString(Ci)).Append(": ");
                    if ((dp is 4789 or 8472) && VxlanHeader.TryParse(l4[UdpHeader.Size..], out var vx) && l4.Length >= UdpHeader.Size + VxlanHeader.Size + EthernetHeader.Size)
                    {
                        sb.Append("VXLAN, flags [I] (0x08), vni ").Append(vx.Vni.ToString(Ci)).Append(": ");
                        var inner = l4[(UdpHeader.Size + VxlanHeader.Size)..];
                        EthernetHeader.TryParse(inner, out var ie);
                        sb.Append(ie.Source.ToString()).Append(" > ").Append(ie.Destination.ToString()).Append(": ");
                        Body(sb, inner);
                        return;
                    }
                    sb.Append("UDP, length ").Append(Math.Max(0, len).ToString(Ci));
                    return;
                }
            case IpProtocol.Icmp when l4.Length >= IcmpHeader.Size:
                {
                    sb.Append(src).Append(" > ").Append(dst).Append(": ICMP ");
                    byte type = l4[0], code = l4[1];
                    switch (type)
                    {
                        case IcmpHeader.EchoRequest or IcmpHeader.EchoReply:
                            sb.Append(type == IcmpHeader.EchoRequest ? "echo request" : "echo reply")
                              .Append(", id ").Append(BinaryPrimitives.ReadUInt16BigEndian(l4[4..]).ToString(Ci))
                              .Append(", seq ").Append(BinaryPrimitives.ReadUInt16BigEndian(l4[6..]).ToString(Ci));
                            break;
                        case IcmpHeader.TimeExceeded:
                            sb.Append("time exceeded in-transit");
                            break;
                        case IcmpHeader.DestinationUnreachable:
                            var inner = l4[IcmpHeader.Size..];
                            if (inner.Length >= 28 && Ipv4Header.TryParse(inner, out var iip, out _) || inner.Length >= 28)
                            {
                                uint idst = BinaryPrimitives.ReadUInt32BigEndian(inner[16..]);
                                int ihl = (inner[0] & 15) * 4;
                                string proto = inner[9] == IpProtocol.Tcp ? "tcp" : inner[9] == IpProtocol.Udp ? "udp" : "";
                                if (code == 3 && proto != "" && inner.Length >= ihl + 4)
                                    sb.Append(Ipv4Address.Format(idst)).Append(' ').Append(proto).Append(" port ").Append(BinaryPrimitives.ReadUInt16BigEndian(inner[(ihl + 2)..]).ToString(Ci)).Append(" unreachable");
                                else if (code == 1) sb.Append("host ").Append(Ipv4Address.Format(idst)).Append(" unreachable");
                                else if (code == 0) sb.Append("net ").Append(Ipv4Address.Format(idst)).Append(" unreachable");
                                else if (code == 13) sb.Append("host ").Append(Ipv4Address.Format(idst)).Append(" unreachable - admin prohibited filter");
                                else sb.Append("type 3 code ").Append(code.ToString(Ci));
                            }
                            else sb.Append("unreachable [|icmp]");
                            break;
                        default:
                            sb.Append("type ").Append(type.ToString(Ci)).Append(" code ").Append(code.ToString(Ci));
                            break;
                    }
                    sb.Append(", length ").Append(l4.Length.ToString(Ci));
                    return;
                }
            default:
                sb.Append(src).Append(" > ").Append(dst).Append(": ip-proto-").Append(ip.Protocol.ToString(Ci)).Append(' ').Append(l4.Length.ToString(Ci));
                return;
        }
    }

    private static string TcpFlagsText(TcpFlags f)
    {
        var s = new StringBuilder();
        if ((f & TcpFlags.Syn) != 0) s.Append('S');
        if ((f & TcpFlags.Fin) != 0) s.Append('F');
        if ((f & TcpFlags.Psh) != 0) s.Append('P');
        if ((f & TcpFlags.Rst) != 0) s.Append('R');
        if ((f & TcpFlags.Urg) != 0) s.Append('U');
        if ((f & TcpFlags.Ack) != 0) s.Append('.');
        return s.Length == 0 ? "none" : s.ToString();
    }
}

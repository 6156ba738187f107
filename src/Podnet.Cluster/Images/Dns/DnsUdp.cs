using System.Net;
using Podnet.Cluster.Dns.Wire;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Tracing;
using Podnet.Kernel.Wire;

namespace Podnet.Cluster.Images.Dns;

/// <summary>One DNS exchange over an emulated UDP socket (what a resolver's <c>sendto</c>/<c>recvfrom</c> pair does).</summary>
public static class DnsUdp
{
    /// <summary>Sends <paramref name="query"/> to <paramref name="server"/>:53 and waits up to <paramref name="timeout"/>; null on timeout or an ICMP error.</summary>
    public static async Task<DnsMessage?> ExchangeAsync(NetNamespace ns, IPAddress server, DnsMessage query, TimeSpan timeout, ITraceSink? trace = null)
    {
        var sock = ns.Udp.Open();
        sock.Trace = trace;
        try
        {
            var addr = Ipv4Address.Parse(server.ToString());
            if (sock.Connect(addr, 53) != Errno.None) return null;
            if (sock.Send(DnsMessageWriter.Write(query)) != Errno.None) return null;
            var deadline = ns.World.Loop.Now + timeout;
            while (true)
            {
                var left = deadline - ns.World.Loop.Now;
                if (left <= TimeSpan.Zero) return null;
                var r = await sock.ReceiveAsync(left);
                if (!r.Ok) return null;
                if (DnsMessageReader.TryParse(r.Data, out var msg, out _) && msg is not null && msg.Header.Id == query.Header.Id) return msg;
            }
        }
        finally
        {
            sock.Close();
        }
    }
}

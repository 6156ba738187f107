using System.Buffers.Binary;
using Podnet.Kernel.Links;
using Podnet.Kernel.Simulation;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Wire;
using Xunit;
using static Podnet.Kernel.Tests.Topo;

namespace Podnet.Kernel.Tests.Stack;

/// <summary>
/// POSTROUTING right after OUTPUT (and INPUT right after PREROUTING) of the same frame reuses the hook
/// view instead of reading the headers again. A packet DNATed at OUTPUT and SNATed at POSTROUTING must
/// still leave with both rewrites and correct checksums, and its replies come back reverse-translated.
/// </summary>
public class HookViewReuseTests
{
    [Fact]
    public void Dnat_at_output_then_snat_at_postrouting_write_both_rewrites_with_valid_checksums()
    {
        var (w, a, b) = TwoHosts();
        var veth0 = a.Devices.First(d => d.Name == "veth0");
        a.AddRoute(new Route(Ipv4Prefix.Parse("172.30.0.0/16"), RouteType.Unicast, 0, veth0, 0, RouteScope.Link, null, 0));
        var nfa = new Podnet.Kernel.Netfilter.Netfilter(a, "a");
        a.Netfilter = nfa;
        b.Netfilter = new Podnet.Kernel.Netfilter.Netfilter(b, "b");
        var r = nfa.IptablesRestore(
            "*nat\n"
            + "-A OUTPUT -d 172.30.0.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2:8080\n"
            + "-A POSTROUTING -d 10.0.0.2/32 -p tcp -m tcp --dport 8080 -j SNAT --to-source 10.0.0.1:40000-40100\n"
            + "COMMIT\n");
        Assert.Equal(0, r.ExitCode);
        var tap = new RecordingTap();
        var veth1 = b.Devices.First(d => d.Name == "veth1");
        veth1.AddTap(tap);

        var (l, e) = b.Tcp.Listen(0, 8080);
        Assert.Equal(Errno.None, e);
        w.Loop.Start(async () =>
        {
            while (await l!.AcceptAsync() is { } s)
            {
                var buf = new byte[256];
                var got = await s.ReceiveAsync(buf);
                s.Send(buf.AsSpan(0, got.Count));
                s.Close();
            }
        });
        const int connections = 20;
        var res = Run(w, async () =>
        {
            for (int c = 0; c < connections; c++)
            {
                var (s, err) = await a.Tcp.ConnectAsync(Ip("172.30.0.1"), 80);
                Assert.Equal(Errno.None, err);
                var request = Enumerable.Range(0, 100).Select(i => (byte)(c + i)).ToArray();
                s.Send(request);
                // the reply is reverse-translated: the socket connected to 172.30.0.1:80 reads it
                Assert.Equal(request, await s.ReadToEndAsync());
                s.Close();
            }
        });
        Assert.Equal(RunOutcome.Completed, res.Outcome);

        int arriving = 0;
        foreach (var (_, outgoing, bytes) in tap.Seen)
        {
            var ip = bytes.AsSpan(EthernetHeader.Size);
            if (BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(12)) != EtherType.Ipv4) continue;
            Assert.Equal(0, Checksum.Compute(ip[..Ipv4Header.MinSize]));
            uint src = BinaryPrimitives.ReadUInt32BigEndian(ip[12..]), dst = BinaryPrimitives.ReadUInt32BigEndian(ip[16..]);
            int total = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
            var tcp = ip[Ipv4Header.MinSize..total];
            Assert.True(TcpHeader.TryParse(tcp, src, dst, out var h, verifyChecksum: true), "TCP checksum");
            if (!outgoing)
            {
                // as it reaches b: DNATed to 10.0.0.2:8080 at a's OUTPUT, SNATed to 10.0.0.1:40000-40100 at a's POSTROUTING
                arriving++;
                Assert.Equal(Ip("10.0.0.2"), dst);
                Assert.Equal(8080, h.DestinationPort);
                Assert.Equal(Ip("10.0.0.1"), src);
                Assert.InRange(h.SourcePort, 40000, 40100);
            }
            else
            {
                Assert.Equal(Ip("10.0.0.2"), src);
                Assert.Equal(8080, h.SourcePort);
                Assert.InRange(h.DestinationPort, 40000, 40100);
            }
        }
        Assert.True(arriving >= connections * 3, $"only {arriving} segments reached b");
    }
}

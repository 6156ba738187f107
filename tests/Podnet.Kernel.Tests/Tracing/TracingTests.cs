using Podnet.Kernel.Sockets;
using Podnet.Kernel.Tracing;
using Xunit;
using static Podnet.Kernel.Tests.Topo;

namespace Podnet.Kernel.Tests.Tracing;

public class TracingTests
{
    [Fact]
    public void A_traced_connection_records_hops_both_ways_and_its_outcome()
    {
        var (w, _, _, hosts) = BridgeWithThree();
        hosts[1].Tcp.Listen(0, 80);
        var trace = new FlowTrace();
        Errno err = Errno.ENOTCONN;
        Run(w, async () => (_, err) = await hosts[0].Tcp.ConnectAsync(Ip("10.0.0.12"), 80, new TcpConnectOptions { Trace = trace }));
        trace.Complete(err);
        Assert.Equal(TraceOutcome.Delivered, trace.Outcome);
        var hops = trace.Hops.Select(h => $"{h.Namespace}/{h.Device}").Distinct().ToList();
        Assert.Contains("h1/eth0", hops);
        Assert.Contains("host/br0", hops);
        Assert.Contains("h2/eth0", hops);
        Assert.Contains(trace.Steps, s => s.Kind == TraceStepKind.Neighbour && s.Text.Contains("who-has 10.0.0.12"));
        Assert.Contains(trace.Steps, s => s.Kind == TraceStepKind.Deliver && s.Text.Contains("SYN to listening socket"));
        Assert.Contains(trace.Steps, s => s.Kind == TraceStepKind.Bridge && s.Text.StartsWith("fdb ", StringComparison.Ordinal));
        Assert.Contains("outcome: Delivered", trace.ToText());
    }

    [Fact]
    public void A_refused_connection_is_traced_as_refused()
    {
        var (w, a, _) = TwoHosts();
        var trace = new FlowTrace();
        Errno err = Errno.None;
        Run(w, async () => (_, err) = await a.Tcp.ConnectAsync(Ip("10.0.0.2"), 81, new TcpConnectOptions { Trace = trace }));
        trace.Complete(err);
        Assert.Equal(TraceOutcome.Refused, trace.Outcome);
        Assert.Contains(trace.Steps, s => s.Kind == TraceStepKind.Error && s.Text.StartsWith("TCP RST", StringComparison.Ordinal));
    }

    [Fact]
    public void Untraced_traffic_records_nothing()
    {
        var (w, a, b) = TwoHosts();
        b.Tcp.Listen(0, 80);
        var trace = new FlowTrace();
        Run(w, async () => await a.Tcp.ConnectAsync(Ip("10.0.0.2"), 80));
        Assert.Empty(trace.Steps);
    }

    [Fact]
    public void Tcpdump_lines_look_like_tcpdump()
    {
        var (w, a, b) = TwoHosts();
        b.Tcp.Listen(0, 80);
        var cap = PacketCapture.Start(a.GetDevice("veth0")!);
        Run(w, async () =>
        {
            var (s, _) = await a.Tcp.ConnectAsync(Ip("10.0.0.2"), 80);
            await a.Icmp.PingAsync(Ip("10.0.0.2"), TimeSpan.FromSeconds(1));
            var u = a.Udp.Open();
            u.SendTo(new byte[10], Ip("10.0.0.2"), 9);
            await w.Loop.Delay(TimeSpan.FromMilliseconds(5));
        });
        var text = string.Join("\n", cap.Lines);
        Assert.StartsWith("00:00:00.000000 ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28", text);
        Assert.Matches(@"IP 10\.0\.0\.1\.\d+ > 10\.0\.0\.2\.80: Flags \[S\], seq \d+, win 64240, options \[mss 1460\], length 0", text);
        Assert.Matches(@"IP 10\.0\.0\.2\.80 > 10\.0\.0\.1\.\d+: Flags \[S\.\], seq \d+, ack \d+, win 64240, options \[mss 1460\], length 0", text);
        Assert.Contains("ICMP echo request, id 1, seq 1, length 64", text);
        Assert.Contains("ICMP echo reply, id 1, seq 1, length 64", text);
        Assert.Matches(@"IP 10\.0\.0\.1\.\d+ > 10\.0\.0\.2\.9: UDP, length 10", text);
        Assert.Contains("IP 10.0.0.2 > 10.0.0.1: ICMP 10.0.0.2 udp port 9 unreachable, length 46", text);
    }

    [Fact]
    public void Pcap_capture_opens_in_real_tshark()
    {
        var tshark = new[] { "/usr/bin/tshark", "/usr/local/bin/tshark" }.FirstOrDefault(File.Exists);
        var (w, a, b) = TwoHosts();
        b.Tcp.Listen(0, 80);
        var path = Path.Combine(Path.GetTempPath(), $"podnet-kernel-{Environment.ProcessId}-{Guid.NewGuid():N}.pcap");
        try
        {
            using (var file = File.Create(path))
            {
                var cap = PacketCapture.Start(a.GetDevice("veth0")!, file, text: false);
                Run(w, async () =>
                {
                    var (s, _) = await a.Tcp.ConnectAsync(Ip("10.0.0.2"), 80);
                    s.Send("GET / HTTP/1.0\r\n\r\n"u8);
                    await w.Loop.Delay(TimeSpan.FromMilliseconds(1));
                });
                cap.Stop();
                Assert.True(cap.Count >= 6);
            }
            if (tshark == null) Assert.Skip("tshark is not installed: pcap written but not checked by a real reader");
            var r = RealNetns.Exec(tshark, "-r", path, "-n");
            Assert.True(r.ExitCode == 0, r.Stderr);
            var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains(lines, l => l.Contains("ARP") && l.Contains("Who has 10.0.0.2?"));
            Assert.Contains(lines, l => l.Contains("10.0.0.1 → 10.0.0.2") && l.Contains("[SYN]"));
            Assert.Contains(lines, l => l.Contains("[SYN, ACK]"));
            Assert.DoesNotContain(lines, l => l.Contains("Malformed") || l.Contains("checksum") && l.Contains("incorrect"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

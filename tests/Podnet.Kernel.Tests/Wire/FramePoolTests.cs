using FsCheck;
using FsCheck.Fluent;
using Podnet.Kernel.Links;
using Podnet.Kernel.Simulation;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Tracing;
using Podnet.Kernel.Wire;
using Xunit;
using static Podnet.Kernel.Tests.Topo;

namespace Podnet.Kernel.Tests.Wire;

/// <summary>
/// The stack recycles the frames of its own TCP segments once a local socket consumed them. A recycled
/// frame must never be one that somebody can still see: what a capture tap kept, a traced flow's frames,
/// data still queued in a socket. These tests run real exchanges and check every byte.
/// </summary>
public class FramePoolTests
{
    private static byte[] Payload(int connection, int length)
    {
        var b = new byte[length];
        for (int i = 0; i < length; i++) b[i] = (byte)(connection * 31 + i * 7 + 1);
        return b;
    }

    /// <summary>Runs <paramref name="sizes"/>.Length connections a → b:80, each sending its own request; the server echoes it. Returns the replies.</summary>
    private static List<byte[]> Echo(World w, NetNamespace a, NetNamespace b, int[] sizes, ITraceSink? trace = null)
    {
        var (l, e) = b.Tcp.Listen(0, 80);
        Assert.Equal(Errno.None, e);
        w.Loop.Start(async () =>
        {
            while (true)
            {
                var s = await l!.AcceptAsync();
                if (s == null) return;
                var got = new List<byte>();
                var buf = new byte[700];
                while (true)
                {
                    var r = await s.ReceiveAsync(buf);
                    if (r.Count == 0) break;
                    got.AddRange(buf.AsSpan(0, r.Count).ToArray());
                    // the request's length is its first two bytes
                    if (got.Count >= 2 && got.Count >= (got[0] << 8 | got[1])) break;
                }
                s.Send(got.ToArray());
                s.Close();
            }
        });
        var replies = new List<byte[]>();
        var res = Run(w, async () =>
        {
            for (int c = 0; c < sizes.Length; c++)
            {
                var (s, err) = await a.Tcp.ConnectAsync(Ip("10.0.0.2"), 80, trace == null ? null : new TcpConnectOptions { Trace = trace });
                Assert.Equal(Errno.None, err);
                var req = Payload(c, sizes[c]);
                req[0] = (byte)(sizes[c] >> 8);
                req[1] = (byte)sizes[c];
                s.Send(req);
                replies.Add(await s.ReadToEndAsync());
                s.Close();
            }
        }, virtualSeconds: 3600);
        Assert.Equal(RunOutcome.Completed, res.Outcome);
        return replies;
    }

    private static void AssertEchoed(int[] sizes, List<byte[]> replies)
    {
        Assert.Equal(sizes.Length, replies.Count);
        for (int c = 0; c < sizes.Length; c++)
        {
            var want = Payload(c, sizes[c]);
            want[0] = (byte)(sizes[c] >> 8);
            want[1] = (byte)sizes[c];
            Assert.Equal(want, replies[c]);
        }
    }

    [Fact]
    public void Segments_are_recycled_and_every_exchange_keeps_its_bytes()
    {
        var (w, a, b) = TwoHosts();
        var sizes = Enumerable.Range(0, 200).Select(i => 2 + i * 37 % 3000).ToArray();
        var replies = Echo(w, a, b, sizes);
        AssertEchoed(sizes, replies);
        // the pool was used (most segments of later connections are recycled frames)
        Assert.True(w.Frames.Reused > 1000, $"only {w.Frames.Reused} frames were reused");
        Assert.True(w.Frames.Returned >= w.Frames.Reused);
    }

    [Fact]
    public void A_frame_a_capture_tap_saw_is_never_recycled()
    {
        var (w, a, b) = TwoHosts();
        var tap = new RecordingTap();
        var dev = b.Devices.First(d => d.Name == "veth1");
        dev.AddTap(tap);
        // every segment of these exchanges crosses the tapped device: none may be recycled
        var sizes = Enumerable.Range(0, 100).Select(i => 2 + i * 53 % 1200).ToArray();
        AssertEchoed(sizes, Echo(w, a, b, sizes));
        Assert.True(tap.Seen.Count > 500);
        Assert.Equal(0, w.Frames.Returned);
        // with the tap gone, later traffic recycles frames again, and what the tap kept stays intact
        dev.RemoveTap(tap);
        var (l, _) = b.Tcp.Listen(0, 81);
        w.Loop.Start(async () =>
        {
            while (await l!.AcceptAsync() is { } s)
            {
                var buf = new byte[64];
                var r = await s.ReceiveAsync(buf);
                s.Send(buf.AsSpan(0, r.Count));
                s.Close();
            }
        });
        var res = Run(w, async () =>
        {
            for (int c = 0; c < 100; c++)
            {
                var (s, err) = await a.Tcp.ConnectAsync(Ip("10.0.0.2"), 81);
                Assert.Equal(Errno.None, err);
                s.Send(Payload(c, 40));
                Assert.Equal(Payload(c, 40), await s.ReadToEndAsync());
                s.Close();
            }
        });
        Assert.Equal(RunOutcome.Completed, res.Outcome);
        Assert.True(w.Frames.Reused > 100, $"only {w.Frames.Reused} frames were reused");
        foreach (var (frame, _, bytes) in tap.Seen)
        {
            Assert.False(frame.InPool);
            Assert.Equal(bytes, frame.Span.ToArray());
        }
        // no frame object was seen twice (a recycled frame would come back as a new segment)
        Assert.Equal(tap.Seen.Count, tap.Seen.Select(s => s.Frame).Distinct(ReferenceEqualityComparer.Instance).Count());
    }

    [Fact]
    public void Frames_of_a_traced_flow_are_not_recycled()
    {
        var (w, a, b) = TwoHosts();
        var trace = new FlowTrace();
        var sizes = new[] { 10, 300, 2000 };
        AssertEchoed(sizes, Echo(w, a, b, sizes, trace));
        Assert.Equal(0, w.Frames.Returned);
        Assert.NotEmpty(trace.Steps);
    }

    [Fact]
    public void A_recycled_frame_comes_back_zeroed_and_without_metadata()
    {
        var pool = new FramePool();
        var f = pool.Rent(100);
        Assert.Equal(128, f.Data.Length);
        f.Span.Fill(0xAB);
        f.Mark = 7;
        f.Conntrack = new object();
        f.ChecksumTrusted = true;
        f.Consumed = true;
        pool.Return(f);
        Assert.True(f.InPool);
        pool.Return(f); // a second return is ignored
        var g = pool.Rent(60);
        Assert.Same(f, g);
        Assert.False(g.InPool);
        Assert.Equal(60, g.Length);
        Assert.All(g.Span.ToArray(), x => Assert.Equal(0, x));
        Assert.Equal(0u, g.Mark);
        Assert.Null(g.Conntrack);
        Assert.False(g.ChecksumTrusted || g.Consumed || g.Retained);
        Assert.NotSame(g, pool.Rent(60));
    }

    [Fact]
    public void Retained_traced_foreign_and_regrown_frames_are_refused()
    {
        var pool = new FramePool();
        var retained = pool.Rent(50);
        retained.Retained = true;
        pool.Return(retained);
        var traced = pool.Rent(50);
        traced.Trace = new FlowTrace();
        pool.Return(traced);
        var foreign = new Frame(50);
        pool.Return(foreign);
        var regrown = pool.Rent(50);
        regrown.Prepend(50); // encapsulation replaced the buffer
        pool.Return(regrown);
        Assert.Equal(0, pool.Returned);
        Assert.False(retained.InPool || traced.InPool || foreign.InPool || regrown.InPool);
        Assert.Null(new FramePool().Rent(3000).Pool); // larger than any class: a plain frame
    }

    [Fact]
    public void Property_any_sequence_of_exchanges_echoes_exactly()
    {
        Prop.ForAll(
            Gen.ArrayOf(Gen.Choose(2, 3500)).Where(a => a.Length is > 0 and <= 12).ToArbitrary(),
            sizes =>
            {
                var (w, a, b) = TwoHosts(sizes.Length);
                var replies = Echo(w, a, b, sizes);
                AssertEchoed(sizes, replies);
            }).QuickCheckThrowOnFailure();
    }
}

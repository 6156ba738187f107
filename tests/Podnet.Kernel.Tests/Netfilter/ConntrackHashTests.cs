using FsCheck;
using FsCheck.Fluent;
using Podnet.Kernel.Netfilter;
using Podnet.Kernel.Netfilter.Conntrack;
using Xunit;

namespace Podnet.Kernel.Tests.Netfilter;

/// <summary>The conntrack hash (open addressing over the entries' direction refs) across growth, lookup by both tuples, expiry and sweeping.</summary>
public class ConntrackHashTests
{
    private static NetfilterPacket Tcp(uint src, ushort sport, uint dst, ushort dport, byte flags) =>
        new() { Protocol = 6, Source = src, SourcePort = sport, Destination = dst, DestinationPort = dport, TcpFlags = flags };

    [Fact]
    public void Thousands_of_entries_are_found_by_both_tuples_after_the_table_grows_and_all_go_when_they_expire()
    {
        var table = new ConntrackTable();
        var now = TimeSpan.FromSeconds(10);
        const int n = 5000; // 10,000 hash nodes: the 1,024 initial buckets double several times
        var entries = new ConntrackEntry[n];
        for (int i = 0; i < n; i++)
        {
            var r = table.Track(Tcp(0x0A000001, (ushort)(1024 + i), 0x0A000002, 80, 0x02), now);
            Assert.Equal(ConntrackState.New, r.State);
            entries[i] = r.Entry!;
            table.Confirm(r.Entry!, now);
        }
        Assert.Equal(n, table.Count);
        for (int i = 0; i < n; i++)
        {
            var reply = table.Track(Tcp(0x0A000002, 80, 0x0A000001, (ushort)(1024 + i), 0x12), now);
            Assert.Same(entries[i], reply.Entry);
            Assert.Equal(ConntrackDirection.Reply, reply.Direction);
            Assert.Equal(ConntrackState.Established, reply.State);
            var ack = table.Track(Tcp(0x0A000001, (ushort)(1024 + i), 0x0A000002, 80, 0x10), now);
            Assert.Same(entries[i], ack.Entry);
            Assert.Equal(ConntrackDirection.Original, ack.Direction);
            Assert.Equal(TcpConntrackState.Established, entries[i].TcpState);
            Assert.True(table.IsTaken(entries[i].Reply, now));
        }
        // an unrelated tuple is not there
        Assert.False(table.IsTaken(new ConntrackTuple(6, 0x0A000003, 0x0A000002, 1024, 80), now));
        Assert.Equal(Enumerable.Range(0, n).Select(i => (ushort)(1024 + i)), table.Entries(now).Select(e => e.Original.SourcePort));

        var later = now + TimeSpan.FromDays(6); // beyond the 5-day ESTABLISHED timeout
        table.Sweep(later);
        Assert.Equal(0, table.Count);
        Assert.Empty(table.Entries(later));
        for (int i = 0; i < n; i += 97) Assert.False(table.IsTaken(entries[i].Original, now));
        // a new connection on an old tuple starts afresh
        var again = table.Track(Tcp(0x0A000001, 1024, 0x0A000002, 80, 0x02), later);
        Assert.Equal(ConntrackState.New, again.State);
        Assert.NotSame(entries[0], again.Entry);
    }

    [Fact]
    public void Removing_entries_in_any_order_keeps_the_others_reachable()
    {
        var table = new ConntrackTable();
        var now = TimeSpan.FromSeconds(10);
        var entries = new List<ConntrackEntry>();
        for (int i = 0; i < 3000; i++)
        {
            var r = table.Track(Tcp(0x0A000001, (ushort)(2000 + i), 0x0A000002, 443, 0x02), now);
            table.Confirm(r.Entry!, now);
            entries.Add(r.Entry!);
        }
        // delete every third connection with conntrack -D by source port
        for (int i = 0; i < 3000; i += 3)
            Assert.Single(table.Delete(new ConntrackFilter { OriginalSourcePort = (ushort)(2000 + i) }, now));
        Assert.Equal(2000, table.Count);
        for (int i = 0; i < 3000; i++)
        {
            bool kept = i % 3 != 0;
            Assert.Equal(kept, table.IsTaken(entries[i].Original, now));
            Assert.Equal(kept, table.IsTaken(entries[i].Reply, now));
        }
        table.Flush();
        Assert.Equal(0, table.Count);
        Assert.False(table.IsTaken(entries[1].Original, now));
    }

    [Fact]
    public void Property_any_sequence_of_inserts_and_removals_keeps_exactly_the_live_tuples_findable()
    {
        // ports from a small range: entries come and go on the same tuples, probe runs form and are
        // shifted back by removals, and the table grows past its first sizes
        Prop.ForAll(
            Gen.ArrayOf(Gen.Choose(0, 1499)).Where(a => a.Length <= 3000).ToArbitrary(),
            ops =>
            {
                var table = new ConntrackTable();
                var now = TimeSpan.FromSeconds(10);
                var live = new Dictionary<int, ConntrackEntry>();
                foreach (var v in ops)
                {
                    if (live.Remove(v, out var e)) table.Remove(e);
                    else
                    {
                        var r = table.Track(Tcp(0x0A000001, (ushort)(1024 + v), 0x0A600001, 80, 0x02), now);
                        Assert.Equal(ConntrackState.New, r.State);
                        table.Confirm(r.Entry!, now);
                        live[v] = r.Entry!;
                    }
                }
                Assert.Equal(live.Count, table.Count);
                for (int v = 0; v < 1500; v++)
                {
                    var original = new ConntrackTuple(6, 0x0A000001, 0x0A600001, (ushort)(1024 + v), 80);
                    Assert.Equal(live.ContainsKey(v), table.IsTaken(original, now));
                    Assert.Equal(live.ContainsKey(v), table.IsTaken(original.Invert(), now));
                }
                foreach (var (v, e) in live)
                {
                    var reply = table.Track(Tcp(0x0A600001, 80, 0x0A000001, (ushort)(1024 + v), 0x12), now);
                    Assert.Same(e, reply.Entry);
                }
            }).QuickCheckThrowOnFailure();
    }
}

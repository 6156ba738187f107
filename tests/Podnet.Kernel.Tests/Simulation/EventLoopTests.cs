using Podnet.Kernel.Simulation;
using Podnet.Kernel.Stack;
using Xunit;

namespace Podnet.Kernel.Tests.Simulation;

public class EventLoopTests
{
    [Fact]
    public void A_ten_second_sleep_costs_no_real_time()
    {
        var loop = new EventLoop();
        var r = loop.Run(async () => await loop.Delay(TimeSpan.FromSeconds(10)), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30));
        Assert.Equal(RunOutcome.Completed, r.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(10), r.VirtualTime);
        Assert.True(r.RealTime < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Virtual_time_bound_is_reported_as_a_value()
    {
        var loop = new EventLoop();
        var r = loop.Run(async () => await loop.Delay(TimeSpan.FromHours(1)), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30));
        Assert.Equal(RunOutcome.VirtualTimeLimit, r.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(5), r.VirtualTime);
    }

    [Fact]
    public void A_program_that_waits_on_nothing_is_idle()
    {
        var loop = new EventLoop();
        var never = new TaskCompletionSource();
        var r = loop.Run(() => never.Task, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30));
        Assert.Equal(RunOutcome.Idle, r.Outcome);
    }

    [Fact]
    public void A_busy_program_hits_the_real_time_bound()
    {
        var loop = new EventLoop();
        var r = loop.Run(async () => { while (true) await Task.Yield(); }, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(200));
        Assert.Equal(RunOutcome.RealTimeLimit, r.Outcome);
        Assert.Equal(TimeSpan.Zero, r.VirtualTime);
    }

    [Fact]
    public void Exceptions_are_reported_not_thrown()
    {
        var loop = new EventLoop();
        var r = loop.Run(async () => { await loop.Delay(TimeSpan.FromSeconds(1)); throw new InvalidOperationException("boom"); }, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30));
        Assert.Equal(RunOutcome.Faulted, r.Outcome);
        Assert.IsType<InvalidOperationException>(r.Exception);
    }

    [Fact]
    public void Timers_fire_in_time_order_and_ties_in_creation_order()
    {
        var loop = new EventLoop();
        var order = new List<int>();
        loop.Schedule(TimeSpan.FromSeconds(2), _ => order.Add(3), null);
        loop.Schedule(TimeSpan.FromSeconds(1), _ => order.Add(1), null);
        loop.Schedule(TimeSpan.FromSeconds(1), _ => order.Add(2), null);
        var cancelled = loop.Schedule(TimeSpan.FromSeconds(1.5), _ => order.Add(99), null);
        cancelled.Cancel();
        loop.RunUntilIdle(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
        Assert.Equal([1, 2, 3], order);
    }

    [Fact]
    public void The_same_seed_replays_the_same_run()
    {
        static string Once(int seed)
        {
            var (w, a, b) = Topo.TwoHosts(seed);
            b.Tcp.Listen(0, 80);
            var ports = new List<string>();
            Topo.Run(w, async () =>
            {
                for (int i = 0; i < 5; i++)
                {
                    var (s, _) = await a.Tcp.ConnectAsync(Topo.Ip("10.0.0.2"), 80);
                    ports.Add(s.LocalEndpoint.ToString());
                    s.Abort();
                }
            });
            return string.Join(",", ports) + string.Join(",", a.Devices.Select(d => d.Mac));
        }
        Assert.Equal(Once(42), Once(42));
        Assert.NotEqual(Once(42), Once(43));
    }
}

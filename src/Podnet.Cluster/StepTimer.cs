namespace Podnet.Cluster;

/// <summary>
/// Tells an optional listener how long each step of a longer job took (wall time since the previous step);
/// does nothing, not even read the clock, without one. Used for <c>PODNET_TIMINGS=1</c>.
/// </summary>
public sealed class StepTimer
{
    private readonly Action<string, TimeSpan>? listener;
    private readonly string prefix;
    private readonly System.Diagnostics.Stopwatch? clock;

    /// <summary>Starts timing the first step; <paramref name="prefix"/> goes before every step name.</summary>
    public StepTimer(Action<string, TimeSpan>? listener, string prefix = "")
    {
        this.listener = listener;
        this.prefix = prefix;
        clock = listener is null ? null : System.Diagnostics.Stopwatch.StartNew();
    }

    /// <summary>Reports the step that just ended and starts timing the next.</summary>
    public void Done(string step)
    {
        if (clock is not null)
        {
            listener!(prefix + step, clock.Elapsed);
            clock.Restart();
        }
    }
}

namespace Podnet.Kernel.Simulation;

/// <summary>How a bounded run of the event loop ended.</summary>
public enum RunOutcome
{
    /// <summary>The program's task completed successfully.</summary>
    Completed,
    /// <summary>The program's task threw; see <see cref="RunResult.Exception"/>.</summary>
    Faulted,
    /// <summary>Nothing was left to run (no ready work, no timers) while the program still waited: it can never finish.</summary>
    Idle,
    /// <summary>The next event lay beyond the virtual-time bound; the clock stopped at the bound.</summary>
    VirtualTimeLimit,
    /// <summary>The real (wall-clock) bound passed while events were still being processed.</summary>
    RealTimeLimit,
}

/// <summary>The result of <see cref="EventLoop.Run(Func{Task}, TimeSpan, TimeSpan)"/>: which bound (if any) was hit, as a value.</summary>
public readonly record struct RunResult(RunOutcome Outcome, TimeSpan VirtualTime, TimeSpan RealTime, Exception? Exception = null)
{
    public bool Completed => Outcome == RunOutcome.Completed;
}

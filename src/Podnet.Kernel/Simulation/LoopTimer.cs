namespace Podnet.Kernel.Simulation;

/// <summary>
/// A re-armable timer on the event loop (the kernel's <c>struct timer_list</c>): <see cref="Start"/>
/// (re)arms it, <see cref="Cancel"/> disarms it. Arming again does not allocate.
/// </summary>
public sealed class LoopTimer
{
    private readonly EventLoop _loop;
    private readonly Action<object?> _callback;
    private readonly object? _state;

    internal LoopTimer(EventLoop loop, Action<object?> callback, object? state)
    {
        _loop = loop;
        _callback = callback;
        _state = state;
    }

    internal int Version { get; private set; }

    /// <summary>True while armed and not yet fired.</summary>
    public bool Pending { get; private set; }

    /// <summary>Virtual time at which it fires when <see cref="Pending"/>.</summary>
    public TimeSpan Due { get; private set; }

    public void Start(TimeSpan delay)
    {
        Version++;
        Pending = true;
        Due = _loop.Now + (delay < TimeSpan.Zero ? TimeSpan.Zero : delay);
        _loop.Enqueue(this, Due.Ticks, Version);
    }

    public void Cancel()
    {
        Version++;
        Pending = false;
    }

    internal bool IsLive(int version) => version == Version && Pending;

    internal void Fire(int version)
    {
        if (version != Version || !Pending) return;
        Pending = false;
        _callback(_state);
    }
}

namespace Podnet.Kernel.Simulation;

/// <summary>
/// Routes every continuation of programs running on an <see cref="EventLoop"/> back onto the loop, so
/// plain C# async code runs single-threaded in virtual time.
/// </summary>
public sealed class LoopSynchronizationContext : SynchronizationContext
{
    private readonly EventLoop _loop;

    public LoopSynchronizationContext(EventLoop loop) => _loop = loop;

    public override void Post(SendOrPostCallback d, object? state) => _loop.PostFromAnyThread(d, state);

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Send is not supported on the virtual-time event loop");

    public override SynchronizationContext CreateCopy() => this;
}

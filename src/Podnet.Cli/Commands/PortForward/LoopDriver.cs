using System.Diagnostics;
using Podnet.Kernel.Simulation;

namespace Podnet.Cli.Commands.PortForward;

/// <summary>
/// Runs an emulation's event loop on its own thread, in step with the wall clock, so that real
/// sockets can feed it: the equivalent of a kernel that is always running. Virtual time follows wall
/// time from the moment the driver starts (virtual = start + elapsed wall time; it never runs ahead,
/// and it falls behind only while the loop is busier than real time allows). Work posted from other
/// threads (<see cref="Post"/>) wakes the loop at once and runs at the current virtual time; timers
/// (TCP retransmissions, program timeouts) fire when their virtual due time is reached in wall time.
/// </summary>
public sealed class LoopDriver : IDisposable
{
    private readonly EventLoop _loop;
    private readonly LoopSynchronizationContext _context;
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly Thread _thread;
    private volatile bool _stop;

    /// <summary>A driver for <paramref name="loop"/>; nothing runs until <see cref="Start"/>.</summary>
    public LoopDriver(EventLoop loop)
    {
        _loop = loop;
        _context = new LoopSynchronizationContext(loop);
        _thread = new Thread(Run) { IsBackground = true, Name = "podnet-loop" };
    }

    /// <summary>How often the loop looks at the clock when nothing wakes it (timer resolution).</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>An exception that stopped the loop, if any.</summary>
    public Exception? Fault { get; private set; }

    /// <summary>Starts the loop thread.</summary>
    public void Start() => _thread.Start();

    /// <summary>Queues <paramref name="work"/> onto the loop from any thread and wakes it.</summary>
    public void Post(Action work)
    {
        _context.Post(static s => ((Action)s!)(), work);
        _wake.Set();
    }

    /// <summary>Runs <paramref name="program"/> (an async program) on the loop from any thread.</summary>
    public void Start(Func<Task> program) => Post(() => _ = program());

    private void Run()
    {
        var wall = Stopwatch.StartNew();
        var origin = _loop.Now;
        try
        {
            while (!_stop)
            {
                var due = origin + wall.Elapsed - _loop.Now;
                _loop.RunFor(due > TimeSpan.Zero ? due : TimeSpan.Zero, TimeSpan.FromSeconds(1));
                _wake.Wait(Tick);
                _wake.Reset();
            }
        }
        catch (Exception e)
        {
            Fault = e;
        }
    }

    /// <summary>Stops the loop thread (after the current step) and waits for it.</summary>
    public void Dispose()
    {
        _stop = true;
        _wake.Set();
        if (_thread.IsAlive && Thread.CurrentThread != _thread) _thread.Join(TimeSpan.FromSeconds(5));
        _wake.Dispose();
    }
}

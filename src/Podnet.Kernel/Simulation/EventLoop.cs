using System.Diagnostics;

namespace Podnet.Kernel.Simulation;

/// <summary>
/// The deterministic single-threaded event loop of a simulation (DESIGN.md §4): a virtual clock, a
/// seeded random source, a queue of ready work and a heap of timers. Nothing waits on the wall clock:
/// when no work is ready the clock jumps to the next timer.
/// </summary>
public sealed class EventLoop : IClock
{
    private struct WorkItem
    {
        public Action<object?>? Callback;
        public SendOrPostCallback? Posted;
        public object? State;
    }

    private WorkItem[] _ready = new WorkItem[256];
    private int _head;
    private int _count;
    // Timers are bucketed by exact due time: a heap of distinct due times, and per due time a FIFO of
    // (timer, version) in arming order. Many timers share a due time (re-armed RTOs at the same instant),
    // so arming is O(1) amortised; ties fire in arming order, which keeps runs deterministic.
    private readonly PriorityQueue<long, long> _dues = new();
    private readonly Dictionary<long, Queue<(LoopTimer Timer, int Version)>> _buckets = [];
    private readonly Stack<Queue<(LoopTimer Timer, int Version)>> _spareBuckets = new();
    private long _now;
    private readonly object _foreignLock = new();
    private readonly Queue<(SendOrPostCallback, object?)> _foreign = new();
    private volatile bool _hasForeign;
    private readonly LoopSynchronizationContext _context;
    private Thread? _thread;

    public EventLoop(int seed = 1)
    {
        Seed = seed;
        Random = new Random(seed);
        _context = new LoopSynchronizationContext(this);
    }

    public int Seed { get; }

    /// <summary>The simulation's seeded random source; the same seed replays the same run.</summary>
    public Random Random { get; }

    public TimeSpan Now => new(_now);

    /// <summary>Work items executed so far (a measure of simulated effort).</summary>
    public long Executed { get; private set; }

    /// <summary>Queues <paramref name="callback"/> to run at the current virtual time, after the work already queued.</summary>
    public void Post(Action<object?> callback, object? state)
    {
        if (_count == _ready.Length) Grow();
        ref var slot = ref _ready[(_head + _count) & (_ready.Length - 1)];
        slot.Callback = callback;
        slot.State = state;
        slot.Posted = null;
        _count++;
    }

    internal void PostFromAnyThread(SendOrPostCallback callback, object? state)
    {
        if (_thread == Thread.CurrentThread)
        {
            if (_count == _ready.Length) Grow();
            ref var slot = ref _ready[(_head + _count) & (_ready.Length - 1)];
            slot.Callback = null;
            slot.Posted = callback;
            slot.State = state;
            _count++;
            return;
        }
        lock (_foreignLock)
        {
            _foreign.Enqueue((callback, state));
            _hasForeign = true;
        }
    }

    private void Grow()
    {
        var n = new WorkItem[_ready.Length * 2];
        for (int i = 0; i < _count; i++) n[i] = _ready[(_head + i) & (_ready.Length - 1)];
        _ready = n;
        _head = 0;
    }

    /// <summary>Creates a re-armable timer; nothing is scheduled until <see cref="LoopTimer.Start"/>.</summary>
    public LoopTimer CreateTimer(Action<object?> callback, object? state) => new(this, callback, state);

    /// <summary>Runs <paramref name="callback"/> once after <paramref name="delay"/> of virtual time.</summary>
    public LoopTimer Schedule(TimeSpan delay, Action<object?> callback, object? state)
    {
        var t = new LoopTimer(this, callback, state);
        t.Start(delay);
        return t;
    }

    // the bucket the last timer went into: timers armed one after another mostly share a due time
    // (the same instant plus the same timeout), so the dictionary is asked only when it changes
    private long _lastDue;
    private Queue<(LoopTimer Timer, int Version)>? _lastBucket;

    internal void Enqueue(LoopTimer timer, long due, int version)
    {
        var q = _lastBucket;
        if (q is null || due != _lastDue)
        {
            if (!_buckets.TryGetValue(due, out q))
            {
                q = _spareBuckets.Count > 0 ? _spareBuckets.Pop() : new Queue<(LoopTimer, int)>();
                _buckets.Add(due, q);
                _dues.Enqueue(due, due);
            }
            _lastDue = due;
            _lastBucket = q;
        }
        q.Enqueue((timer, version));
    }

    private bool TryPeekTimer(out long due, out Queue<(LoopTimer Timer, int Version)> bucket)
    {
        while (_dues.TryPeek(out due, out _))
        {
            bucket = _buckets[due];
            // Cancelled or re-armed timers leave stale entries: drop them without advancing the clock,
            // so a loop with only cancelled timers is idle.
            while (bucket.Count > 0 && !bucket.Peek().Timer.IsLive(bucket.Peek().Version)) bucket.Dequeue();
            if (bucket.Count > 0) return true;
            _buckets.Remove(due);
            _dues.Dequeue();
            if (ReferenceEquals(bucket, _lastBucket)) _lastBucket = null;
            _spareBuckets.Push(bucket);
        }
        bucket = null!;
        return false;
    }

    /// <summary>A task that completes after <paramref name="delay"/> of virtual time (<c>sleep</c>).</summary>
    public Task Delay(TimeSpan delay)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Schedule(delay, static s => ((TaskCompletionSource)s!).TrySetResult(), tcs);
        return tcs.Task;
    }

    /// <summary>Starts an async program on the loop (it runs when the loop runs); returns its task.</summary>
    public Task Start(Func<Task> program)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(static s =>
        {
            var (p, t) = ((Func<Task>, TaskCompletionSource))s!;
            Task task;
            try { task = p(); }
            catch (Exception e) { t.TrySetException(e); return; }
            task.ContinueWith(static (done, o) =>
            {
                var tc = (TaskCompletionSource)o!;
                if (done.IsFaulted) tc.TrySetException(done.Exception!.InnerExceptions);
                else if (done.IsCanceled) tc.TrySetCanceled();
                else tc.TrySetResult();
            }, t, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }, (program, tcs));
        return tcs.Task;
    }

    /// <summary>
    /// Runs <paramref name="program"/> and every other event until the program completes, nothing is
    /// left to do, the virtual clock would pass <paramref name="virtualLimit"/> (measured from now), or
    /// <paramref name="realLimit"/> of wall-clock time passes. Which one happened is the result.
    /// </summary>
    public RunResult Run(Func<Task> program, TimeSpan virtualLimit, TimeSpan realLimit)
    {
        var task = Start(program);
        return RunUntil(() => task.IsCompleted, task, virtualLimit, realLimit);
    }

    /// <summary>Runs events until none are left or a bound is hit (for servers with no main program).</summary>
    public RunResult RunUntilIdle(TimeSpan virtualLimit, TimeSpan realLimit) => RunUntil(() => false, null, virtualLimit, realLimit);

    /// <summary>
    /// Runs every event due in the next <paramref name="duration"/> of virtual time and leaves the clock
    /// at its end (time passes even when nothing happens, e.g. to let FDB entries age).
    /// </summary>
    public RunResult RunFor(TimeSpan duration, TimeSpan realLimit)
    {
        long target = _now + duration.Ticks;
        var r = RunUntil(() => false, null, duration, realLimit);
        if (r.Outcome == RunOutcome.Idle || r.Outcome == RunOutcome.VirtualTimeLimit)
        {
            _now = Math.Max(_now, target);
            return new RunResult(RunOutcome.VirtualTimeLimit, Now, r.RealTime);
        }
        return r;
    }

    /// <summary>Runs until <paramref name="done"/> says so (checked between events), or a bound is hit.</summary>
    public RunResult RunUntil(Func<bool> done, TimeSpan virtualLimit, TimeSpan realLimit) => RunUntil(done, null, virtualLimit, realLimit);

    private RunResult RunUntil(Func<bool> done, Task? task, TimeSpan virtualLimit, TimeSpan realLimit)
    {
        var previous = SynchronizationContext.Current;
        var previousThread = _thread;
        _thread = Thread.CurrentThread;
        SynchronizationContext.SetSynchronizationContext(_context);
        var watch = Stopwatch.StartNew();
        long limit = virtualLimit == TimeSpan.MaxValue ? long.MaxValue : _now + virtualLimit.Ticks;
        int sinceCheck = 0;
        try
        {
            while (true)
            {
                if (done()) return Finish(task, watch);
                if (_hasForeign) DrainForeign();
                if (_count > 0)
                {
                    var item = _ready[_head];
                    _ready[_head] = default;
                    _head = (_head + 1) & (_ready.Length - 1);
                    _count--;
                    Executed++;
                    if (item.Callback != null) item.Callback(item.State);
                    else item.Posted!(item.State);
                }
                else if (TryPeekTimer(out var due, out var bucket))
                {
                    if (due > limit)
                    {
                        _now = limit;
                        return new RunResult(RunOutcome.VirtualTimeLimit, Now, watch.Elapsed);
                    }
                    var entry = bucket.Dequeue();
                    if (due > _now) _now = due;
                    Executed++;
                    entry.Timer.Fire(entry.Version);
                }
                else
                {
                    if (_hasForeign) continue;
                    return done() ? Finish(task, watch) : new RunResult(RunOutcome.Idle, Now, watch.Elapsed);
                }
                if (++sinceCheck >= 1024)
                {
                    sinceCheck = 0;
                    if (watch.Elapsed > realLimit) return new RunResult(RunOutcome.RealTimeLimit, Now, watch.Elapsed);
                }
            }
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
            _thread = previousThread;
        }
    }

    private RunResult Finish(Task? task, Stopwatch watch)
    {
        if (task is { IsFaulted: true })
            return new RunResult(RunOutcome.Faulted, Now, watch.Elapsed, task.Exception!.InnerExceptions.Count == 1 ? task.Exception.InnerException : task.Exception);
        if (task is { IsCanceled: true })
            return new RunResult(RunOutcome.Faulted, Now, watch.Elapsed, new TaskCanceledException(task));
        return new RunResult(RunOutcome.Completed, Now, watch.Elapsed);
    }

    private void DrainForeign()
    {
        lock (_foreignLock)
        {
            while (_foreign.TryDequeue(out var f)) PostFromAnyThread(f.Item1, f.Item2);
            _hasForeign = false;
        }
    }
}

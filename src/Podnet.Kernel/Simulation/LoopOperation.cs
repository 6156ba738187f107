using System.Threading.Tasks.Sources;

namespace Podnet.Kernel.Simulation;

/// <summary>
/// A reusable awaitable for one outstanding socket operation (a blocked <c>recv</c>, <c>accept</c>,
/// <c>connect</c>): awaiting it costs no allocation, and its continuation is queued on the event loop
/// (never run inline), so a long exchange never deepens the stack.
/// </summary>
public sealed class LoopOperation<T> : IValueTaskSource<T>
{
    private readonly EventLoop _loop;
    private Action<object?>? _continuation;
    private object? _state;
    private T _result = default!;
    private short _version;
    private bool _completed;

    public LoopOperation(EventLoop loop) => _loop = loop;

    /// <summary>True between <see cref="Begin"/> and the awaiter taking the result.</summary>
    public bool InUse { get; private set; }

    /// <summary>True when begun and not yet completed (someone is waiting).</summary>
    public bool Waiting => InUse && !_completed;

    public ValueTask<T> Begin()
    {
        if (InUse) throw new InvalidOperationException("another operation of this kind is already outstanding on this socket");
        InUse = true;
        _completed = false;
        _continuation = null;
        return new ValueTask<T>(this, _version);
    }

    /// <summary>Completes the waiting operation; false if none was waiting.</summary>
    public bool TryComplete(T result)
    {
        if (!InUse || _completed) return false;
        _result = result;
        _completed = true;
        var c = _continuation;
        if (c != null)
        {
            _continuation = null;
            _loop.Post(c, _state);
        }
        return true;
    }

    public ValueTaskSourceStatus GetStatus(short token) => _completed ? ValueTaskSourceStatus.Succeeded : ValueTaskSourceStatus.Pending;

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        if (_completed) _loop.Post(continuation, state);
        else
        {
            _continuation = continuation;
            _state = state;
        }
    }

    public T GetResult(short token)
    {
        if (token != _version || !_completed) throw new InvalidOperationException("result taken twice or before completion");
        var r = _result;
        _result = default!;
        _version++;
        _completed = false;
        InUse = false;
        return r;
    }
}

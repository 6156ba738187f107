using Podnet.Kernel.Simulation;
using Podnet.Kernel.Stack;

namespace Podnet.Kernel.Sockets;

/// <summary>
/// A listening TCP socket (<c>listen()</c>): answers SYNs with SYN-ACK, queues completed connections
/// for <see cref="AcceptAsync"/> up to the backlog (SYNs beyond it are dropped, as when the accept queue is full).
/// </summary>
public sealed class TcpListener
{
    private readonly TcpStack _stack;
    private readonly Queue<TcpSocket> _ready = new();
    private readonly LoopOperation<TcpSocket?> _accept;
    private int _embryonic;

    internal TcpListener(TcpStack stack, Ipv4Endpoint local, int backlog, bool reuse)
    {
        _stack = stack;
        LocalEndpoint = local;
        Backlog = backlog;
        ReuseAddress = reuse;
        _accept = new LoopOperation<TcpSocket?>(stack.Namespace.World.Loop);
    }

    public NetNamespace Namespace => _stack.Namespace;

    public Ipv4Endpoint LocalEndpoint { get; }

    public int Backlog { get; }

    public bool ReuseAddress { get; }

    public bool IsClosed { get; private set; }

    /// <summary>Connections completed and not yet accepted (Recv-Q of <c>ss -tln</c>).</summary>
    public int Pending => _ready.Count;

    internal TcpBinding? Binding { get; set; }

    internal bool CanAcceptSyn => !IsClosed && _ready.Count + _embryonic < Backlog;

    internal void Embryo() => _embryonic++;

    internal void EmbryoGone() => _embryonic--;

    /// <summary>accept(): the next established connection; null once the listener is closed.</summary>
    public ValueTask<TcpSocket?> AcceptAsync()
    {
        if (_ready.TryDequeue(out var s)) return ValueTask.FromResult<TcpSocket?>(s);
        if (IsClosed) return ValueTask.FromResult<TcpSocket?>(null);
        return _accept.Begin();
    }

    internal void Established(TcpSocket s)
    {
        _embryonic--;
        s.Listener = null;
        if (_accept.Waiting) _accept.TryComplete(s);
        else _ready.Enqueue(s);
    }

    /// <summary>close() on the listener: queued connections are reset, as Linux does.</summary>
    public void Close()
    {
        if (IsClosed) return;
        IsClosed = true;
        _stack.Unlisten(this);
        while (_ready.TryDequeue(out var s)) s.Abort();
        _accept.TryComplete(null);
    }
}

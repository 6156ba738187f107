using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Podnet.Cluster.Kubelet;
using Podnet.Cluster.Runtime;
using Podnet.Kernel.Sockets;
using TcpListener = System.Net.Sockets.TcpListener;
using Podnet.Kernel.Wire;

namespace Podnet.Cli.Commands.PortForward;

/// <summary>
/// <c>kubectl port-forward</c>'s data path, into the emulation: real TCP listeners on the local machine;
/// each accepted real connection becomes an emulated TCP connection opened from inside the pod's network
/// namespace to <c>localhost:REMOTE</c> (what the kubelet's CRI streaming server does with nsenter), and
/// bytes are copied both ways, half-closes included. The emulation's loop runs on a
/// <see cref="LoopDriver"/> (virtual time follows wall time). A connection that fails inside the
/// emulation (refused, pod gone) is closed and reported with kubectl's error line.
/// </summary>
public sealed class PortForwarder : IDisposable
{
    private readonly ClusterRuntime _runtime;
    private readonly PortForwardTarget _target;
    private readonly IPAddress _address;
    private readonly TextWriter _out;
    private readonly TextWriter _err;
    private readonly Func<DateTimeOffset> _clock;
    private readonly List<TcpListener> _listeners = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly object _print = new();
    private LoopDriver? _driver;
    private PodSandbox? _sandbox;
    private long _connections;

    /// <summary>A forwarder for <paramref name="target"/> in <paramref name="runtime"/>, listening on <paramref name="address"/>.</summary>
    public PortForwarder(ClusterRuntime runtime, PortForwardTarget target, IPAddress address, TextWriter stdout, TextWriter stderr, Func<DateTimeOffset>? clock = null)
    {
        _runtime = runtime;
        _target = target;
        _address = address;
        _out = stdout;
        _err = stderr;
        _clock = clock ?? (() => DateTimeOffset.Now);
    }

    /// <summary>The local ports bound, in the order of the mappings (known after <see cref="Start"/>).</summary>
    public IReadOnlyList<int> LocalPorts => _listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();

    /// <summary>Connections accepted so far.</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>
    /// Realizes the pod (and the nodes it can reach), binds every local port, prints kubectl's
    /// "Forwarding from" lines and starts serving. Throws <see cref="KubectlException"/> when a port cannot be bound
    /// or the pod cannot be started.
    /// </summary>
    public void Start()
    {
        var pod = _target.Pod;
        _sandbox = _runtime.EnsurePod(pod.Namespace, pod.Name, out var reason)
            ?? throw new KubectlException("error: unable to forward port because pod is not running: " + (reason ?? "no sandbox"));
        // A forwarded connection can lead anywhere in the cluster (an ingress proxies to other nodes' pods).
        _runtime.EnsureAll();
        _runtime.Settle();
        foreach (var m in _target.Ports)
        {
            var l = new TcpListener(_address, m.Local);
            try
            {
                l.Start(512);
            }
            catch (SocketException e)
            {
                foreach (var x in _listeners) x.Stop();
                throw new KubectlException($"Unable to listen on port {m.Local.ToString(CultureInfo.InvariantCulture)}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 {Format(_address)}:{m.Local.ToString(CultureInfo.InvariantCulture)}: bind: {e.Message.ToLowerInvariant()}]\nerror: unable to listen on any of the requested ports: [{{{m.Local.ToString(CultureInfo.InvariantCulture)} {m.Remote.ToString(CultureInfo.InvariantCulture)}}}]");
            }
            _listeners.Add(l);
        }
        _driver = new LoopDriver(_runtime.World.Loop);
        _driver.Start();
        for (int i = 0; i < _listeners.Count; i++)
        {
            var local = ((IPEndPoint)_listeners[i].LocalEndpoint).Port;
            Print(_out, $"Forwarding from {Format(_address)}:{local.ToString(CultureInfo.InvariantCulture)} -> {_target.Ports[i].Remote.ToString(CultureInfo.InvariantCulture)}");
            _ = AcceptLoopAsync(_listeners[i], local, _target.Ports[i].Remote);
        }
    }

    private static string Format(IPAddress a) => a.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + a + "]" : a.ToString();

    private void Print(TextWriter w, string line)
    {
        lock (_print)
        {
            w.WriteLine(line);
            w.Flush();
        }
    }

    private async Task AcceptLoopAsync(TcpListener listener, int local, int remote)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket real;
            try
            {
                real = await listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref _connections);
            real.NoDelay = true;
            Print(_out, "Handling connection for " + local.ToString(CultureInfo.InvariantCulture));
            _ = ForwardAsync(real, local, remote);
        }
    }

    /// <summary>One forwarded connection: emulated side on the loop, real side on the thread pool.</summary>
    private async Task ForwardAsync(Socket real, int local, int remote)
    {
        var toReal = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var conn = new EmulatedEnd();
        _driver!.Start(() => EmulatedSideAsync(conn, toReal.Writer, local, remote));
        var writer = WriteRealAsync(real, toReal.Reader);
        var buf = new byte[65536];
        try
        {
            while (true)
            {
                int n = await real.ReceiveAsync(buf, SocketFlags.None, _stop.Token);
                if (n == 0)
                {
                    _driver.Post(conn.ShutdownWrite);
                    break;
                }
                var data = buf.AsSpan(0, n).ToArray();
                _driver.Post(() => conn.Send(data));
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            _driver.Post(conn.Abort);
        }
        await writer;
        real.Dispose();
    }

    private static async Task WriteRealAsync(Socket real, ChannelReader<byte[]> from)
    {
        try
        {
            await foreach (var chunk in from.ReadAllAsync())
                await real.SendAsync(chunk, SocketFlags.None);
            real.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is ChannelClosedException or IOException)
        {
            // the emulated side failed: kubectl closes the local connection (FIN; the client sees an empty reply)
            real.Shutdown(SocketShutdown.Both);
            real.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // the real client went away
        }
    }

    private async Task EmulatedSideAsync(EmulatedEnd conn, ChannelWriter<byte[]> toReal, int local, int remote)
    {
        var ns = _sandbox!.Namespace;
        var (sock, err) = await ns.Tcp.ConnectAsync(Ipv4Address.Parse("127.0.0.1"), (ushort)remote, new TcpConnectOptions { Timeout = TimeSpan.FromSeconds(30) });
        if (err != Errno.None)
        {
            sock.Abort();
            ReportFailure(local, remote, err);
            toReal.TryComplete(new IOException(err.Message()));
            return;
        }
        conn.Attach(sock);
        var buf = new byte[65536];
        while (true)
        {
            var r = await sock.ReceiveAsync(buf);
            if (r.Error != Errno.None)
            {
                toReal.TryComplete(new IOException(r.Error.Message()));
                break;
            }
            if (r.Count == 0)
            {
                toReal.TryComplete();
                break;
            }
            toReal.TryWrite(buf.AsSpan(0, r.Count).ToArray());
        }
        conn.Finish();
    }

    private void ReportFailure(int local, int remote, Errno err)
    {
        var now = _clock().ToUniversalTime();
        var id = _sandbox!.ContainerId;
        var nsPath = "/var/run/netns/" + _sandbox.Namespace.Name;
        var why = err == Errno.ECONNREFUSED ? "connect: connection refused" : err == Errno.ETIMEDOUT ? "i/o timeout" : "connect: " + err.Message().ToLowerInvariant();
        var r = remote.ToString(CultureInfo.InvariantCulture);
        Print(_err, "E" + now.ToString("MMdd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + " " + Environment.ProcessId.ToString(CultureInfo.InvariantCulture).PadLeft(7)
            + $" portforward.go:424] \"Unhandled Error\" err=\"an error occurred forwarding {local.ToString(CultureInfo.InvariantCulture)} -> {r}: error forwarding port {r} to pod {id}, uid : failed to execute portforward in network namespace \\\"{nsPath}\\\": failed to connect to localhost:{r} inside namespace \\\"{id}\\\", IPv4: dial tcp4 127.0.0.1:{r}: {why} IPv6 dial tcp6 [::1]:{r}: connect: cannot assign requested address \"");
    }

    /// <summary>Stops listening, closes every connection and stops the loop.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        foreach (var l in _listeners) l.Stop();
        _driver?.Dispose();
        _stop.Dispose();
    }

    /// <summary>The emulated socket of one forwarded connection; touched only on the loop thread.</summary>
    private sealed class EmulatedEnd
    {
        private TcpSocket? _sock;
        private List<byte[]>? _pending = [];
        private bool _shutdown;
        private bool _aborted;

        public void Attach(TcpSocket sock)
        {
            _sock = sock;
            if (_aborted)
            {
                sock.Abort();
                return;
            }
            foreach (var p in _pending!) sock.Send(p);
            _pending = null;
            if (_shutdown) sock.Shutdown();
        }

        public void Send(byte[] data)
        {
            if (_sock is null) _pending?.Add(data);
            else _sock.Send(data);
        }

        public void ShutdownWrite()
        {
            _shutdown = true;
            _sock?.Shutdown();
        }

        public void Abort()
        {
            _aborted = true;
            _sock?.Abort();
        }

        public void Finish()
        {
            if (_shutdown) _sock?.Close();
            else _sock?.Shutdown();
        }
    }
}

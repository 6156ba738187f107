using System.Diagnostics;

namespace Podnet.Kernel.Tests.Netfilter;

/// <summary>
/// Real network namespaces for differential tests: client (10.10.1.2) — router (10.10.1.1 | 10.10.2.1) —
/// server (10.10.2.2), or client — bridge br0 — server on 10.10.3.0/24. Names are unique per instance and
/// everything is deleted on Dispose. Traffic stays inside these namespaces.
/// </summary>
internal sealed class RealKernelLab : IDisposable
{
    private static int _counter;
    private readonly List<string> _namespaces = new();
    private readonly List<Process> _servers = new();
    public string Client { get; }
    public string Router { get; }
    public string Server { get; }

    /// <summary>Null when the lab can run; otherwise why not (for Assert.Skip).</summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux()) return "not Linux";
        if (Environment.UserName != "root" && Run("id -u").Out.Trim() != "0") return "needs root to create network namespaces";
        foreach (var tool in new[] { "ip", "iptables-restore", "nft", "conntrack", "python3", "ipset" })
            if (Run("command -v " + tool).Code != 0) return $"{tool} is not installed";
        return null;
    }

    public RealKernelLab(bool bridge = false)
    {
        var id = $"pnf{Environment.ProcessId % 100000}x{Interlocked.Increment(ref _counter)}";
        Client = id + "c";
        Router = id + "r";
        Server = id + "s";
        foreach (var ns in new[] { Client, Router, Server })
        {
            Must($"ip netns add {ns}");
            _namespaces.Add(ns);
            Must($"ip -n {ns} link set lo up");
        }
        if (!bridge)
        {
            Must($"ip link add c0 netns {Client} type veth peer name rc netns {Router}");
            Must($"ip link add s0 netns {Server} type veth peer name rs netns {Router}");
            Must($"ip -n {Client} addr add 10.10.1.2/24 dev c0 && ip -n {Client} link set c0 up && ip -n {Client} route add default via 10.10.1.1");
            Must($"ip -n {Server} addr add 10.10.2.2/24 dev s0 && ip -n {Server} link set s0 up && ip -n {Server} route add default via 10.10.2.1");
            Must($"ip -n {Router} addr add 10.10.1.1/24 dev rc && ip -n {Router} link set rc up");
            Must($"ip -n {Router} addr add 10.10.2.1/24 dev rs && ip -n {Router} link set rs up");
            Must($"ip netns exec {Router} sysctl -qw net.ipv4.ip_forward=1");
        }
        else
        {
            Must($"ip link add c0 netns {Client} type veth peer name vbc netns {Router}");
            Must($"ip link add s0 netns {Server} type veth peer name vbs netns {Router}");
            Must($"ip -n {Router} link add br0 type bridge && ip -n {Router} link set br0 up");
            Must($"ip -n {Router} link set vbc master br0 && ip -n {Router} link set vbc up && ip -n {Router} link set vbs master br0 && ip -n {Router} link set vbs up");
            Must($"ip -n {Client} addr add 10.10.3.2/24 dev c0 && ip -n {Client} link set c0 up");
            Must($"ip -n {Server} addr add 10.10.3.3/24 dev s0 && ip -n {Server} link set s0 up");
            Must($"ip netns exec {Router} sysctl -qw net.bridge.bridge-nf-call-iptables=1");
        }
    }

    public static (int Code, string Out, string Err) Run(string command, string? stdin = null, int timeoutMs = 60000)
    {
        var psi = new ProcessStartInfo("bash", ["-c", command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        if (stdin is not null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(true);
            return (124, o.Result, e.Result);
        }
        return (p.ExitCode, o.Result, e.Result);
    }

    public static string Must(string command, string? stdin = null)
    {
        var r = Run(command, stdin);
        if (r.Code != 0) throw new InvalidOperationException($"`{command}` failed ({r.Code}): {r.Err}");
        return r.Out;
    }

    public string In(string ns, string command, string? stdin = null) => Must($"ip netns exec {ns} {command}", stdin);

    /// <summary>Starts a TCP server in the server namespace on each port: it answers "PEERIP:PEERPORT LOCALPORT" and closes.</summary>
    public void StartServer(params int[] ports)
    {
        var script = "import socket,selectors\n" +
            "sel=selectors.DefaultSelector()\n" +
            string.Concat(ports.Select(p => $"s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('0.0.0.0',{p})); s.listen(512); sel.register(s, selectors.EVENT_READ)\n")) +
            "print('ready', flush=True)\n" +
            "while True:\n" +
            "  for k,_ in sel.select():\n" +
            "    c,a=k.fileobj.accept(); c.sendall(f'{a[0]}:{a[1]} {c.getsockname()[1]}'.encode()); c.close()\n";
        var psi = new ProcessStartInfo("ip", ["netns", "exec", Server, "python3", "-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var proc = Process.Start(psi)!;
        _servers.Add(proc);
        var line = proc.StandardOutput.ReadLine();
        if (line != "ready") throw new InvalidOperationException("server did not start: " + proc.StandardError.ReadToEnd());
    }

    /// <summary>
    /// Opens <paramref name="count"/> TCP connections from the client namespace (source ports from
    /// <paramref name="firstPort"/>); returns one line per connection: the server's answer, or
    /// refused / unreachable / timeout.
    /// </summary>
    public List<string> Connect(string address, int port, int count = 1, int firstPort = 40000, double timeout = 1.0)
    {
        var script = "import socket,errno\n" +
            $"for i in range({count}):\n" +
            "  s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n" +
            $"  s.settimeout({timeout.ToString(System.Globalization.CultureInfo.InvariantCulture)})\n" +
            $"  s.bind(('0.0.0.0',{firstPort}+i))\n" +
            "  try:\n" +
            $"    s.connect(('{address}',{port})); print(s.recv(100).decode(), flush=True)\n" +
            "  except ConnectionRefusedError: print('refused', flush=True)\n" +
            "  except socket.timeout: print('timeout', flush=True)\n" +
            "  except OSError as e: print('unreachable' if e.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH) else 'error '+str(e.errno), flush=True)\n" +
            "  s.close()\n";
        var r = Run($"ip netns exec {Client} python3 -", script, 120000);
        return r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    public void Dispose()
    {
        foreach (var s in _servers)
        {
            try
            {
                if (!s.HasExited) s.Kill(true);
                s.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
            }
            s.Dispose();
        }
        foreach (var ns in _namespaces) Run($"ip netns del {ns}");
    }
}

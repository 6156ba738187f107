using System.Globalization;
using System.Text;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Wire;

namespace Podnet.Cluster.Images.Tools;

/// <summary><c>nc</c> (netcat-openbsd: -z, -v, -u, -w), <c>ping -c</c> (iputils), <c>redis-cli</c>.</summary>
public static class NetTools
{
    /// <summary>netcat.</summary>
    public static async Task<int> NcAsync(ToolContext ctx, IReadOnlyList<string> args)
    {
        bool z = false, v = false, u = false;
        double w = 0;
        var pos = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "-w" && i + 1 < args.Count) { w = double.Parse(args[++i], CultureInfo.InvariantCulture); continue; }
            if (a.StartsWith('-') && a.Length > 1)
            {
                foreach (var ch in a[1..])
                {
                    if (ch == 'z') z = true;
                    else if (ch == 'v') v = true;
                    else if (ch == 'u') u = true;
                    else if (ch != 'n')
                    {
                        ctx.Err.Append($"nc: invalid option -- '{ch}'\n");
                        return 1;
                    }
                }
                continue;
            }
            pos.Add(a);
        }
        if (pos.Count < 2 || !int.TryParse(pos[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            ctx.Err.Append("usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n");
            return 1;
        }
        var addr = await NameLookup.ResolveAsync(ctx, pos[0]);
        if (addr is null)
        {
            ctx.Err.Append($"nc: getaddrinfo for host \"{pos[0]}\" port {pos[1]}: Name or service not known\n");
            return 1;
        }
        var proto = u ? "udp" : "tcp";
        if (u)
        {
            var s = ctx.Process.Namespace.Udp.Open();
            s.Trace = ctx.NewTrace($"nc -u {Ipv4Address.Format(addr.Value)}:{pos[1]}");
            s.Connect(addr.Value, (ushort)port);
            s.Send(z ? "X"u8 : Encoding.UTF8.GetBytes("\n"));
            var r = await s.ReceiveAsync(TimeSpan.FromSeconds(w > 0 ? w : 1));
            s.Close();
            if (r.Error == Errno.ECONNREFUSED)
            {
                if (v) ctx.Err.Append($"nc: connect to {pos[0]} port {pos[1]} (udp) failed: Connection refused\n");
                return 1;
            }
            if (v) ctx.Err.Append($"Connection to {pos[0]} {pos[1]} port [udp/*] succeeded!\n");
            if (r.Ok && !z) ctx.Out.Append(Encoding.UTF8.GetString(r.Data));
            return 0;
        }
        var trace = ctx.NewTrace($"nc {Ipv4Address.Format(addr.Value)}:{pos[1]}");
        var sock = ctx.Process.Namespace.Tcp.Open();
        var err = await sock.ConnectAsync(addr.Value, (ushort)port, new TcpConnectOptions { Timeout = w > 0 ? TimeSpan.FromSeconds(w) : null, Trace = trace });
        trace?.Complete(err);
        if (err != Errno.None)
        {
            sock.Abort();
            if (v || !z) ctx.Err.Append($"nc: connect to {pos[0]} port {pos[1]} ({proto}) {(err == Errno.ETIMEDOUT ? "timed out" : "failed")}: {err.Message()}\n");
            return 1;
        }
        if (v) ctx.Err.Append($"Connection to {pos[0]} {pos[1]} port [{proto}/*] succeeded!\n");
        if (!z)
        {
            var data = await sock.ReadToEndAsync(TimeSpan.FromSeconds(w > 0 ? w : 1));
            ctx.Out.Append(Encoding.UTF8.GetString(data));
        }
        sock.Close();
        return 0;
    }

    /// <summary>ping (iputils output).</summary>
    public static async Task<int> PingAsync(ToolContext ctx, IReadOnlyList<string> args)
    {
        int count = 4;
        string? target = null;
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == "-c" && i + 1 < args.Count) count = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i].StartsWith("-c", StringComparison.Ordinal) && args[i].Length > 2) count = int.Parse(args[i][2..], CultureInfo.InvariantCulture);
            else if (args[i] == "-W" && i + 1 < args.Count) i++;
            else if (!args[i].StartsWith('-')) target = args[i];
        }
        if (target is null)
        {
            ctx.Err.Append("ping: usage error: Destination address required\n");
            return 1;
        }
        var addr = await NameLookup.ResolveAsync(ctx, target);
        if (addr is null)
        {
            ctx.Err.Append($"ping: {target}: Name or service not known\n");
            return 2;
        }
        var ip = Ipv4Address.Format(addr.Value);
        ctx.Out.Append($"PING {target} ({ip}) 56(84) bytes of data.\n");
        int received = 0;
        var rtts = new List<double>();
        var start = ctx.NowMs;
        for (int seq = 1; seq <= count; seq++)
        {
            var r = await ctx.Process.Namespace.Icmp.PingAsync(addr.Value, TimeSpan.FromSeconds(1), 64, (ushort)seq, ctx.NewTrace($"ping {ip} seq {seq.ToString(CultureInfo.InvariantCulture)}"));
            if (r.Status == PingStatus.Reply)
            {
                received++;
                rtts.Add(r.RoundTrip.TotalMilliseconds);
            }
            if (r.Status != PingStatus.Timeout) ctx.Out.Append(r).Append('\n');
            if (seq < count) await ctx.Process.Loop.Delay(TimeSpan.FromSeconds(1) - (r.Status == PingStatus.Reply ? r.RoundTrip : TimeSpan.Zero));
        }
        var loss = (count - received) * 100 / Math.Max(1, count);
        ctx.Out.Append($"\n--- {target} ping statistics ---\n");
        ctx.Out.Append($"{count.ToString(CultureInfo.InvariantCulture)} packets transmitted, {received.ToString(CultureInfo.InvariantCulture)} received, {loss.ToString(CultureInfo.InvariantCulture)}% packet loss, time {(ctx.NowMs - start).ToString(CultureInfo.InvariantCulture)}ms\n");
        if (rtts.Count > 0)
        {
            var avg = rtts.Average();
            var mdev = Math.Sqrt(rtts.Select(x => (x - avg) * (x - avg)).Average());
            ctx.Out.Append(string.Create(CultureInfo.InvariantCulture, $"rtt min/avg/max/mdev = {rtts.Min():0.000}/{avg:0.000}/{rtts.Max():0.000}/{mdev:0.000} ms\n"));
        }
        return received > 0 ? 0 : 1;
    }

    /// <summary>redis-cli -h H -p P CMD ARGS.</summary>
    public static async Task<int> RedisCliAsync(ToolContext ctx, IReadOnlyList<string> args)
    {
        string host = "127.0.0.1";
        int port = 6379;
        var cmd = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == "-h" && i + 1 < args.Count) host = args[++i];
            else if (args[i] == "-p" && i + 1 < args.Count) port = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else cmd.Add(args[i]);
        }
        if (cmd.Count == 0) cmd.Add("PING");
        var addr = await NameLookup.ResolveAsync(ctx, host);
        if (addr is null)
        {
            ctx.Err.Append($"Could not connect to Redis at {host}:{port.ToString(CultureInfo.InvariantCulture)}: Name or service not known\n");
            return 1;
        }
        var sock = ctx.Process.Namespace.Tcp.Open();
        var err = await sock.ConnectAsync(addr.Value, (ushort)port, new TcpConnectOptions { Trace = ctx.NewTrace($"redis-cli {host}:{port.ToString(CultureInfo.InvariantCulture)}") });
        if (err != Errno.None)
        {
            sock.Abort();
            ctx.Err.Append($"Could not connect to Redis at {host}:{port.ToString(CultureInfo.InvariantCulture)}: {err.Message()}\n");
            return 1;
        }
        var sb = new StringBuilder("*" + cmd.Count.ToString(CultureInfo.InvariantCulture) + "\r\n");
        foreach (var c in cmd) sb.Append('$').Append(Encoding.UTF8.GetByteCount(c).ToString(CultureInfo.InvariantCulture)).Append("\r\n").Append(c).Append("\r\n");
        sock.Send(Encoding.UTF8.GetBytes(sb.ToString()));
        var buf = new byte[4096];
        var r = await sock.ReceiveAsync(buf, TimeSpan.FromSeconds(5));
        sock.Close();
        var reply = Encoding.UTF8.GetString(buf, 0, r.Count);
        ctx.Out.Append(reply.Length == 0 ? "" : reply[0] switch
        {
            '+' => reply[1..].TrimEnd() + "\n",
            '-' => "(error) " + reply[1..].TrimEnd() + "\n",
            ':' => "(integer) " + reply[1..].TrimEnd() + "\n",
            '$' when reply.StartsWith("$-1", StringComparison.Ordinal) => "(nil)\n",
            '$' => "\"" + reply.Split("\r\n")[1] + "\"\n",
            _ => reply,
        });
        return 0;
    }
}

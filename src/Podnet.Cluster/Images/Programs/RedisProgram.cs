using System.Globalization;
using System.Text;
using Podnet.Kernel.Sockets;

namespace Podnet.Cluster.Images.Programs;

/// <summary>The <c>redis</c> image: RESP on 6379 with PING, ECHO, GET, SET, DEL, EXISTS; inline commands too (as redis-server accepts them).</summary>
public sealed class RedisProgram(int port = 6379) : ContainerProgram
{
    private readonly Dictionary<string, string> _data = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public override string ProcessName => "redis-server";

    /// <inheritdoc/>
    public override async Task<int> RunAsync(ProcessContext ctx)
    {
        var stamp = ctx.Now.ToString("dd MMM yyyy HH:mm:ss.fff", CultureInfo.InvariantCulture);
        ctx.Log.Line($"1:C {stamp} # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo");
        var (listener, err) = ctx.Namespace.Tcp.Listen(0, (ushort)port, 511);
        if (listener is null)
        {
            ctx.Log.Line($"1:M {stamp} # Warning: Could not create server TCP listening socket *:{port.ToString(CultureInfo.InvariantCulture)}: bind: {err.Message()}");
            ctx.Log.Line($"1:M {stamp} # Failed listening on port {port.ToString(CultureInfo.InvariantCulture)} (tcp), aborting.");
            return 1;
        }
        ctx.Log.Line($"1:M {stamp} * Ready to accept connections tcp");
        while (true)
        {
            var s = await listener.AcceptAsync();
            if (s is null) return 0;
            _ = Serve(s);
        }
    }

    private async Task Serve(TcpSocket s)
    {
        var pending = new StringBuilder();
        var buf = new byte[4096];
        while (true)
        {
            var r = await s.ReceiveAsync(buf);
            if (r.Count == 0)
            {
                s.Close();
                return;
            }
            pending.Append(Encoding.UTF8.GetString(buf, 0, r.Count));
            while (TryParse(pending, out var args))
            {
                if (args.Count == 0) continue;
                s.Send(Encoding.UTF8.GetBytes(Execute(args)));
            }
        }
    }

    /// <summary>Runs one command; the RESP reply.</summary>
    public string Execute(IReadOnlyList<string> args)
    {
        var cmd = args[0].ToUpperInvariant();
        switch (cmd)
        {
            case "PING": return args.Count > 1 ? Bulk(args[1]) : "+PONG\r\n";
            case "ECHO" when args.Count == 2: return Bulk(args[1]);
            case "GET" when args.Count == 2: return _data.TryGetValue(args[1], out var v) ? Bulk(v) : "$-1\r\n";
            case "SET" when args.Count >= 3: _data[args[1]] = args[2]; return "+OK\r\n";
            case "DEL" when args.Count >= 2: return ":" + args.Skip(1).Count(k => _data.Remove(k)).ToString(CultureInfo.InvariantCulture) + "\r\n";
            case "EXISTS" when args.Count >= 2: return ":" + args.Skip(1).Count(_data.ContainsKey).ToString(CultureInfo.InvariantCulture) + "\r\n";
            case "PING" or "ECHO" or "GET" or "SET" or "DEL" or "EXISTS":
                return $"-ERR wrong number of arguments for '{args[0].ToLowerInvariant()}' command\r\n";
            default:
                var rest = string.Join(" ", args.Skip(1).Select(a => "'" + a + "'"));
                return $"-ERR unknown command '{args[0]}', with args beginning with: {rest}{(rest.Length > 0 ? " " : "")}\r\n";
        }
    }

    private static string Bulk(string v) => "$" + Encoding.UTF8.GetByteCount(v).ToString(CultureInfo.InvariantCulture) + "\r\n" + v + "\r\n";

    /// <summary>Takes one complete command (RESP array or inline) off the front of <paramref name="buf"/>.</summary>
    public static bool TryParse(StringBuilder buf, out List<string> args)
    {
        args = [];
        var text = buf.ToString();
        if (text.Length == 0) return false;
        if (text[0] != '*')
        {
            var nl = text.IndexOf('\n', StringComparison.Ordinal);
            if (nl < 0) return false;
            args = text[..nl].TrimEnd('\r').Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
            buf.Remove(0, nl + 1);
            return true;
        }
        int pos = 0;
        if (!ReadLine(text, ref pos, out var countLine) || !int.TryParse(countLine[1..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var count)) return false;
        for (int i = 0; i < count; i++)
        {
            if (!ReadLine(text, ref pos, out var lenLine) || lenLine.Length < 2 || lenLine[0] != '$'
                || !int.TryParse(lenLine[1..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var len)) return false;
            if (pos + len + 2 > text.Length) return false;
            args.Add(text.Substring(pos, len));
            pos += len + 2;
        }
        buf.Remove(0, pos);
        return true;
    }

    private static bool ReadLine(string text, ref int pos, out string line)
    {
        var nl = text.IndexOf("\r\n", pos, StringComparison.Ordinal);
        if (nl < 0)
        {
            line = "";
            return false;
        }
        line = text[pos..nl];
        pos = nl + 2;
        return true;
    }
}

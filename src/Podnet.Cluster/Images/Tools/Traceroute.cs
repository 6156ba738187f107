using System.Globalization;
using System.Text;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Wire;

namespace Podnet.Cluster.Images.Tools;

/// <summary>
/// <c>traceroute [-n] [-m MAX] [-q N] [-w S] HOST</c> (the classic UDP method, ports from 33434):
/// one probe per TTL reads the ICMP time exceeded / port unreachable with IP_RECVERR, as traceroute does.
/// </summary>
public static class Traceroute
{
    /// <summary>Runs traceroute; exit 0 when the destination answered.</summary>
    public static async Task<int> RunAsync(ToolContext ctx, IReadOnlyList<string> args)
    {
        int maxHops = 30, queries = 3;
        double wait = 5;
        string? target = null;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-m" when i + 1 < args.Count: maxHops = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "-q" when i + 1 < args.Count: queries = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "-w" when i + 1 < args.Count: wait = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "-n": break;
                default: if (!args[i].StartsWith('-')) target = args[i]; break;
            }
        }
        if (target is null)
        {
            ctx.Err.Append("Usage: traceroute [ -46dFITnreAUDV ] [ -f first_ttl ] [ -m max_ttl ] host\n");
            return 2;
        }
        var addr = await NameLookup.ResolveAsync(ctx, target);
        if (addr is null)
        {
            ctx.Err.Append($"{target}: Name or service not known\nCannot handle \"host\" cmdline arg `{target}' on position 1 (argc 1)\n");
            return 2;
        }
        var ip = Ipv4Address.Format(addr.Value);
        ctx.Out.Append($"traceroute to {target} ({ip}), {maxHops.ToString(CultureInfo.InvariantCulture)} hops max, 60 byte packets\n");
        ushort port = 33434;
        for (int ttl = 1; ttl <= maxHops; ttl++)
        {
            var line = new StringBuilder(ttl.ToString(CultureInfo.InvariantCulture).PadLeft(2));
            uint? last = null;
            bool reached = false;
            for (int q = 0; q < queries; q++)
            {
                var s = ctx.Process.Namespace.Udp.Open();
                s.Ttl = (byte)ttl;
                s.ReceiveErrors = true;
                s.Trace = ctx.NewTrace($"traceroute ttl {ttl.ToString(CultureInfo.InvariantCulture)}");
                s.Connect(addr.Value, port++);
                var start = ctx.Process.Loop.Now;
                s.Send(new byte[32]);
                var r = await s.ReceiveAsync(TimeSpan.FromSeconds(wait));
                var rtt = (ctx.Process.Loop.Now - start).TotalMilliseconds;
                s.Close();
                if (r.Error is Errno.EAGAIN or Errno.None)
                {
                    line.Append("  *");
                    continue;
                }
                var from = r.ErrorOrigin;
                if (from != last)
                {
                    var f = Ipv4Address.Format(from);
                    line.Append("  ").Append(f).Append(" (").Append(f).Append(')');
                    last = from;
                }
                line.Append(string.Create(CultureInfo.InvariantCulture, $"  {rtt:0.000} ms"));
                if (!r.TimeExceeded) reached = true;
            }
            ctx.Out.Append(line).Append('\n');
            if (reached) return 0;
        }
        return 0;
    }
}

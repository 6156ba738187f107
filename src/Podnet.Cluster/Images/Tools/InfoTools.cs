using System.Globalization;
using System.Text;
using Podnet.Kernel.Tools;
using Podnet.Kernel.Wire;

namespace Podnet.Cluster.Images.Tools;

/// <summary><c>cat</c> of the mounted files, <c>hostname</c>, <c>env</c>, <c>ss -tlnp</c> / <c>-ulnp</c>, and <c>ip</c>/<c>bridge</c> through the kernel's tools.</summary>
public static class InfoTools
{
    /// <summary>cat FILE...</summary>
    public static int Cat(ToolContext ctx, IReadOnlyList<string> args)
    {
        int rc = 0;
        foreach (var f in args)
        {
            if (ctx.Process.Files.TryGetValue(f, out var text)) ctx.Out.Append(text);
            else
            {
                ctx.Err.Append($"cat: {f}: No such file or directory\n");
                rc = 1;
            }
        }
        return rc;
    }

    /// <summary>env.</summary>
    public static int Env(ToolContext ctx)
    {
        foreach (var (k, v) in ctx.Process.Environment) ctx.Out.Append(k).Append('=').Append(v).Append('\n');
        return 0;
    }

    /// <summary>ss -t/-u -l -n [-p].</summary>
    public static int Ss(ToolContext ctx, IReadOnlyList<string> args, IReadOnlyDictionary<(string Proto, int Port), string> owners)
    {
        var flags = string.Concat(args.Where(a => a.StartsWith('-')).Select(a => a.TrimStart('-')));
        bool tcp = flags.Contains('t', StringComparison.Ordinal) || !flags.Contains('u', StringComparison.Ordinal);
        bool udp = flags.Contains('u', StringComparison.Ordinal);
        bool proc = flags.Contains('p', StringComparison.Ordinal);
        var rows = new List<string[]>();
        if (tcp)
            foreach (var l in ctx.Process.Namespace.Tcp.Listeners.OrderBy(l => l.LocalEndpoint.Port))
                rows.Add(["LISTEN", "0", l.Backlog.ToString(CultureInfo.InvariantCulture), Ep(l.LocalEndpoint.Address, l.LocalEndpoint.Port), "0.0.0.0:*", Owner(owners, "tcp", l.LocalEndpoint.Port, proc)]);
        if (udp)
            foreach (var s in ctx.Process.Namespace.Udp.Sockets.Where(s => s.IsBound).OrderBy(s => s.LocalEndpoint.Port))
                rows.Add(["UNCONN", "0", "0", Ep(s.LocalEndpoint.Address, s.LocalEndpoint.Port), "0.0.0.0:*", Owner(owners, "udp", s.LocalEndpoint.Port, proc)]);
        var header = new[] { "State", "Recv-Q", "Send-Q", "Local Address:Port", "Peer Address:Port", "Process" };
        var all = new List<string[]> { header };
        all.AddRange(rows);
        var widths = Enumerable.Range(0, 6).Select(i => all.Max(r => r[i].Length)).ToArray();
        foreach (var r in all)
        {
            var sb = new StringBuilder();
            sb.Append(r[0].PadRight(widths[0])).Append(' ').Append(r[1].PadRight(widths[1])).Append(' ').Append(r[2].PadRight(widths[2])).Append(' ');
            sb.Append(r[3].PadLeft(widths[3])).Append(' ').Append(r[4].PadRight(widths[4])).Append(' ').Append(r[5]);
            ctx.Out.Append(sb.ToString().TrimEnd()).Append('\n');
        }
        return 0;
    }

    private static string Ep(uint a, ushort p) => (a == 0 ? "0.0.0.0" : Ipv4Address.Format(a)) + ":" + p.ToString(CultureInfo.InvariantCulture);

    private static string Owner(IReadOnlyDictionary<(string, int), string> owners, string proto, int port, bool show) =>
        show && owners.TryGetValue((proto, port), out var name) ? $"users:((\"{name}\",pid=1,fd=3))" : "";

    /// <summary>ip / bridge / sysctl through the kernel's text tools.</summary>
    public static int Kernel(ToolContext ctx, IReadOnlyList<string> argv)
    {
        var r = KernelShell.Execute(ctx.Process.Namespace.World, ctx.Process.Namespace, argv);
        ctx.Out.Append(r.Stdout);
        ctx.Err.Append(r.Stderr);
        return r.ExitCode;
    }
}

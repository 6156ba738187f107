using Podnet.Kernel.Netfilter;

namespace Podnet.Cluster.Images.Tools;

/// <summary>
/// The command dispatcher of a container's (or node's) shell: argv[0] picks the tool, as
/// <c>execve</c> would find it on PATH. <c>sh -c "CMD"</c> runs one simple command.
/// </summary>
public static class ToolRunner
{
    /// <summary>Runs <paramref name="argv"/>; returns the exit code (127 for an unknown command, as a shell says).</summary>
    public static async Task<int> RunAsync(ToolContext ctx, IReadOnlyList<string> argv, IReadOnlyDictionary<(string, int), string>? owners = null)
    {
        if (argv.Count == 0) return 0;
        var name = argv[0].Split('/')[^1];
        var args = argv.Skip(1).ToList();
        var nf = ctx.Process.Namespace.Netfilter as Netfilter;
        switch (name)
        {
            case "sh" or "bash" or "ash" when args.Count >= 2 && args[0] == "-c":
                return await RunAsync(ctx, Kernel.Tools.CommandLine.Split(args[1]), owners);
            case "curl": return await Curl.RunAsync(ctx, args);
            case "wget":
            {
                // busybox wget -qO- URL → curl semantics for the transfer, wget's messages for failures
                var url = args.LastOrDefault(a => !a.StartsWith('-')) ?? "";
                var sub = new ToolContext(ctx.Process, ctx.Flavor, false);
                var rc = await Curl.RunAsync(sub, ["-s", "-S", url]);
                ctx.Out.Append(sub.Out);
                ctx.Traces.AddRange(sub.Traces);
                if (rc != 0)
                {
                    var host = Runtime.ClusterRuntime.HostOf(url) ?? url;
                    ctx.Err.Append(rc switch
                    {
                        6 => $"wget: bad address '{host}'\n",
                        7 => "wget: can't connect to remote host: Connection refused\n",
                        _ => "wget: download timed out\n",
                    });
                    return 1;
                }
                return 0;
            }
            case "nc" or "netcat": return await NetTools.NcAsync(ctx, args);
            case "ping": return await NetTools.PingAsync(ctx, args);
            case "redis-cli": return await NetTools.RedisCliAsync(ctx, args);
            case "nslookup": return await DnsTools.NslookupAsync(ctx, args);
            case "dig": return await DnsTools.DigAsync(ctx, args);
            case "traceroute": return await Traceroute.RunAsync(ctx, args);
            case "tcpdump": return await TcpdumpTool.RunAsync(ctx, args);
            case "cat": return InfoTools.Cat(ctx, args);
            case "hostname": ctx.Out.Append(ctx.Process.Hostname).Append('\n'); return 0;
            case "env" or "printenv": return InfoTools.Env(ctx);
            case "ss" or "netstat": return InfoTools.Ss(ctx, args, owners ?? new Dictionary<(string, int), string>());
            case "ip" or "bridge" or "sysctl": return InfoTools.Kernel(ctx, argv);
            case "true": return 0;
            case "false": return 1;
            case "echo": ctx.Out.Append(string.Join(' ', args)).Append('\n'); return 0;
            case "iptables-save" when nf is not null:
            {
                var t = args.IndexOf("-t");
                ctx.Out.Append(nf.IptablesSave(t >= 0 && t + 1 < args.Count ? args[t + 1] : null, args.Contains("-c")));
                return 0;
            }
            case "iptables" when nf is not null: return Emit(ctx, nf.IptablesCommand([.. args]));
            case "nft" when nf is not null: return Emit(ctx, nf.Nft(args));
            case "conntrack" when nf is not null: return Emit(ctx, nf.ConntrackCommand(args));
            case "ipvsadm" when nf is not null: return Emit(ctx, nf.Ipvsadm(args));
            case "ipset" when nf is not null: return Emit(ctx, nf.Ipset(args));
            case "iptables-save" or "iptables" or "nft" or "conntrack" or "ipvsadm" or "ipset":
                ctx.Err.Append($"{name}: can't initialize {name}: Permission denied (you must be root)\n");
                return 3;
            default:
                ctx.Err.Append($"exec: \"{argv[0]}\": executable file not found in $PATH\n");
                return 127;
        }
    }

    private static int Emit(ToolContext ctx, Kernel.Netfilter.ToolResult r)
    {
        ctx.Out.Append(r.Stdout);
        ctx.Err.Append(r.Stderr);
        return r.ExitCode;
    }
}

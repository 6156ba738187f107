using System.Net;
using Podnet.Cluster.Dns.Resolver;
using Podnet.Cluster.Images.Dns;

namespace Podnet.Cluster.Images.Tools;

/// <summary><c>nslookup NAME [SERVER]</c> over the network, printed by the DNS part's printer.</summary>
public static class DnsTools
{
    /// <summary>nslookup.</summary>
    public static async Task<int> NslookupAsync(ToolContext ctx, IReadOnlyList<string> args)
    {
        var pos = args.Where(a => !a.StartsWith('-')).ToList();
        if (pos.Count == 0)
        {
            ctx.Err.Append("nslookup: interactive mode is not available in podnet exec\n");
            return 1;
        }
        var conf = ctx.ResolvConf;
        if (pos.Count > 1)
        {
            var server = await NameLookup.ResolveAsync(ctx, pos[1]);
            if (server is null)
            {
                ctx.Err.Append($";; Got SERVFAIL reply from {pos[1]}\n");
                return 1;
            }
            conf = conf with { Nameservers = [NameLookup.Ip(server.Value)] };
        }
        if (conf.Nameservers.Count == 0)
        {
            ctx.Err.Append(";; no servers could be reached\n");
            return 1;
        }
        var result = await NetworkResolver.ResolveAsync(ctx.Process.Namespace, conf, ResolverFlavor.Dig, pos[0], AddressRequest.Both, ctx.NewTrace("nslookup " + pos[0]));
        var text = NslookupPrinter.Print(result, conf.Nameservers[0]);
        ctx.Out.Append(text);
        return result.Outcome == ResolverOutcome.Found ? 0 : 1;
    }
}

using System.Net;
using Podnet.Cluster.Dns.Resolver;
using Podnet.Cluster.Dns.Wire;
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

    /// <summary>dig [@SERVER] NAME [TYPE] [+short] [+search]: one query (no search list unless +search), printed by bind9's format.</summary>
    public static async Task<int> DigAsync(ToolContext ctx, IReadOnlyList<string> args)
    {
        string? server = null, name = null;
        var type = DnsRecordType.A;
        bool shortOut = false, search = false;
        foreach (var a in args)
        {
            if (a.StartsWith('@')) server = a[1..];
            else if (a == "+short") shortOut = true;
            else if (a == "+search") search = true;
            else if (a.StartsWith('+') || a.StartsWith('-')) continue;
            else if (name is not null && Enum.TryParse<DnsRecordType>(a, true, out var t)) type = t;
            else name ??= a;
        }
        name ??= ".";
        var conf = ctx.ResolvConf;
        IPAddress srv;
        if (server is not null)
        {
            var s = await NameLookup.ResolveAsync(ctx, server);
            if (s is null)
            {
                ctx.Err.Append($"dig: couldn't get address for '{server}': not found\n");
                return 10;
            }
            srv = NameLookup.Ip(s.Value);
        }
        else if (conf.Nameservers.Count > 0) srv = conf.Nameservers[0];
        else
        {
            ctx.Err.Append(";; no servers could be reached\n");
            return 9;
        }
        var qname = name;
        if (search)
        {
            var r = await NetworkResolver.LookupAsync(ctx.Process.Namespace, conf with { Nameservers = [srv] }, ResolverFlavor.Dig, name, [type], ctx.NewTrace("dig " + name));
            qname = r.Decisive?.QName ?? name;
        }
        var query = DnsMessage.Query((ushort)ctx.Process.Loop.Random.Next(1, 65535), qname, type, 1232);
        var start = ctx.NowMs;
        var resp = await DnsUdp.ExchangeAsync(ctx.Process.Namespace, srv, query, TimeSpan.FromSeconds(5), ctx.NewTrace("dig " + qname));
        if (resp is null)
        {
            ctx.Out.Append($";; communications error to {srv}#53: timed out\n");
            return 9;
        }
        if (shortOut)
        {
            foreach (var rr in resp.Answers) ctx.Out.Append(rr.Data.ToPresentation()).Append('\n');
            return 0;
        }
        var size = DnsMessageWriter.Write(resp).Length;
        ctx.Out.Append(DigPrinter.Print(resp, size, new DigContext(string.Join(' ', args), srv, QueryTimeMs: (int)(ctx.NowMs - start), When: ctx.Process.Now, ServerGiven: server is not null)));
        return 0;
    }
}

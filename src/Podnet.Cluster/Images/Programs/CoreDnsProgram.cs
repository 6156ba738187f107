using System.Globalization;
using System.Net;
using Podnet.Cluster.Dns;
using Podnet.Cluster.Dns.CoreDns;
using Podnet.Cluster.Dns.Resolver;
using Podnet.Cluster.Dns.Wire;
using Podnet.Cluster.Images.Dns;
using Podnet.Kernel.Sockets;

namespace Podnet.Cluster.Images.Programs;

/// <summary>
/// The <c>coredns</c> image: a UDP server on port 53 of the pod whose answers come from the DNS
/// part's CoreDNS (the Corefile from the <c>coredns</c> ConfigMap, the kubernetes plugin over the
/// cluster's objects). The <c>forward</c> plugin's upstream exchange goes over the emulated network
/// to the nameservers of the pod's own resolv.conf (dnsPolicy Default: the node's).
/// </summary>
public sealed class CoreDnsProgram(string corefile, Func<DnsClusterView> view) : ContainerProgram
{
    /// <inheritdoc/>
    public override string ProcessName => "coredns";

    // The synchronous handler cannot await the upstream exchange: the first pass throws NeedExchange,
    // the exchange runs over the emulated network, and the query is answered again with the reply
    // waiting here. Each reply is handed out once (to that retry), so the only memory of forwarded
    // answers is CoreDNS's own `cache` plugin, which stores the retry's answer for its TTL.
    private sealed class Upstream : IDnsForwarder
    {
        public readonly Dictionary<string, DnsMessage?> Known = [];
        public DnsMessage? Pending;

        public DnsMessage? Forward(DnsMessage query, IReadOnlyList<string> upstreams)
        {
            var key = string.Join(",", query.Questions.Select(q => q.Name + "/" + q.Type));
            if (Known.Remove(key, out var a)) return a;
            Pending = query;
            throw new ReplayTransport.NeedExchange(IPAddress.None, query);
        }
    }

    /// <inheritdoc/>
    public override async Task<int> RunAsync(ProcessContext ctx)
    {
        var (sock, err) = ctx.Namespace.Udp.Bind(0, 53);
        if (sock is null)
        {
            ctx.Log.Line($"Listen: listen udp :53: bind: {err.Message().ToLowerInvariant()}");
            return 1;
        }
        var upstream = new Upstream();
        var own = ctx.Namespace.Addresses.Where(a => a.Device.Name == "eth0").Select(a => IPAddress.Parse(Kernel.Wire.Ipv4Address.Format(a.Address))).ToList();
        var server = new CoreDnsServer(corefile, view, ctx.Loop, upstream, own);
        var conf = ctx.Files.TryGetValue("/etc/resolv.conf", out var rc) ? ResolvConf.Parse(rc) : new ResolvConf();
        StartHealthEndpoints(ctx, corefile);
        ctx.Log.Line(".:53");
        ctx.Log.Line("CoreDNS-1.12.1");
        ctx.Log.Line("linux/amd64, go1.24.1, 707c7c1");
        while (true)
        {
            var r = await sock.ReceiveAsync();
            if (r.Error == Errno.EINVAL) return 0;
            if (!r.Ok || !DnsMessageReader.TryParse(r.Data, out var query, out _) || query is null) continue;
            _ = AnswerAsync(ctx, sock, server, upstream, conf, query, r.From);
        }
    }

    private static async Task AnswerAsync(ProcessContext ctx, UdpSocket sock, CoreDnsServer server, Upstream upstream, ResolvConf conf, DnsMessage query, Ipv4Endpoint from)
    {
        DnsMessage answer;
        for (int guard = 0; ; guard++)
        {
            try
            {
                answer = server.Answer(query);
                break;
            }
            catch (ReplayTransport.NeedExchange) when (guard < 8)
            {
                var q = upstream.Pending!;
                DnsMessage? got = null;
                foreach (var ns in conf.Nameservers)
                {
                    got = await DnsUdp.ExchangeAsync(ctx.Namespace, ns, q, TimeSpan.FromSeconds(2));
                    if (got is not null) break;
                }
                upstream.Known[string.Join(",", q.Questions.Select(x => x.Name + "/" + x.Type))] = got;
            }
        }
        var q0 = query.Questions.FirstOrDefault();
        if (q0 is not null)
        {
            ctx.Log.Line($"[INFO] {Kernel.Wire.Ipv4Address.Format(from.Address)}:{from.Port.ToString(CultureInfo.InvariantCulture)} - {query.Header.Id.ToString(CultureInfo.InvariantCulture)} \"{q0.Type} IN {q0.Name} udp {DnsMessageWriter.Write(query).Length.ToString(CultureInfo.InvariantCulture)} false 512\" {answer.Header.Rcode.ToString().ToUpperInvariant()} qr,aa,rd {DnsMessageWriter.Write(answer).Length.ToString(CultureInfo.InvariantCulture)} 0.000000s");
        }
        sock.SendTo(DnsMessageWriter.Write(answer, 512), from.Address, from.Port);
    }

    /// <summary>
    /// The <c>health</c> plugin (GET /health on :8080, answering <c>OK</c>) and the <c>ready</c> plugin
    /// (GET /ready on :8181, <c>OK</c> once the server is up), when the Corefile names them; an explicit
    /// address (<c>health :8090</c>) moves the port. The kubelet's probes of the CoreDNS pods hit these.
    /// </summary>
    private static void StartHealthEndpoints(ProcessContext ctx, string corefile)
    {
        foreach (var (plugin, path, defaultPort) in new[] { ("health", "/health", 8080), ("ready", "/ready", 8181) })
        {
            var line = corefile.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l == plugin || l.StartsWith(plugin + " ", StringComparison.Ordinal));
            if (line is null) continue;
            var port = defaultPort;
            var arg = line[plugin.Length..].Trim().TrimEnd('{').Trim();
            var colon = arg.LastIndexOf(':');
            if (colon >= 0 && int.TryParse(arg[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var p)) port = p;
            var (_, err) = Http.HttpServer.Start(ctx, port, (req, _) => req.Path == path
                ? Http.HttpResponse.Text(200, "OK", "OK")
                : Http.HttpResponse.Text(404, "Not Found", "404 page not found\n"));
            if (err != Errno.None) ctx.Log.Line($"[ERROR] plugin/{plugin}: listen tcp :{port.ToString(CultureInfo.InvariantCulture)}: bind: {err.Message().ToLowerInvariant()}");
        }
    }
}

using System.Globalization;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Dns.Resolver;
using Podnet.Cluster.Images.Dns;
using Podnet.Cluster.Images.Http;
using Podnet.Cluster.Images.Tls;
using Podnet.Cluster.Ingresses;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Tracing;
using Podnet.Kernel.Wire;

namespace Podnet.Cluster.Images.Programs;

/// <summary>
/// The <c>registry.k8s.io/ingress-nginx/controller</c> image: the controller reads the cluster's
/// Ingresses, IngressClasses, Services, EndpointSlices and Secrets (<paramref name="objects"/>, the
/// informers' view), builds its routing table (<see cref="IngressRouteTable"/>) and serves it as
/// nginx does: HTTP/1.1 on port 80 (and 443 when the <see cref="IngressNginxTls"/> seam is given),
/// a default backend on 127.0.0.1:8181 that answers 404, <c>/healthz</c> on 10254. Each request is
/// routed by host and path, redirected, refused or proxied over a new TCP connection from the pod
/// straight to an endpoint pod IP (round-robin per upstream, up to 3 tries) with nginx's proxy
/// headers; the decision is written into the flow trace between the two connections, and the access
/// log line goes to the container log in ingress-nginx's default format.
/// </summary>
public sealed class IngressNginxProgram(Func<IReadOnlyList<KubeObject>> objects, IngressNginxTls? tls = null) : ContainerProgram
{
    /// <summary>The port of the controller's internal default backend (<c>ListenPorts.Default</c>).</summary>
    public const int DefaultBackendPort = 8181;

    /// <summary>The health port (<c>--healthz-port</c>).</summary>
    public const int HealthzPort = 10254;

    /// <summary>nginx's <c>proxy-connect-timeout</c> (5 s).</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>nginx's <c>proxy-read-timeout</c> (60 s).</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, int> _roundRobin = new(StringComparer.Ordinal);
    private IngressRouteTable _table = null!;
    private IReadOnlyList<KubeObject> _objects = [];
    private ProcessContext _ctx = null!;

    /// <inheritdoc/>
    public override string ProcessName => "nginx";

    /// <summary>The routing table in force (after start).</summary>
    public IngressRouteTable Table => _table;

    /// <inheritdoc/>
    public override async Task<int> RunAsync(ProcessContext ctx)
    {
        _ctx = ctx;
        _objects = objects();
        _table = IngressRouteTable.Build(_objects);
        ctx.Log.Line("-------------------------------------------------------------------------------");
        ctx.Log.Line("NGINX Ingress controller");
        ctx.Log.Line("  Release:       v" + IngressNginxInstall.Version);
        ctx.Log.Line("  Repository:    https://github.com/kubernetes/ingress-nginx");
        ctx.Log.Line("  nginx version: nginx/1.25.5");
        ctx.Log.Line("");
        ctx.Log.Line("-------------------------------------------------------------------------------");
        ctx.Log.Line("");
        foreach (var w in _table.Warnings) ctx.Log.Line(Klog('W', w));
        foreach (var ing in _table.Ingresses) ctx.Log.Line(Klog('I', $"\"Found valid IngressClass\" ingress=\"{ing.Namespace}/{ing.Name}\" ingressclass=\"{ing.Spec.IngressClassName ?? IngressClassFilter.DefaultClassName}\""));

        var (http, err) = ctx.Namespace.Tcp.Listen(0, 80, 4096);
        if (http is null)
        {
            ctx.Log.Line($"{ErrorStamp()} [emerg] 27#27: bind() to 0.0.0.0:80 failed ({(int)err}: {err.Message()})");
            return 1;
        }
        var serving = new List<Task> { AcceptLoop(http, "http") };
        if (tls is not null)
        {
            var (https, err2) = ctx.Namespace.Tcp.Listen(0, 443, 4096);
            if (https is null)
            {
                ctx.Log.Line($"{ErrorStamp()} [emerg] 27#27: bind() to 0.0.0.0:443 failed ({(int)err2}: {err2.Message()})");
                return 1;
            }
            serving.Add(AcceptLoop(https, "https"));
        }
        serving.Add(StartDefaultBackend());
        var (health, _) = HttpServer.Start(ctx, HealthzPort, (req, _) => req.Path == "/healthz"
            ? HttpResponse.Text(200, "OK", "ok", "text/plain; charset=utf-8")
            : HttpResponse.Text(404, "Not Found", "404 page not found\n", "text/plain; charset=utf-8"));
        if (health is not null) serving.Add(health);
        ctx.Log.Line(Klog('I', "\"Backend successfully reloaded\""));
        await Task.WhenAll(serving);
        return 0;
    }

    private Task StartDefaultBackend()
    {
        var (listener, _) = _ctx.Namespace.Tcp.Listen(Ipv4Address.Loopback, DefaultBackendPort, 4096);
        if (listener is null) return Task.CompletedTask;
        return DefaultBackendLoop(listener);
    }

    // the default server of nginx.conf on 127.0.0.1:8181: `location / { return 404; }`, access_log off
    private async Task DefaultBackendLoop(TcpListener listener)
    {
        while (await listener.AcceptAsync() is { } s)
            _ = ServeDefault(s);
    }

    private async Task ServeDefault(TcpSocket s)
    {
        var conn = new IngressNginxHttp(new TcpSocketStream(s));
        try
        {
            while (await conn.ReadRequestAsync() is { } r)
                await conn.WriteResponseAsync(IngressNginxPages.Page(404, _ctx.Now), r.Request.Method != "HEAD");
        }
        catch (IOException)
        {
        }
        s.Close();
    }

    private string Klog(char level, string msg) =>
        level + _ctx.Now.UtcDateTime.ToString("MMdd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "       7 controller] " + msg;

    private string ErrorStamp() => _ctx.Now.UtcDateTime.ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture);

    private async Task AcceptLoop(TcpListener listener, string scheme)
    {
        while (await listener.AcceptAsync() is { } s)
            _ = ServeConnection(s, scheme);
    }

    private async Task ServeConnection(TcpSocket socket, string scheme)
    {
        Stream stream = new TcpSocketStream(socket) { ReceiveTimeout = TimeSpan.FromSeconds(75) };
        try
        {
            if (scheme == "https")
            {
                var selector = new IngressCertificateSelector(_table, _objects as IReadOnlyCollection<KubeObject> ?? _objects.ToList());
                var accepted = await tls!.AcceptAsync(stream, sni =>
                {
                    var choice = selector.SelectCertificate(sni);
                    if (choice.Problem is { } p) _ctx.Log.Line(Klog('W', p));
                    return choice;
                });
                if (accepted is null)
                {
                    socket.Close();
                    return;
                }
                stream = accepted.Value.Stream;
            }
            var conn = new IngressNginxHttp(stream);
            while (await conn.ReadRequestAsync() is { } r)
            {
                var keep = !string.Equals(r.Request.Header("Connection"), "close", StringComparison.OrdinalIgnoreCase);
                var resp = await HandleAsync(r.Request, r.Length, scheme, socket, keep);
                await conn.WriteResponseAsync(resp, r.Request.Method != "HEAD");
                if (!keep) break;
            }
        }
        catch (IOException)
        {
        }
        socket.Close();
    }

    /// <summary>One request: decide, then answer or proxy; logs the access line.</summary>
    private async Task<HttpResponse> HandleAsync(HttpRequest req, int requestLength, string scheme, TcpSocket client, bool keepAlive)
    {
        var start = _ctx.Loop.Now;
        var current = objects();
        if (!ReferenceEquals(current, _objects))
        {
            // the informers saw a change: rebuild the configuration (a reload)
            _objects = current;
            _table = IngressRouteTable.Build(_objects);
            _ctx.Log.Line(Klog('I', "\"Backend successfully reloaded\""));
        }
        var clientIp = Ipv4Address.Format(client.RemoteEndpoint.Address);
        var reqId = RequestId();
        var decision = _table.Decide(new IngressRequest(scheme, req.Header("Host"), req.Target, clientIp));
        client.Trace?.Add(new TraceStep(TraceStepKind.Note, _ctx.Namespace.Name, null, "ingress-nginx L7: " + decision.Describe(),
            new Dictionary<string, string>
            {
                ["pod"] = _ctx.PodNamespace + "/" + _ctx.PodName,
                ["server"] = decision.Server.Hostname,
                ["location"] = decision.Location?.NginxText ?? "",
                ["ingress"] = decision.Location?.Source?.IngressKey ?? "",
                ["upstream"] = decision.UpstreamName,
            }));
        HttpResponse resp;
        string? upstreamAddr = null;
        int? upstreamLen = null, upstreamStatus = null;
        double? upstreamTime = null;
        switch (decision.Action)
        {
            case IngressAction.Redirect:
                resp = IngressNginxPages.Page(decision.Status, _ctx.Now, decision.RedirectTo, keepAlive);
                break;
            case IngressAction.Forbidden:
                resp = IngressNginxPages.Page(403, _ctx.Now, null, keepAlive);
                _ctx.Log.Line($"{ErrorStamp()} [error] 27#27: *1 access forbidden by rule, client: {clientIp}, server: {decision.Server.Hostname}, request: \"{req.Method} {req.Target} {req.Version}\", host: \"{req.Header("Host")}\"");
                break;
            case IngressAction.NoLocation:
                resp = IngressNginxPages.Page(404, _ctx.Now, null, keepAlive);
                break;
            default:
            {
                var result = await ProxyAsync(req, decision, scheme, clientIp, reqId, client.Trace);
                resp = result.Response;
                upstreamAddr = result.Address;
                upstreamLen = result.Address is null ? null : result.UpstreamLength;
                upstreamStatus = result.Address is null ? null : result.UpstreamStatus;
                upstreamTime = result.Address is null ? null : (_ctx.Loop.Now - start).TotalSeconds;
                resp = Finish(resp, scheme, keepAlive);
                break;
            }
        }
        _ctx.Log.Line(IngressNginxPages.AccessLog(new IngressNginxPages.AccessLogEntry(
            clientIp, _ctx.Now, $"{req.Method} {req.Target} {req.Version}", resp.Status, req.Method == "HEAD" ? 0 : resp.Body.Length, req.Header("Referer"), req.Header("User-Agent"),
            requestLength, (_ctx.Loop.Now - start).TotalSeconds, decision.UpstreamName, upstreamAddr, upstreamLen, upstreamTime, upstreamStatus, reqId)));
        return resp;
    }

    // nginx replaces the upstream's Server/Date/Connection and sends its own; HSTS on https
    private HttpResponse Finish(HttpResponse upstream, string scheme, bool keepAlive)
    {
        var h = new List<(string, string)> { ("Server", "nginx"), ("Date", IngressNginxPages.HttpDate(_ctx.Now)) };
        var hop = new[] { "Server", "Date", "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length" };
        var ct = upstream.Header("Content-Type");
        if (ct is not null) h.Add(("Content-Type", ct));
        h.Add(("Content-Length", upstream.Body.Length.ToString(CultureInfo.InvariantCulture)));
        h.Add(("Connection", keepAlive ? "keep-alive" : "close"));
        foreach (var (n, v) in upstream.Headers)
            if (!hop.Contains(n, StringComparer.OrdinalIgnoreCase) && !n.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) h.Add((n, v));
        if (scheme == "https") h.Add(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"));
        return upstream with { Headers = h };
    }

    private string RequestId()
    {
        Span<byte> b = stackalloc byte[16];
        _ctx.Loop.Random.NextBytes(b);
        return Convert.ToHexStringLower(b);
    }

    private sealed record ProxyResult(HttpResponse Response, string? Address, int UpstreamLength, int UpstreamStatus);

    private async Task<ProxyResult> ProxyAsync(HttpRequest req, IngressDecision decision, string scheme, string clientIp, string reqId, ITraceSink? trace)
    {
        var backend = decision.Backend;
        IReadOnlyList<IngressEndpoint> endpoints;
        string? externalName = null;
        var protocol = decision.Location?.Annotations.BackendProtocol ?? "HTTP";
        if (backend is null)
        {
            endpoints = [new IngressEndpoint("127.0.0.1", DefaultBackendPort, null, null, null)];
            protocol = "HTTP";
        }
        else
        {
            var up = IngressUpstream.Resolve(backend, _objects);
            if (up.Endpoints.Count == 0)
            {
                _ctx.Log.Line($"{ErrorStamp()} [error] 27#27: *1 [lua] balancer.lua: balance(): no endpoints available for {up.Name} ({up.Problem}), client: {clientIp}, server: {decision.Server.Hostname}, request: \"{req.Method} {req.Target} {req.Version}\", host: \"{req.Header("Host")}\"");
                trace?.Add(new TraceStep(TraceStepKind.Note, _ctx.Namespace.Name, null, $"ingress-nginx: upstream {up.Name} has no endpoints: 503"));
                return new ProxyResult(IngressNginxPages.Page(503, _ctx.Now), "0.0.0.1:80", 0, 503);
            }
            endpoints = up.Endpoints;
            externalName = up.ExternalName;
        }
        if (protocol is "GRPC" or "GRPCS" or "FCGI" || (protocol == "HTTPS" && tls?.ConnectAsync is null) || (protocol == "GRPCS" && tls?.ConnectAsync is null))
        {
            _ctx.Log.Line($"{ErrorStamp()} [error] 27#27: *1 podnet: backend-protocol {protocol} is not emulated (upstream {decision.UpstreamName})");
            return new ProxyResult(IngressNginxPages.Page(502, _ctx.Now), null, 0, 502);
        }
        var name = decision.UpstreamName;
        var first = _roundRobin.TryGetValue(name, out var rr) ? rr : 0;
        _roundRobin[name] = (first + 1) % endpoints.Count;
        var tries = Math.Min(3, endpoints.Count);
        var addresses = new List<string>();
        var statuses = new List<string>();
        bool timedOut = false;
        for (int i = 0; i < tries; i++)
        {
            var ep = endpoints[(first + i) % endpoints.Count];
            uint address;
            if (externalName is not null)
            {
                var conf = _ctx.Files.TryGetValue("/etc/resolv.conf", out var rc) ? ResolvConf.Parse(rc) : new ResolvConf();
                var res = await NetworkResolver.ResolveAsync(_ctx.Namespace, conf, ResolverFlavor.Musl, ep.Address, AddressRequest.V4, trace);
                var a = res.Addresses.FirstOrDefault(x => x.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
                if (a is null)
                {
                    _ctx.Log.Line($"{ErrorStamp()} [error] 27#27: *1 [lua] dns.lua: resolve(): server returned error code: 3: name error, query: {ep.Address}");
                    return new ProxyResult(IngressNginxPages.Page(503, _ctx.Now), "0.0.0.1:80", 0, 503);
                }
                address = Ipv4Address.Parse(a.ToString());
            }
            else
            {
                address = Ipv4Address.Parse(ep.Address);
            }
            var addrText = Ipv4Address.Format(address) + ":" + ep.Port.ToString(CultureInfo.InvariantCulture);
            addresses.Add(addrText);
            trace?.Add(new TraceStep(TraceStepKind.Note, _ctx.Namespace.Name, null,
                $"ingress-nginx: upstream {name} peer {addrText}" + (ep.PodName is { } pod ? $" (pod {ep.PodNamespace}/{pod}" + (ep.NodeName is { } n ? $" on {n}" : "") + ")" : externalName is not null ? $" (ExternalName {externalName})" : " (default backend)") + (i > 0 ? $", try {i + 1}" : ""),
                new Dictionary<string, string> { ["upstream"] = name, ["peer"] = addrText, ["pod"] = ep.PodName is null ? "" : ep.PodNamespace + "/" + ep.PodName }));
            var sock = _ctx.Namespace.Tcp.Open();
            var err = await sock.ConnectAsync(address, (ushort)ep.Port, new TcpConnectOptions { Timeout = ConnectTimeout, Trace = trace });
            if (err != Errno.None)
            {
                sock.Abort();
                timedOut = err == Errno.ETIMEDOUT;
                statuses.Add(timedOut ? "504" : "502");
                _ctx.Log.Line($"{ErrorStamp()} [error] 27#27: *1 connect() failed ({(int)err}: {err.Message()}) while connecting to upstream, client: {clientIp}, server: {decision.Server.Hostname}, request: \"{req.Method} {req.Target} {req.Version}\", upstream: \"http://{addrText}{decision.UpstreamTarget}\", host: \"{req.Header("Host")}\"");
                continue;
            }
            Stream upstream = new TcpSocketStream(sock) { ReceiveTimeout = ReadTimeout };
            try
            {
                if (protocol is "HTTPS")
                {
                    var wrapped = await tls!.ConnectAsync!(upstream, externalName ?? ep.Address);
                    if (wrapped is null)
                    {
                        statuses.Add("502");
                        sock.Abort();
                        continue;
                    }
                    upstream = wrapped;
                }
                var conn = new IngressNginxHttp(upstream);
                await conn.WriteRequestAsync(req.Method, decision.UpstreamTarget, ProxyHeaders(req, scheme, clientIp, reqId), req.Body);
                var resp = await conn.ReadResponseAsync(req.Method == "HEAD");
                sock.Close();
                if (resp is null)
                {
                    statuses.Add("502");
                    _ctx.Log.Line($"{ErrorStamp()} [error] 27#27: *1 upstream prematurely closed connection while reading response header from upstream, client: {clientIp}, server: {decision.Server.Hostname}, request: \"{req.Method} {req.Target} {req.Version}\", upstream: \"http://{addrText}{decision.UpstreamTarget}\"");
                    continue;
                }
                statuses.Add(resp.Status.ToString(CultureInfo.InvariantCulture));
                return new ProxyResult(resp, string.Join(", ", addresses), resp.Body.Length, resp.Status) { };
            }
            catch (IOException e) when (e.InnerException is TcpSocketException { Error: Errno.EAGAIN })
            {
                sock.Abort();
                timedOut = true;
                statuses.Add("504");
                _ctx.Log.Line($"{ErrorStamp()} [error] 27#27: *1 upstream timed out (110: Connection timed out) while reading response header from upstream, client: {clientIp}, server: {decision.Server.Hostname}, request: \"{req.Method} {req.Target} {req.Version}\", upstream: \"http://{addrText}{decision.UpstreamTarget}\"");
            }
            catch (IOException e)
            {
                sock.Abort();
                statuses.Add("502");
                var errno = e.InnerException is TcpSocketException te ? (int)te.Error : e.HResult;
                _ctx.Log.Line($"{ErrorStamp()} [error] 27#27: *1 recv() failed ({errno}: {e.Message}) while reading response header from upstream, client: {clientIp}, server: {decision.Server.Hostname}, upstream: \"http://{addrText}{decision.UpstreamTarget}\"");
            }
        }
        var status = timedOut ? 504 : 502;
        return new ProxyResult(IngressNginxPages.Page(status, _ctx.Now), string.Join(", ", addresses), 0, status);
    }

    /// <summary>The headers nginx sends upstream (ingress-nginx's template with default settings).</summary>
    public static List<(string Name, string Value)> ProxyHeaders(HttpRequest req, string scheme, string clientIp, string reqId)
    {
        var host = req.Header("Host") ?? "";
        var port = scheme == "https" ? "443" : "80";
        var h = new List<(string, string)>
        {
            ("Host", host),
            ("X-Request-ID", reqId),
            ("X-Real-IP", clientIp),
            ("X-Forwarded-For", clientIp),
            ("X-Forwarded-Host", host),
            ("X-Forwarded-Port", port),
            ("X-Forwarded-Proto", scheme),
            ("X-Forwarded-Scheme", scheme),
            ("X-Scheme", scheme),
            ("X-Original-URI", req.Target),
        };
        if (req.Body.Length > 0) h.Add(("Content-Length", req.Body.Length.ToString(CultureInfo.InvariantCulture)));
        var skip = new[] { "Host", "Connection", "Keep-Alive", "Proxy", "Content-Length", "Transfer-Encoding", "X-Real-IP", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Proto", "X-Forwarded-Scheme", "X-Scheme", "X-Request-ID", "X-Original-URI" };
        foreach (var (n, v) in req.Headers)
            if (!skip.Contains(n, StringComparer.OrdinalIgnoreCase)) h.Add((n, v));
        return h;
    }
}

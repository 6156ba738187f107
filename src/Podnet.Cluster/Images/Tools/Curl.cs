using System.Globalization;
using System.Text;
using Podnet.Cluster.Images.Http;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Wire;

namespace Podnet.Cluster.Images.Tools;

/// <summary>
/// <c>curl</c> (8.x behaviour) for http:// and https:// URLs: -v, -s, -S, -I, -H, -X, -d, -k, -m/--max-time,
/// --connect-timeout, --resolve, --cacert, -o, -w '%{http_code}', with curl's error messages and exit codes
/// (6 resolve, 7 connect, 28 timeout, 35 TLS handshake, 52 empty reply, 56 receive failure, 60 peer
/// certificate, 77 CA file). TLS is real (<see cref="Tls.TlsClient"/>).
/// </summary>
public static class Curl
{
    /// <summary>curl's version string (User-Agent).</summary>
    public const string Version = "8.5.0";

    /// <summary>Runs curl with <paramref name="args"/>; returns the exit code.</summary>
    public static Task<int> RunAsync(ToolContext ctx, IReadOnlyList<string> args) => RunAsync(ctx, args, 0);

    private static async Task<int> RunAsync(ToolContext ctx, IReadOnlyList<string> args, int redirects)
    {
        bool follow = false, fail = false;
        string? output = null;
        bool verbose = false, silent = false, showError = false, head = false, insecure = false;
        string? caCert = null;
        string? method = null, data = null, url = null, writeOut = null;
        double? maxTime = null, connectTimeout = null;
        var headers = new List<(string, string)>();
        var resolve = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        args = ExpandShortFlags(args);
        for (int i = 0; i < args.Count; i++)
        {
            var a = args[i];
            string Next() => i + 1 < args.Count ? args[++i] : "";
            switch (a)
            {
                case "-v" or "--verbose": verbose = true; break;
                case "-s" or "--silent": silent = true; break;
                case "-S" or "--show-error": showError = true; break;
                case "-I" or "--head": head = true; break;
                case "-k" or "--insecure": insecure = true; break;
                case "--cacert": caCert = Next(); break;
                case "-L" or "--location": follow = true; break;
                case "-f" or "--fail": fail = true; break;
                case "-H" or "--header":
                {
                    var h = Next();
                    var c = h.IndexOf(':', StringComparison.Ordinal);
                    if (c > 0) headers.Add((h[..c].Trim(), h[(c + 1)..].Trim()));
                    break;
                }
                case "-X" or "--request": method = Next(); break;
                case "-d" or "--data": data = Next(); break;
                case "-o" or "--output": output = Next(); break;
                case "-w" or "--write-out": writeOut = Next(); break;
                case "-m" or "--max-time": maxTime = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--connect-timeout": connectTimeout = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--resolve":
                {
                    var p = Next().Split(':');
                    if (p.Length >= 3) resolve[p[0] + ":" + p[1]] = p[2];
                    break;
                }
                default:
                    if (a.StartsWith('-'))
                    {
                        ctx.Err.Append($"curl: option {a}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
                        return 2;
                    }
                    url = a;
                    break;
            }
        }
        if (url is null)
        {
            ctx.Err.Append("curl: try 'curl --help' or 'curl --manual' for more information\n");
            return 2;
        }
        bool errors = !silent || showError;
        var scheme = "http";
        var rest = url;
        var sep = url.IndexOf("://", StringComparison.Ordinal);
        if (sep >= 0)
        {
            scheme = url[..sep].ToLowerInvariant();
            rest = url[(sep + 3)..];
        }
        if (scheme is not ("http" or "https"))
        {
            if (errors) ctx.Err.Append($"curl: (1) Protocol \"{scheme}\" not supported\n");
            return 1;
        }
        bool https = scheme == "https";
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "/" : rest[slash..];
        var host = authority;
        int port = https ? 443 : 80;
        var colon = authority.LastIndexOf(':');
        if (colon > 0)
        {
            host = authority[..colon];
            if (!int.TryParse(authority[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
            {
                if (errors) ctx.Err.Append("curl: (3) URL rejected: Port number was not a decimal number between 0 and 65535\n");
                return 3;
            }
        }
        var start = ctx.NowMs;
        long Elapsed() => ctx.NowMs - start;
        var portText = port.ToString(CultureInfo.InvariantCulture);
        uint? addr;
        if (resolve.TryGetValue(host + ":" + portText, out var forced))
        {
            addr = Ipv4Address.Parse(forced);
            if (verbose) ctx.Err.Append($"* Added {host}:{portText}:{forced} to DNS cache\n");
        }
        else addr = await NameLookup.ResolveAsync(ctx, host);
        if (addr is null)
        {
            if (errors) ctx.Err.Append($"curl: (6) Could not resolve host: {host}\n");
            return 6;
        }
        var ip = Ipv4Address.Format(addr.Value);
        if (verbose) ctx.Err.Append($"*   Trying {ip}:{portText}...\n");
        var trace = ctx.NewTrace($"curl {ip}:{portText}");
        TimeSpan? ct = connectTimeout is { } c1 ? TimeSpan.FromSeconds(c1) : null;
        if (maxTime is { } m1 && (ct is null || TimeSpan.FromSeconds(m1) < ct)) ct = TimeSpan.FromSeconds(m1);
        var sock = ctx.Process.Namespace.Tcp.Open();
        var err = await sock.ConnectAsync(addr.Value, (ushort)port, new TcpConnectOptions { Timeout = ct, Trace = trace });
        trace?.Complete(err);
        if (err != Errno.None)
        {
            sock.Abort();
            int code;
            string msg;
            if (err == Errno.ETIMEDOUT && ct is not null)
            {
                code = 28;
                var ms = (ct.Value.TotalMilliseconds + 1).ToString("0", CultureInfo.InvariantCulture);
                msg = maxTime is not null && (connectTimeout is null || maxTime <= connectTimeout)
                    ? $"Connection timed out after {ms} milliseconds"
                    : $"Failed to connect to {host} port {portText} after {ms} ms: Timeout was reached";
            }
            else
            {
                code = err == Errno.ETIMEDOUT ? 28 : 7;
                msg = $"Failed to connect to {host} port {portText} after {Elapsed().ToString(CultureInfo.InvariantCulture)} ms: " +
                    (err == Errno.ETIMEDOUT ? "Timeout was reached" : "Couldn't connect to server");
            }
            if (verbose) ctx.Err.Append($"* connect to {ip} port {portText} from {Ipv4Address.Format(sock.LocalEndpoint.Address)} port {sock.LocalEndpoint.Port.ToString(CultureInfo.InvariantCulture)} failed: {err.Message()}\n* {msg}\n* Closing connection\n");
            if (errors) ctx.Err.Append($"curl: ({code.ToString(CultureInfo.InvariantCulture)}) {msg}\n");
            return code;
        }
        if (verbose) ctx.Err.Append($"* Connected to {host} ({ip}) port {portText}\n");
        Tls.TcpSocketStream? transport = null;
        Tls.TlsStream? ssl = null;
        if (https)
        {
            var trust = Tls.CurlTls.Trust(ctx, caCert, insecure, out var caError);
            if (trust is null)
            {
                sock.Abort();
                if (errors) ctx.Err.Append($"curl: (77) {caError}\n");
                return 77;
            }
            transport = new Tls.TcpSocketStream(sock);
            var tls = await Tls.TlsClient.ConnectAsync(transport, new Tls.TlsClientOptions(host, port, trust, ctx.Process.Now)
            {
                Insecure = insecure,
                CaFile = caCert ?? Tls.TrustBundle.SystemBundlePath,
                CaPath = caCert is null ? Tls.TrustBundle.SystemCaPath : "none",
            });
            if (verbose) foreach (var line in tls.Verbose) ctx.Err.Append(line).Append('\n');
            if (tls.Stream is null)
            {
                sock.Abort();
                if (verbose) ctx.Err.Append("* Closing connection\n");
                if (errors) ctx.Err.Append(Tls.CurlTls.ErrorText(tls.ExitCode, tls.Error!));
                return tls.ExitCode;
            }
            ssl = tls.Stream;
        }
        var defaultPort = https ? 443 : 80;
        var reqHeaders = new List<(string Name, string Value)> { ("Host", port == defaultPort ? host : host + ":" + portText), ("User-Agent", "curl/" + Version), ("Accept", "*/*") };
        foreach (var (n, v) in headers)
        {
            reqHeaders.RemoveAll(h => string.Equals(h.Name, n, StringComparison.OrdinalIgnoreCase));
            if (v.Length > 0) reqHeaders.Add((n, v));
        }
        var body = data is null ? [] : Encoding.UTF8.GetBytes(data);
        if (data is not null)
        {
            reqHeaders.Add(("Content-Length", body.Length.ToString(CultureInfo.InvariantCulture)));
            reqHeaders.Add(("Content-Type", "application/x-www-form-urlencoded"));
        }
        var verb = method ?? (head ? "HEAD" : data is not null ? "POST" : "GET");
        var reqHead = HttpWire.FormatRequestHead(verb, path, reqHeaders);
        if (verbose) foreach (var line in reqHead.Split("\r\n")[..^1]) ctx.Err.Append("> ").Append(line).Append('\n');
        TimeSpan? left = maxTime is { } mt ? TimeSpan.FromSeconds(mt) - TimeSpan.FromMilliseconds(Elapsed()) : null;
        (string Head, byte[] Body)? resp;
        if (ssl is not null)
        {
            transport!.ReceiveTimeout = left;
            await Tls.HttpsServer.WriteAsync(ssl, [.. Encoding.Latin1.GetBytes(reqHead), .. body]);
            resp = await Tls.StreamHttp.ReadMessageAsync(ssl, bodyUntilClose: true, headOnly: verb == "HEAD");
        }
        else
        {
            sock.Send([.. Encoding.Latin1.GetBytes(reqHead), .. body]);
            resp = await HttpWire.ReadMessageAsync(sock, left, bodyUntilClose: true, headOnly: verb == "HEAD");
        }
        if (resp is null)
        {
            sock.Abort();
            if (maxTime is not null && Elapsed() >= maxTime * 1000)
            {
                if (errors) ctx.Err.Append($"curl: (28) Operation timed out after {Elapsed().ToString(CultureInfo.InvariantCulture)} milliseconds with 0 bytes received\n");
                return 28;
            }
            if (sock.Error == Errno.ECONNRESET)
            {
                if (errors) ctx.Err.Append("curl: (56) Recv failure: Connection reset by peer\n");
                return 56;
            }
            if (errors) ctx.Err.Append("curl: (52) Empty reply from server\n");
            return 52;
        }
        if (ssl is not null) await ssl.CloseAsync();
        else sock.Close();
        var r = HttpWire.ParseResponse(resp.Value.Head, resp.Value.Body);
        if (verbose)
        {
            foreach (var line in resp.Value.Head.Split("\r\n")) ctx.Err.Append("< ").Append(line).Append('\n');
            ctx.Err.Append("< \n");
            if (resp.Value.Body.Length > 0) ctx.Err.Append("{ [").Append(resp.Value.Body.Length.ToString(CultureInfo.InvariantCulture)).Append(" bytes data]\n");
            ctx.Err.Append($"* Connection #0 to host {host} left intact\n");
        }
        var status = r?.Status ?? 0;
        if (follow && status is 301 or 302 or 303 or 307 or 308 && r?.Header("Location") is { Length: > 0 } location)
        {
            if (redirects >= 50)
            {
                if (errors) ctx.Err.Append("curl: (47) Maximum (50) redirects followed\n");
                return 47;
            }
            if (head) ctx.Out.Append(resp.Value.Head).Append("\r\n\r\n");
            var next = location.Contains("://", StringComparison.Ordinal) ? location
                : location.StartsWith('/') ? $"{scheme}://{authority}{location}"
                : $"{scheme}://{authority}{path[..(path.LastIndexOf('/') + 1)]}{location}";
            if (verbose) ctx.Err.Append($"* Issue another request to this URL: '{next}'\n");
            var again = args.Select(x => ReferenceEquals(x, url) ? next : x).ToList();
            return await RunAsync(ctx, again, redirects + 1);
        }
        if (fail && status >= 400)
        {
            if (errors) ctx.Err.Append($"curl: (22) The requested URL returned error: {status.ToString(CultureInfo.InvariantCulture)}\n");
            return 22;
        }
        var payload = head ? resp.Value.Head + "\r\n\r\n" : Encoding.UTF8.GetString(resp.Value.Body);
        if (output is null or "-") ctx.Out.Append(payload);
        else if (output != "/dev/null")
        {
            // The emulated images have no writable file system: curl cannot store the body.
            if (errors) ctx.Err.Append("curl: (23) Failure writing output to destination\n");
            return 23;
        }
        if (writeOut is not null) ctx.Out.Append(writeOut.Replace("%{http_code}", (r?.Status ?? 0).ToString("000", CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal));
        return 0;
    }

    /// <summary>
    /// Splits bundled short options as curl's getopt does (<c>-sSI</c> = <c>-s -S -I</c>; <c>-sm 5</c> =
    /// <c>-s -m 5</c>, an option taking a value must come last in the bundle).
    /// </summary>
    private static IReadOnlyList<string> ExpandShortFlags(IReadOnlyList<string> args)
    {
        const string flags = "vsSIkLf";
        const string withValue = "HXdowm";
        var result = new List<string>(args.Count);
        foreach (var a in args)
        {
            if (a.Length > 2 && a[0] == '-' && a[1] != '-' && a.Skip(1).SkipLast(1).All(c => flags.Contains(c))
                && (flags.Contains(a[^1]) || withValue.Contains(a[^1])))
            {
                foreach (var c in a.Skip(1)) result.Add("-" + c);
            }
            else
            {
                result.Add(a);
            }
        }
        return result;
    }
}

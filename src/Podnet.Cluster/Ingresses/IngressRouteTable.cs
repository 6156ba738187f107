using System.Text;
using System.Text.RegularExpressions;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Networking;
using Podnet.Cluster.Controllers;

namespace Podnet.Cluster.Ingresses;

/// <summary>
/// The controller's routing configuration built from the Ingresses it serves, as ingress-nginx's
/// <c>createServers</c>/<c>getBackendServers</c>/<c>updateServerLocations</c> build nginx.conf: one
/// server per host (plus the default server <c>_</c>), each path a location (Ingresses sorted by
/// creation time; a path already configured by an older Ingress is kept), a root location to the
/// default backend (or the Ingress's <c>defaultBackend</c>), Prefix paths split into
/// <c>location /foo/</c> + <c>location = /foo</c>. <see cref="Decide"/> then picks server and location
/// exactly as nginx does (exact, then longest prefix with the trailing-slash redirect, or the first
/// matching regex in length order) and applies ssl-redirect, rewrite-target and whitelist-source-range.
/// </summary>
public sealed class IngressRouteTable
{
    private readonly Dictionary<string, IngressServer> _servers = new(StringComparer.Ordinal);

    /// <summary>The servers by host (<c>_</c> is the default server).</summary>
    public IReadOnlyDictionary<string, IngressServer> Servers => _servers;

    /// <summary>The Ingresses served, in the order they were merged.</summary>
    public IReadOnlyList<Api.Networking.Ingress> Ingresses { get; private set; } = [];

    /// <summary>What the controller logged while building (ignored Ingresses, duplicate locations, bad annotations).</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>The default server.</summary>
    public IngressServer DefaultServer => _servers[IngressServer.DefaultServerName];

    private IngressRouteTable()
    {
    }

    /// <summary>Builds the table from the cluster's objects (Ingresses and IngressClasses), for the controller <paramref name="filter"/>.</summary>
    public static IngressRouteTable Build(IEnumerable<KubeObject> objects, IngressClassFilter? filter = null)
    {
        var list = objects as IReadOnlyCollection<KubeObject> ?? objects.ToList();
        return Build(list.OfType<Api.Networking.Ingress>(), list.OfType<IngressClass>().ToList(), filter);
    }

    /// <summary>Builds the table from Ingresses and IngressClasses.</summary>
    public static IngressRouteTable Build(IEnumerable<Api.Networking.Ingress> ingresses, IReadOnlyCollection<IngressClass> classes, IngressClassFilter? filter = null)
    {
        filter ??= new IngressClassFilter();
        var t = new IngressRouteTable();
        var served = new List<Api.Networking.Ingress>();
        foreach (var ing in ingresses)
        {
            if (ing.Metadata.DeletionTimestamp is not null) continue;
            if (filter.Reject(ing, classes) is { } why)
            {
                t.Warnings.Add(why);
                continue;
            }
            served.Add(ing);
        }
        // ingress-nginx sorts by creation time, then namespace/name
        served.Sort((a, b) =>
        {
            var c = Nullable.Compare(a.Metadata.CreationTimestamp, b.Metadata.CreationTimestamp);
            if (c != 0) return c;
            c = string.CompareOrdinal(a.Namespace, b.Namespace);
            return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
        });
        t.Ingresses = served;
        var def = new IngressServer(IngressServer.DefaultServerName);
        def.Locations.Add(RootLocation(null));
        t._servers[def.Hostname] = def;

        foreach (var ing in served)
        {
            var ann = IngressAnnotations.Parse(ing);
            foreach (var p in ann.Problems) t.Warnings.Add($"ingress {ing.Namespace}/{ing.Name}: {p}");
            var ingDefault = IngressBackendRef.From(ing.Namespace, ing.Spec.DefaultBackend);
            // catch-all Ingress (a default backend and no rules): the default server's root location
            if (ingDefault is not null && ing.Spec.Rules.Count == 0)
            {
                var root = def.Locations[0];
                if (root.IsDefaultBackend && root.Backend is null)
                    def.Locations[0] = root with { Backend = ingDefault, Annotations = ann, Source = new IngressSource(ing.Namespace, ing.Name, -1, -1) };
                else
                    t.Warnings.Add($"ingress {ing.Namespace}/{ing.Name}: catch-all default backend ignored: the default server already has one");
            }
            for (int ri = 0; ri < ing.Spec.Rules.Count; ri++)
            {
                var rule = ing.Spec.Rules[ri];
                var host = string.IsNullOrEmpty(rule.Host) ? IngressServer.DefaultServerName : rule.Host.ToLowerInvariant();
                if (!t._servers.TryGetValue(host, out var server))
                {
                    server = new IngressServer(host);
                    server.Locations.Add(RootLocation(ingDefault) with { Annotations = ann });
                    t._servers[host] = server;
                }
                var paths = rule.Http?.Paths ?? [];
                for (int pi = 0; pi < paths.Count; pi++)
                {
                    var p = paths[pi];
                    var path = string.IsNullOrEmpty(p.Path) ? "/" : p.Path;
                    var type = p.PathType ?? "ImplementationSpecific";
                    var backend = IngressBackendRef.From(ing.Namespace, p.Backend);
                    var source = new IngressSource(ing.Namespace, ing.Name, ri, pi);
                    var existing = server.Locations.FindIndex(l => l.IngressPath == path && (l.IsDefaultBackend ? type != "Exact" : l.PathType == type));
                    if (existing >= 0)
                    {
                        var old = server.Locations[existing];
                        if (!old.IsDefaultBackend)
                        {
                            t.Warnings.Add($"Location \"{path}\" already configured for server \"{host}\" with upstream \"{old.Backend?.UpstreamName ?? "upstream-default-backend"}\" (ingress {ing.Namespace}/{ing.Name} ignored for this path)");
                            continue;
                        }
                        server.Locations[existing] = old with { Backend = backend, PathType = type, Source = source, Annotations = ann, IsDefaultBackend = false };
                        continue;
                    }
                    server.Locations.Add(new IngressLocation { Path = path, IngressPath = path, PathType = type, Backend = backend, Source = source, Annotations = ann });
                }
            }
            foreach (var tls in ing.Spec.Tls)
            {
                var hosts = tls.Hosts.Count > 0 ? tls.Hosts : ing.Spec.Rules.Select(r => r.Host).OfType<string>().ToList();
                foreach (var h in hosts)
                {
                    if (!t._servers.TryGetValue(h.ToLowerInvariant(), out var s))
                    {
                        s = new IngressServer(h.ToLowerInvariant());
                        s.Locations.Add(RootLocation(ingDefault) with { Annotations = ann });
                        t._servers[s.Hostname] = s;
                    }
                    s.Tls ??= new IngressTlsRef(ing.Namespace, tls.SecretName ?? "", ing.Namespace + "/" + ing.Name);
                }
            }
        }
        foreach (var s in t._servers.Values) Finish(s);
        return t;
    }

    private static IngressLocation RootLocation(IngressBackendRef? backend) =>
        new() { Path = "/", IngressPath = "/", PathType = "Prefix", Backend = backend, IsDefaultBackend = true };

    /// <summary><c>updateServerLocations</c>, the match modifiers of <c>buildLocation</c>, and the length-descending order.</summary>
    private static void Finish(IngressServer server)
    {
        var exact = server.Locations.Where(l => l.PathType == "Exact").Select(l => l.Path).ToHashSet(StringComparer.Ordinal);
        var result = new List<IngressLocation>();
        foreach (var l in server.Locations)
        {
            if (l.Path == "/" || l.PathType != "Prefix" || l.Annotations.NeedsRewrite(l.Path) || l.Annotations.UseRegex)
            {
                result.Add(l);
                continue;
            }
            var normalized = l.Path.EndsWith('/') ? l.Path : l.Path + "/";
            result.Add(l with { Path = normalized });
            if (!exact.Contains(l.Path)) result.Add(l with { PathType = "Exact" });
        }
        var enforce = result.Any(l => l.Annotations.UseRegex);
        for (int i = 0; i < result.Count; i++)
        {
            var l = result[i];
            var match = enforce || l.Annotations.NeedsRewrite(l.IngressPath) ? LocationMatch.Regex : l.PathType == "Exact" ? LocationMatch.Exact : LocationMatch.Prefix;
            result[i] = l with { Match = match };
        }
        // stable sort: longest path first (the order regex locations are tried in)
        var sorted = result.Select((l, i) => (l, i)).OrderByDescending(x => x.l.Path.Length).ThenBy(x => x.i).Select(x => x.l).ToList();
        server.Locations.Clear();
        server.Locations.AddRange(sorted);
    }

    /// <summary>The Services the served locations point at (what the controller's node must reach), sorted.</summary>
    public IReadOnlyList<IngressBackendRef> Backends =>
        _servers.Values.SelectMany(s => s.Locations).Select(l => l.Backend).OfType<IngressBackendRef>()
            .DistinctBy(b => b.Namespace + "/" + b.Service).OrderBy(b => b.Namespace + "/" + b.Service, StringComparer.Ordinal).ToList();

    /// <summary>The server for a Host header value: exact host, else a single-label wildcard, else the default server.</summary>
    public IngressServer FindServer(string hostName)
    {
        if (hostName.Length > 0 && _servers.TryGetValue(hostName, out var s)) return s;
        // the wildcard regex ~^(?<subdomain>[\w-]+)\.rest$ matches exactly when "*.rest" is a server and the first label is [\w-]+
        var dot = hostName.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && _servers.TryGetValue("*." + hostName[(dot + 1)..], out var w) && w.WildcardMatches(hostName)) return w;
        return DefaultServer;
    }

    /// <summary>
    /// nginx's location search: an exact (<c>=</c>) match; else the longest prefix — and when the URI
    /// is a prefix location minus its trailing slash, nginx's 301 to the slash form; else the first
    /// matching regex; else the longest prefix. Returns the location and, for the 301, the path to redirect to.
    /// </summary>
    public static (IngressLocation? Location, string? SlashRedirect) FindLocation(IngressServer server, string uri)
    {
        foreach (var l in server.Locations)
            if (l.Match == LocationMatch.Exact && l.Path == uri) return (l, null);
        IngressLocation? longest = null;
        foreach (var l in server.Locations)
        {
            if (l.Match != LocationMatch.Prefix) continue;
            if (uri.StartsWith(l.Path, StringComparison.Ordinal) && (longest is null || l.Path.Length > longest.Path.Length)) longest = l;
        }
        foreach (var l in server.Locations)
        {
            if (l.Match == LocationMatch.Prefix && l.Path.Length == uri.Length + 1 && l.Path.EndsWith('/') && l.Path.StartsWith(uri, StringComparison.Ordinal)
                && (longest is null || longest.Path.Length < l.Path.Length))
                return (l, uri + "/");
        }
        foreach (var l in server.Locations)
            if (l.Match == LocationMatch.Regex && l.Matches(uri)) return (l, null);
        return (longest, null);
    }

    /// <summary>The decision for <paramref name="request"/>: rewrite phase (slash redirect, ssl-redirect, rewrite-target), access phase (whitelist), then proxy.</summary>
    public IngressDecision Decide(IngressRequest request)
    {
        var host = request.HostName;
        var server = FindServer(host);
        var uri = request.Path;
        var (loc, slash) = FindLocation(server, uri);
        if (loc is null) return new IngressDecision { Action = IngressAction.NoLocation, Server = server, Status = 404, UpstreamTarget = request.Target };
        var ann = loc.Annotations;
        var redirectHost = host.Length > 0 ? host : "localhost";
        if (slash is not null)
        {
            var target = slash + (request.Query is { } q ? "?" + q : "");
            return new IngressDecision { Action = IngressAction.Redirect, Server = server, Location = loc, Status = 301, RedirectTo = request.Scheme + "://" + redirectHost + target, UpstreamTarget = request.Target };
        }
        if (request.Scheme == "http" && (ann.ForceSslRedirect || (server.HasTls && ann.SslRedirect)))
        {
            var port = request.HttpsPort == 443 ? "" : ":" + request.HttpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new IngressDecision { Action = IngressAction.Redirect, Server = server, Location = loc, Status = 308, RedirectTo = "https://" + redirectHost + port + request.Target, UpstreamTarget = request.Target };
        }
        var upstream = request.Target;
        if (ann.NeedsRewrite(loc.IngressPath)) upstream = Rewrite(loc.IngressPath, ann.RewriteTarget!, uri, request.Query);
        if (ann.SourceRange is { } range && !(Ipv4Cidr.TryParseAddress(request.ClientAddress, out var client) && range.Any(c => c.Contains(client))))
            return new IngressDecision { Action = IngressAction.Forbidden, Server = server, Location = loc, Status = 403, UpstreamTarget = upstream };
        return new IngressDecision { Action = IngressAction.Proxy, Server = server, Location = loc, UpstreamTarget = upstream };
    }

    /// <summary>
    /// nginx's <c>rewrite "(?i)PATH" TARGET break;</c>: when the (unanchored, case-insensitive) path
    /// regex matches the URI, the whole URI becomes TARGET with <c>$n</c> replaced by the captures;
    /// the original query string is appended unless TARGET has its own.
    /// </summary>
    public static string Rewrite(string path, string target, string uri, string? query)
    {
        var m = new Regex(path, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)).Match(uri);
        if (!m.Success) return uri + (query is null ? "" : "?" + query);
        var sb = new StringBuilder();
        for (int i = 0; i < target.Length; i++)
        {
            if (target[i] == '$' && i + 1 < target.Length && char.IsAsciiDigit(target[i + 1]))
            {
                var n = target[i + 1] - '0';
                if (n < m.Groups.Count && m.Groups[n].Success) sb.Append(m.Groups[n].Value);
                i++;
                continue;
            }
            sb.Append(target[i]);
        }
        var result = sb.ToString();
        if (result.Length == 0 || result[0] != '/') result = "/" + result;
        if (query is not null && !result.Contains('?', StringComparison.Ordinal)) result += "?" + query;
        return result;
    }
}

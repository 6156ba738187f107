namespace Podnet.Cluster.Ingresses;

/// <summary>What the controller does with a request.</summary>
public enum IngressAction
{
    /// <summary>Proxy to the location's backend (a Service's endpoints, or the default backend).</summary>
    Proxy,
    /// <summary>Answer with a redirect (<see cref="IngressDecision.Status"/> and <see cref="IngressDecision.RedirectTo"/>).</summary>
    Redirect,
    /// <summary>403: the client address is outside <c>whitelist-source-range</c>.</summary>
    Forbidden,
    /// <summary>404 from nginx itself: no location matched (a server without a root location).</summary>
    NoLocation,
}

/// <summary>A request as the controller sees it: scheme of the listener, Host header, request target, client address (as the socket saw it).</summary>
public sealed record IngressRequest(string Scheme, string? Host, string Target, string ClientAddress, int HttpsPort = 443)
{
    /// <summary>The path without query string.</summary>
    public string Path => Target.Split('?')[0];

    /// <summary>The query string (without <c>?</c>), or null.</summary>
    public string? Query => Target.Contains('?', StringComparison.Ordinal) ? Target[(Target.IndexOf('?', StringComparison.Ordinal) + 1)..] : null;

    /// <summary>The Host header without port, lower-case (nginx's <c>$host</c>); empty when absent.</summary>
    public string HostName
    {
        get
        {
            var h = (Host ?? "").Trim().ToLowerInvariant();
            if (h.StartsWith('['))
            {
                var end = h.IndexOf(']', StringComparison.Ordinal);
                return end > 0 ? h[..(end + 1)] : h;
            }
            var c = h.LastIndexOf(':');
            return c >= 0 ? h[..c] : h;
        }
    }
}

/// <summary>
/// The L7 decision for one request (what a trace shows between the client's and the upstream TCP
/// connection): the server and location chosen, the action, the rewritten URI and the reason.
/// </summary>
public sealed record IngressDecision
{
    /// <summary>The action.</summary>
    public IngressAction Action { get; init; }

    /// <summary>The server chosen.</summary>
    public required IngressServer Server { get; init; }

    /// <summary>The location chosen (null when none).</summary>
    public IngressLocation? Location { get; init; }

    /// <summary>HTTP status for Redirect (301, 308) and Forbidden (403).</summary>
    public int Status { get; init; }

    /// <summary>The Location header of a redirect.</summary>
    public string? RedirectTo { get; init; }

    /// <summary>The URI sent upstream (after rewrite-target), with the query string.</summary>
    public string UpstreamTarget { get; init; } = "/";

    /// <summary>The backend; null = the controller's default backend.</summary>
    public IngressBackendRef? Backend => Location?.Backend;

    /// <summary>ingress-nginx's <c>$proxy_upstream_name</c>.</summary>
    public string UpstreamName => Backend?.UpstreamName ?? "upstream-default-backend";

    /// <summary>One line saying what was decided (for traces).</summary>
    public string Describe()
    {
        var where = Location is null ? $"server {Server.Hostname}: no location" :
            $"server {Server.Hostname} {Location.NginxText}" + (Location.Source is { } s
                ? $" (Ingress {s.IngressKey} rule {s.RuleIndex} path {s.PathIndex}: {Location.IngressPath} {Location.PathType})"
                : " (default backend)");
        return Action switch
        {
            IngressAction.Redirect => $"{where} -> {Status} redirect to {RedirectTo}",
            IngressAction.Forbidden => $"{where} -> 403: client not in whitelist-source-range",
            IngressAction.NoLocation => $"{where} -> 404",
            _ => $"{where} -> upstream {UpstreamName}" + (Backend is { } b ? $" (Service {b.Namespace}/{b.Service} port {b.PortText})" : "") + $" uri {UpstreamTarget}",
        };
    }
}

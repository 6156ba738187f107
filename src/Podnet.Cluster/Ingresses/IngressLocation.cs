using System.Text.RegularExpressions;
using Podnet.Cluster.Api.Networking;

namespace Podnet.Cluster.Ingresses;

/// <summary>How nginx matches a location (the modifier ingress-nginx writes in front of the path).</summary>
public enum LocationMatch
{
    /// <summary><c>location /path</c>: longest prefix (string prefix, as nginx compares).</summary>
    Prefix,
    /// <summary><c>location = /path</c>: the URI equals the path.</summary>
    Exact,
    /// <summary><c>location ~* "^/path"</c>: case-insensitive regular expression, first match in order.</summary>
    Regex,
}

/// <summary>A Service an Ingress path points at (<c>ns-name-port</c> is ingress-nginx's upstream name).</summary>
public sealed record IngressBackendRef(string Namespace, string Service, ServiceBackendPort? Port)
{
    /// <summary>The port as written: the number, or the port name.</summary>
    public string PortText => Port?.Number is { } n and > 0 ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : Port?.Name ?? "";

    /// <summary>ingress-nginx's upstream name, e.g. <c>default-app1-80</c>.</summary>
    public string UpstreamName => Namespace + "-" + Service + "-" + PortText;

    /// <summary>From an Ingress backend in namespace <paramref name="ns"/>; null when it names no Service (resource backends).</summary>
    public static IngressBackendRef? From(string ns, IngressBackend? backend) =>
        backend?.Service is { } s ? new IngressBackendRef(ns, s.Name, s.Port) : null;
}

/// <summary>Where a location came from: the Ingress, its rule and path index (for traces and describe).</summary>
public sealed record IngressSource(string Namespace, string Name, int RuleIndex, int PathIndex)
{
    /// <summary><c>ns/name</c>.</summary>
    public string IngressKey => Namespace + "/" + Name;
}

/// <summary>
/// One nginx <c>location</c> block of a server as ingress-nginx generates it from an Ingress path
/// (after <c>updateServerLocations</c>: a Prefix path <c>/foo</c> becomes <c>location /foo/</c> plus
/// <c>location = /foo</c>). <see cref="Backend"/> null means the controller's default backend.
/// </summary>
public sealed record IngressLocation
{
    /// <summary>The path nginx compares (normalized).</summary>
    public string Path { get; init; } = "/";

    /// <summary>The path as written in the Ingress (<c>$location.IngressPath</c>).</summary>
    public string IngressPath { get; init; } = "/";

    /// <summary>The Ingress pathType (Exact, Prefix, ImplementationSpecific); empty for the default-backend location.</summary>
    public string PathType { get; init; } = "";

    /// <summary>How nginx matches it.</summary>
    public LocationMatch Match { get; init; }

    /// <summary>The Service backend; null = the controller's default backend.</summary>
    public IngressBackendRef? Backend { get; init; }

    /// <summary>The Ingress and rule/path it came from; null for the server's own root default location.</summary>
    public IngressSource? Source { get; init; }

    /// <summary>The annotations of the Ingress the location came from.</summary>
    public IngressAnnotations Annotations { get; init; } = new();

    /// <summary>True for the server's root location serving a default backend (not an Ingress path).</summary>
    public bool IsDefaultBackend { get; init; }

    /// <summary>The nginx <c>location</c> line (e.g. <c>location = /foo</c>, <c>location ~* "^/api"</c>).</summary>
    public string NginxText => Match switch
    {
        LocationMatch.Exact => "location = " + Path,
        LocationMatch.Regex => Path == "/" ? "location ~* ^/" : "location ~* \"^" + Path + "\"",
        _ => "location " + Path,
    };

    private Regex? _regex;

    /// <summary>True when <paramref name="uri"/> (the path, without query) matches this location as nginx compares.</summary>
    public bool Matches(string uri) => Match switch
    {
        LocationMatch.Exact => uri == Path,
        LocationMatch.Regex => LocationRegex().IsMatch(uri),
        _ => uri.StartsWith(Path, StringComparison.Ordinal),
    };

    /// <summary>The location's regex (<c>~* "^path"</c>: case-insensitive, anchored at the start).</summary>
    public Regex LocationRegex() => _regex ??= new Regex("^" + Path, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}

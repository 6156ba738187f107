using System.Globalization;
using Podnet.Cluster.Api.Networking;
using Podnet.Cluster.Controllers;

namespace Podnet.Cluster.Ingresses;

/// <summary>
/// The <c>nginx.ingress.kubernetes.io/*</c> annotations of one Ingress that the controller honours
/// (ingress-nginx's annotation parsers: <c>rewrite</c>, <c>ipallowlist</c>, <c>backendprotocol</c>):
/// rewrite-target, use-regex, ssl-redirect (default true), force-ssl-redirect,
/// whitelist-source-range / allowlist-source-range, backend-protocol. An invalid value is ignored
/// with a problem recorded, as the real parsers log and fall back to the default.
/// </summary>
public sealed record IngressAnnotations
{
    /// <summary>The annotation prefix ingress-nginx reads (<c>--annotations-prefix</c>).</summary>
    public const string Prefix = "nginx.ingress.kubernetes.io/";

    /// <summary>The legacy class annotation.</summary>
    public const string LegacyClass = "kubernetes.io/ingress.class";

    /// <summary><c>rewrite-target</c>: the URI the request is rewritten to (<c>$1</c>.. capture groups of the path).</summary>
    public string? RewriteTarget { get; init; }

    /// <summary><c>use-regex</c>: paths are case-insensitive regular expressions.</summary>
    public bool UseRegex { get; init; }

    /// <summary><c>ssl-redirect</c>: HTTP is redirected (308) when the host has TLS (default true).</summary>
    public bool SslRedirect { get; init; } = true;

    /// <summary><c>force-ssl-redirect</c>: redirect even without TLS for the host.</summary>
    public bool ForceSslRedirect { get; init; }

    /// <summary><c>whitelist-source-range</c> (or <c>allowlist-source-range</c>): client CIDRs allowed; null = all.</summary>
    public IReadOnlyList<Ipv4Cidr>? SourceRange { get; init; }

    /// <summary><c>backend-protocol</c>: HTTP (default), HTTPS, GRPC, GRPCS, AUTO_HTTP, FCGI.</summary>
    public string BackendProtocol { get; init; } = "HTTP";

    /// <summary>Values that could not be parsed (annotation and reason), as the controller logs them.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>True when the location needs the rewrite (a target that differs from the path).</summary>
    public bool NeedsRewrite(string path) => !string.IsNullOrEmpty(RewriteTarget) && RewriteTarget != path;

    private static readonly string[] Protocols = ["HTTP", "HTTPS", "GRPC", "GRPCS", "AUTO_HTTP", "FCGI"];

    /// <summary>Parses the annotations of <paramref name="ingress"/>.</summary>
    public static IngressAnnotations Parse(Api.Networking.Ingress ingress)
    {
        var a = ingress.Metadata.Annotations;
        var problems = new List<string>();
        string? Get(string name) => a.TryGetValue(Prefix + name, out var v) ? v : null;
        bool Bool(string name, bool def)
        {
            var v = Get(name);
            if (v is null) return def;
            if (bool.TryParse(v.Trim(), out var b)) return b;
            problems.Add($"{Prefix}{name}: invalid boolean value \"{v}\"");
            return def;
        }
        IReadOnlyList<Ipv4Cidr>? range = null;
        var rangeText = Get("whitelist-source-range") ?? Get("allowlist-source-range");
        if (rangeText is not null)
        {
            var list = new List<Ipv4Cidr>();
            foreach (var part in rangeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var cidr = part.Contains('/', StringComparison.Ordinal) ? part : part + "/32";
                try
                {
                    list.Add(Ipv4Cidr.Parse(cidr));
                }
                catch (FormatException)
                {
                    problems.Add($"{Prefix}whitelist-source-range: the annotation does not contain a valid IP address or network: invalid CIDR address: {part}");
                    list = null;
                    break;
                }
            }
            range = list;
        }
        var proto = (Get("backend-protocol") ?? "HTTP").Trim().ToUpper(CultureInfo.InvariantCulture);
        if (!Protocols.Contains(proto))
        {
            problems.Add($"{Prefix}backend-protocol: invalid backend protocol \"{proto}\"");
            proto = "HTTP";
        }
        return new IngressAnnotations
        {
            RewriteTarget = Get("rewrite-target"),
            UseRegex = Bool("use-regex", false),
            SslRedirect = Bool("ssl-redirect", true),
            ForceSslRedirect = Bool("force-ssl-redirect", false),
            SourceRange = range,
            BackendProtocol = proto,
            Problems = problems,
        };
    }
}

using System.Text.RegularExpressions;

namespace Podnet.Cluster.Ingresses;

/// <summary>A Secret an Ingress's <c>tls</c> section names for a host.</summary>
public sealed record IngressTlsRef(string Namespace, string SecretName, string IngressKey);

/// <summary>
/// One nginx <c>server</c> block as ingress-nginx generates it: a host (or <c>_</c>, the default
/// server) with the locations merged from every Ingress that has a rule for it, and the TLS Secret
/// its Ingresses name. A <c>*.example.com</c> host becomes ingress-nginx's single-label regex
/// <c>~^(?&lt;subdomain&gt;[\w-]+)\.example\.com$</c>.
/// </summary>
public sealed class IngressServer(string hostname)
{
    /// <summary>The name of the catch-all server.</summary>
    public const string DefaultServerName = "_";

    /// <summary>The host (<c>_</c> for the default server).</summary>
    public string Hostname { get; } = hostname;

    /// <summary>The locations, sorted as nginx.conf lists them (longest path first).</summary>
    public List<IngressLocation> Locations { get; } = [];

    /// <summary>The TLS Secret named for this host (first Ingress wins), or null when the host has no TLS.</summary>
    public IngressTlsRef? Tls { get; set; }

    /// <summary>True for a host listed in some Ingress's <c>tls</c> section (ssl-redirect applies).</summary>
    public bool HasTls => Tls is not null;

    /// <summary>True when any location uses <c>use-regex</c> (ingress-nginx's <c>enforceRegexModifier</c>): then every location is a regex.</summary>
    public bool EnforceRegex => Locations.Any(l => l.Annotations.UseRegex);

    /// <summary>True for a <c>*.</c> wildcard host.</summary>
    public bool IsWildcard => Hostname.StartsWith("*.", StringComparison.Ordinal);

    private Regex? _wildcard;

    /// <summary>The <c>server_name</c> as nginx.conf has it.</summary>
    public string ServerNameText => IsWildcard ? "~^(?<subdomain>[\\w-]+)\\." + Regex.Escape(Hostname[2..]) + "$" : Hostname;

    /// <summary>True when the (lower-case, port-less) <paramref name="host"/> is served by this wildcard server: exactly one more label.</summary>
    public bool WildcardMatches(string host) =>
        IsWildcard && (_wildcard ??= new Regex("^[\\w-]+\\." + Regex.Escape(Hostname[2..]) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))).IsMatch(host);
}

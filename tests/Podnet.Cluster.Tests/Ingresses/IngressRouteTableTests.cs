using Podnet.Cluster.Api.Networking;
using Podnet.Cluster.Ingresses;
using Xunit;
using static Podnet.Cluster.Tests.Ingresses.IngressObjects;

namespace Podnet.Cluster.Tests.Ingresses;

public sealed class IngressRouteTableTests
{
    private static IngressRouteTable Table(params Ingress[] ings) => IngressRouteTable.Build(ings, [NginxClass()]);

    private static IngressDecision Get(IngressRouteTable t, string host, string target, string scheme = "http", string client = "198.51.100.100") =>
        t.Decide(new IngressRequest(scheme, host, target, client));

    /// <summary>
    /// The examples table of the Kubernetes Ingress documentation ("Examples" under "Path types",
    /// kubernetes.io/docs/concepts/services-networking/ingress/): kind, paths, request, and the path
    /// that must match (null: none, the default backend answers). Each path i routes to Service "p{i}".
    /// </summary>
    public static TheoryData<string, string, string, int?> KubernetesDocsTable => new()
    {
        { "Prefix", "/", "/anything/at/all", 0 },
        { "Exact", "/foo", "/foo", 0 },
        { "Exact", "/foo", "/bar", null },
        { "Exact", "/foo", "/foo/", null },
        { "Exact", "/foo/", "/foo", null },
        { "Prefix", "/foo", "/foo", 0 },
        { "Prefix", "/foo", "/foo/", 0 },
        { "Prefix", "/foo/", "/foo", 0 },
        { "Prefix", "/foo/", "/foo/", 0 },
        { "Prefix", "/aaa/bb", "/aaa/bbb", null },
        { "Prefix", "/aaa/bbb", "/aaa/bbb", 0 },
        { "Prefix", "/aaa/bbb/", "/aaa/bbb", 0 },
        { "Prefix", "/aaa/bbb", "/aaa/bbb/", 0 },
        { "Prefix", "/aaa/bbb", "/aaa/bbb/ccc", 0 },
        { "Prefix", "/aaa/bbb", "/aaa/bbbxyz", null },
        { "Prefix", "/,/aaa", "/aaa/ccc", 1 },
        { "Prefix", "/,/aaa,/aaa/bbb", "/aaa/bbb", 2 },
        { "Prefix", "/,/aaa,/aaa/bbb", "/ccc", 0 },
        { "Prefix", "/aaa", "/ccc", null },
        { "Mixed", "/foo:Prefix,/foo:Exact", "/foo", 1 },
    };

    [Theory]
    [MemberData(nameof(KubernetesDocsTable))]
    public void PathTypes_FollowTheKubernetesDocumentationTable(string kind, string paths, string request, int? expected)
    {
        var list = paths.Split(',').Select((p, i) =>
        {
            var parts = p.Split(':');
            return Path(parts[0], parts.Length > 1 ? parts[1] : kind, "p" + i);
        }).ToList();
        var t = Table(Ing("docs", "docs.example.com", list));
        var d = Get(t, "docs.example.com", request);
        // ingress-nginx writes a Prefix "/foo/" as `location /foo/`: nginx answers "/foo" with its
        // 301 to "/foo/" (a proxied prefix location's auto-redirect), which then matches.
        if (d.Action == IngressAction.Redirect && d.Status == 301)
        {
            Assert.Equal("http://docs.example.com" + request + "/", d.RedirectTo);
            d = Get(t, "docs.example.com", request + "/");
        }
        Assert.Equal(IngressAction.Proxy, d.Action);
        Assert.Equal(expected is null ? null : "p" + expected, d.Backend?.Service);
    }

    [Fact]
    public void Prefix_IsWrittenAsIngressNginxLocations()
    {
        var t = Table(Ing("a", "h", [Path("/foo", "Prefix", "s"), Path("/bar", "Exact", "s"), Path("/baz", "ImplementationSpecific", "s")]));
        var text = t.Servers["h"].Locations.Select(l => l.NginxText).ToList();
        Assert.Equal(["location /foo/", "location = /foo", "location = /bar", "location /baz", "location /"], text);
    }

    [Fact]
    public void Hosts_ExactBeatsWildcard_WildcardIsOneLabel_UnknownGoesToDefaultBackend()
    {
        var t = Table(
            Ing("w", "*.example.com", [Path("/", "Prefix", "wild")]),
            Ing("e", "foo.example.com", [Path("/", "Prefix", "exact")]));
        Assert.Equal("exact", Get(t, "foo.example.com", "/").Backend?.Service);
        Assert.Equal("exact", Get(t, "FOO.example.com:8080", "/").Backend?.Service);
        Assert.Equal("wild", Get(t, "bar.example.com", "/x").Backend?.Service);
        Assert.Null(Get(t, "a.b.example.com", "/").Backend);
        Assert.Null(Get(t, "example.com", "/").Backend);
        var unknown = Get(t, "nope.test", "/");
        Assert.Equal(IngressServer.DefaultServerName, unknown.Server.Hostname);
        Assert.Equal("upstream-default-backend", unknown.UpstreamName);
        Assert.Equal("~^(?<subdomain>[\\w-]+)\\.example\\.com$", t.Servers["*.example.com"].ServerNameText);
    }

    [Fact]
    public void Rules_AreMergedAcrossIngresses_OlderIngressKeepsADuplicatePath()
    {
        var t = Table(
            Ing("new", "myapp.example.com", [Path("/app2", "Prefix", "app2"), Path("/app1", "Prefix", "intruder")], ageSeconds: 10),
            Ing("old", "myapp.example.com", [Path("/app1", "Prefix", "app1")], ageSeconds: 100));
        Assert.Equal("app1", Get(t, "myapp.example.com", "/app1/x").Backend?.Service);
        Assert.Equal("app2", Get(t, "myapp.example.com", "/app2").Backend?.Service);
        Assert.Equal("default/old", Get(t, "myapp.example.com", "/app1").Location?.Source?.IngressKey);
        Assert.Contains(t.Warnings, w => w.Contains("\"/app1\" already configured for server \"myapp.example.com\"", StringComparison.Ordinal));
    }

    [Fact]
    public void DefaultBackend_OfAnIngress_ServesItsHostsRoot_AndACatchAllServesUnknownHosts()
    {
        var t = Table(
            Ing("withdef", "a.example.com", [Path("/api", "Prefix", "api")], defaultBackend: "fallback"),
            Ing("catchall", null, null!, defaultBackend: "everything"));
        Assert.Equal("fallback", Get(t, "a.example.com", "/other").Backend?.Service);
        Assert.Equal("api", Get(t, "a.example.com", "/api").Backend?.Service);
        Assert.Equal("everything", Get(t, "unknown.test", "/").Backend?.Service);
    }

    [Fact]
    public void Classes_AnnotationWins_ClassNameMustExist_NoClassNeedsADefaultClass()
    {
        var other = new IngressClass { Metadata = new() { Name = "traefik" }, Spec = new() { Controller = "traefik.io/ingress-controller" } };
        var f = new IngressClassFilter();
        Assert.True(f.Serves(Ing("a", "h", [], className: "nginx"), [NginxClass()]));
        Assert.False(f.Serves(Ing("a", "h", [], className: "traefik"), [NginxClass(), other]));
        Assert.False(f.Serves(Ing("a", "h", [], className: "missing"), [NginxClass()]));
        Assert.True(f.Serves(Ing("a", "h", [], className: null), [NginxClass(isDefault: true)]));
        Assert.False(f.Serves(Ing("a", "h", [], className: null), [NginxClass(isDefault: false)]));
        Assert.True(f.Serves(Ing("a", "h", [], new() { ["kubernetes.io/ingress.class"] = "nginx" }, className: "traefik"), [other]));
        Assert.False(f.Serves(Ing("a", "h", [], new() { ["kubernetes.io/ingress.class"] = "traefik" }, className: "nginx"), [NginxClass()]));
        var t = IngressRouteTable.Build([Ing("t", "h", [Path("/", "Prefix", "s")], className: "traefik")], [NginxClass(), other]);
        Assert.False(t.Servers.ContainsKey("h"));
    }

    [Fact]
    public void RewriteTarget_WithCaptureGroups_AndUseRegex()
    {
        var ann = new Dictionary<string, string> { ["nginx.ingress.kubernetes.io/rewrite-target"] = "/$2", ["nginx.ingress.kubernetes.io/use-regex"] = "true" };
        var t = Table(Ing("rw", "myapp.example.com", [Path("/app1(/|$)(.*)", "ImplementationSpecific", "app1"), Path("/app2(/|$)(.*)", "ImplementationSpecific", "app2")], ann));
        var d = Get(t, "myapp.example.com", "/app1/hostname?x=1");
        Assert.Equal("app1", d.Backend?.Service);
        Assert.Equal("/hostname?x=1", d.UpstreamTarget);
        Assert.Equal("/", Get(t, "myapp.example.com", "/app2").UpstreamTarget);
        Assert.Equal("app2", Get(t, "myapp.example.com", "/APP2/x").Backend?.Service);
        Assert.StartsWith("location ~* \"^/app1(/|$)(.*)\"", t.Servers["myapp.example.com"].Locations.First(l => l.Backend?.Service == "app1").NginxText, StringComparison.Ordinal);
        // without capture groups the whole URI becomes the target, as nginx's rewrite does
        Assert.Equal("/", IngressRouteTable.Rewrite("/something", "/", "/something/deep/path", null));
        Assert.Equal("/new/deep?q=1", IngressRouteTable.Rewrite("/old(/|$)(.*)", "/new/$2", "/old/deep", "q=1"));
    }

    [Fact]
    public void SslRedirect_Is308ForTlsHosts_ForceSslRedirectWithoutTls_AndCanBeTurnedOff()
    {
        var tls = new[] { new IngressTls { Hosts = ["secure.example.com"], SecretName = "secure-tls" } };
        var t = Table(
            Ing("s", "secure.example.com", [Path("/", "Prefix", "s")], tls: tls),
            Ing("f", "forced.example.com", [Path("/", "Prefix", "f")], new() { ["nginx.ingress.kubernetes.io/force-ssl-redirect"] = "true" }),
            Ing("o", "off.example.com", [Path("/", "Prefix", "o")], new() { ["nginx.ingress.kubernetes.io/ssl-redirect"] = "false" }, tls: [new IngressTls { Hosts = ["off.example.com"], SecretName = "x" }]),
            Ing("p", "plain.example.com", [Path("/", "Prefix", "p")]));
        var d = Get(t, "secure.example.com:80", "/a?b=c");
        Assert.Equal((IngressAction.Redirect, 308, "https://secure.example.com/a?b=c"), (d.Action, d.Status, d.RedirectTo));
        Assert.Equal(IngressAction.Proxy, Get(t, "secure.example.com", "/a", "https").Action);
        Assert.Equal(308, Get(t, "forced.example.com", "/").Status);
        Assert.Equal(IngressAction.Proxy, Get(t, "off.example.com", "/").Action);
        Assert.Equal(IngressAction.Proxy, Get(t, "plain.example.com", "/").Action);
        var alt = t.Decide(new IngressRequest("http", "secure.example.com", "/", "1.2.3.4", HttpsPort: 8443));
        Assert.Equal("https://secure.example.com:8443/", alt.RedirectTo);
    }

    [Fact]
    public void WhitelistSourceRange_Returns403OutsideTheRanges()
    {
        var t = Table(Ing("w", "w.example.com", [Path("/", "Prefix", "s")], new() { ["nginx.ingress.kubernetes.io/whitelist-source-range"] = "10.0.0.0/8, 198.51.100.100" }));
        Assert.Equal(IngressAction.Proxy, Get(t, "w.example.com", "/", client: "198.51.100.100").Action);
        Assert.Equal(IngressAction.Proxy, Get(t, "w.example.com", "/", client: "10.1.2.3").Action);
        Assert.Equal(IngressAction.Forbidden, Get(t, "w.example.com", "/", client: "172.18.0.2").Action);
        var bad = Table(Ing("b", "b.example.com", [Path("/", "Prefix", "s")], new() { ["nginx.ingress.kubernetes.io/whitelist-source-range"] = "not-a-cidr" }));
        Assert.Equal(IngressAction.Proxy, Get(bad, "b.example.com", "/", client: "172.18.0.2").Action);
        Assert.Contains(bad.Warnings, w => w.Contains("whitelist-source-range", StringComparison.Ordinal));
    }

    [Fact]
    public void BackendProtocol_IsParsed_InvalidFallsBackToHttp()
    {
        var ok = IngressAnnotations.Parse(Ing("a", "h", [], new() { ["nginx.ingress.kubernetes.io/backend-protocol"] = "https" }));
        Assert.Equal("HTTPS", ok.BackendProtocol);
        var bad = IngressAnnotations.Parse(Ing("a", "h", [], new() { ["nginx.ingress.kubernetes.io/backend-protocol"] = "SPDY" }));
        Assert.Equal("HTTP", bad.BackendProtocol);
        Assert.Single(bad.Problems);
    }
}

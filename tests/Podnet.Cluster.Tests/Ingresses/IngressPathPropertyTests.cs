using FsCheck;
using FsCheck.Fluent;
using Podnet.Cluster.Ingresses;
using Xunit;
using static Podnet.Cluster.Tests.Ingresses.IngressObjects;

namespace Podnet.Cluster.Tests.Ingresses;

/// <summary>
/// The nginx location model that ingress-nginx writes (Prefix split into <c>/p/</c> + <c>= /p</c>,
/// nginx's exact/longest-prefix search and trailing-slash 301) agrees with the Ingress API's
/// definition of Exact and element-wise Prefix matching with "longest path wins, Exact before Prefix".
/// </summary>
public sealed class IngressPathPropertyTests
{
    private static readonly Gen<string> PathText =
        from n in Gen.Choose(0, 3)
        from segs in Gen.ArrayOf(Gen.Elements("a", "b", "ab"), n)
        from slash in Gen.Elements(false, true)
        select "/" + string.Join('/', segs) + (slash && n > 0 ? "/" : "");

    private static readonly Gen<(string Path, string Type)[]> Paths =
        from n in Gen.Choose(1, 4)
        from ps in Gen.ArrayOf(from p in PathText from t in Gen.Elements("Prefix", "Exact") select (p, t), n)
        select ps.DistinctBy(x => (x.t == "Prefix" ? x.p.TrimEnd('/') : x.p, x.t)).ToArray();

    private static string[] Segments(string p) => p.Split('/', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The API's definition: index of the path that must win, or null.</summary>
    private static int? Oracle((string Path, string Type)[] paths, string request)
    {
        var r = Segments(request);
        var matches = paths.Select((p, i) => (p, i)).Where(x => x.p.Type == "Exact"
            ? x.p.Path == request
            : Segments(x.p.Path) is var s && s.Length <= r.Length && s.SequenceEqual(r.Take(s.Length))).ToList();
        if (matches.Count == 0) return null;
        return matches.OrderByDescending(x => Segments(x.p.Path).Length).ThenBy(x => x.p.Type == "Exact" ? 0 : 1).First().i;
    }

    [Fact]
    public void NginxLocations_AgreeWithTheApiDefinitionOfPathTypes()
    {
        Prop.ForAll(Arb.From(Paths), Arb.From(PathText), (paths, request) =>
        {
            if (ShadowedPrefix(paths))
            {
                return true; // ingress-nginx departs from the API here: see the fact below
            }
            var t = IngressRouteTable.Build([Ing("p", "h", paths.Select((p, i) => Path(p.Path, p.Type, "p" + i)))], [NginxClass()]);
            var d = t.Decide(new IngressRequest("http", "h", request, "1.2.3.4"));
            if (d.Action == IngressAction.Redirect) d = t.Decide(new IngressRequest("http", "h", request + "/", "1.2.3.4"));
            var expected = Oracle(paths, request);
            return (expected is null ? null : "p" + expected) == d.Backend?.Service;
        }).QuickCheckThrowOnFailure();
    }

    // updateServerLocations adds the exact twin of a Prefix location only when no Exact location has
    // the same path; a Prefix path written with a trailing slash has that twin's path ("/p/").
    private static bool ShadowedPrefix((string Path, string Type)[] paths) =>
        paths.Any(p => p.Type == "Prefix" && p.Path != "/" && p.Path.EndsWith('/') && paths.Contains((p.Path, "Exact")));

    [Fact]
    public void A_trailing_slash_prefix_beside_an_exact_of_the_same_path_redirects_as_ingress_nginx_does()
    {
        // Exact /a/ and Prefix /a/ -> backend "exact" and "prefix": nginx has "= /a/" and "/a/" but no
        // "= /a", so /a is answered with the 301 of a slash-terminated prefix location, and /a/ then
        // goes to the Exact path (the API definition would send /a to the Prefix path).
        var t = IngressRouteTable.Build([Ing("p", "h", [Path("/a/", "Exact", "exact"), Path("/a/", "Prefix", "prefix")])], [NginxClass()]);
        Assert.Equal(IngressAction.Redirect, t.Decide(new IngressRequest("http", "h", "/a", "1.2.3.4")).Action);
        Assert.Equal("exact", t.Decide(new IngressRequest("http", "h", "/a/", "1.2.3.4")).Backend?.Service);
        Assert.Equal("prefix", t.Decide(new IngressRequest("http", "h", "/a/b", "1.2.3.4")).Backend?.Service);
    }
}

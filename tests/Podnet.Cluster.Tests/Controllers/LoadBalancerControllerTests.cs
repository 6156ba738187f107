using FsCheck;
using FsCheck.Fluent;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Controllers;
using Xunit;

namespace Podnet.Cluster.Tests.Controllers;

/// <summary>The emulated cloud provider's LoadBalancer controller: pool, requested IPs, classes, release, events, invariants.</summary>
public sealed class LoadBalancerControllerTests
{
    private static Service Lb(string name, string? requested = null, string? cls = null, string type = "LoadBalancer")
    {
        var s = TestObjects.Service("default", name, name, type: type);
        return s with { Spec = s.Spec with { LoadBalancerIP = requested, LoadBalancerClass = cls } };
    }

    private static ObjectSet Converge(ClusterConfig config, params Service[] services)
    {
        var set = TestObjects.NewCluster(config);
        foreach (var s in services) TestObjects.Admit(set, s, config);
        ControlPlane.Converge(set, config, TestObjects.Now);
        return set;
    }

    private static string? Ip(ObjectSet set, string name) =>
        set.Get<Service>("Service", "default", name)!.Status?.LoadBalancer?.Ingress.FirstOrDefault()?.Ip;

    [Theory]
    [InlineData("203.0.113.200-203.0.113.249", true, "203.0.113.200", "203.0.113.249")]
    [InlineData("203.0.113.192/26", true, "203.0.113.192", "203.0.113.255")]
    [InlineData("203.0.113.10 - 203.0.113.12", true, "203.0.113.10", "203.0.113.12")]
    [InlineData("203.0.113.20-203.0.113.10", false, "", "")]
    [InlineData("nope", false, "", "")]
    public void Pool_ParsesARangeOrACidr(string pool, bool ok, string first, string last)
    {
        Assert.Equal(ok, LoadBalancerController.TryParsePool(pool, out var f, out var l));
        if (ok) Assert.Equal((first, last), (Ipv4Cidr.FormatAddress(f), Ipv4Cidr.FormatAddress(l)));
    }

    [Fact]
    public void AnExhaustedPool_LeavesTheServicePending_WithAWarning()
    {
        var config = new ClusterConfig { LoadBalancerPool = "203.0.113.200-203.0.113.201" };
        var set = Converge(config, Lb("a"), Lb("b"), Lb("c"), Lb("plain", type: "NodePort"));
        Assert.Equal("203.0.113.200", Ip(set, "a"));
        Assert.Equal("203.0.113.201", Ip(set, "b"));
        Assert.Null(Ip(set, "c"));
        Assert.Null(Ip(set, "plain"));
        var warning = EventRecorder.For(set, set.Get<Service>("Service", "default", "c")!).Single(e => e.Type == "Warning");
        Assert.Equal("Error syncing load balancer: failed to ensure load balancer: no available IPs in the load-balancer pool 203.0.113.200-203.0.113.201", warning.Message);
        Assert.Equal(LoadBalancerController.Component, warning.Source?.Component);
    }

    [Fact]
    public void ConvergingAgain_ChangesNothing_AndAddressesSurviveOtherServicesComingAndGoing()
    {
        var config = new ClusterConfig();
        var set = Converge(config, Lb("a"), Lb("b"));
        var before = (Ip(set, "a"), Ip(set, "b"));
        set.ClearChanges();
        ControlPlane.Converge(set, config, TestObjects.Now.AddMinutes(1));
        Assert.Equal(0, set.ChangedCount);
        set.Remove("Service", "default", "a");
        TestObjects.Admit(set, Lb("c"), config);
        ControlPlane.Converge(set, config, TestObjects.Now.AddMinutes(2));
        Assert.Equal(before.Item2, Ip(set, "b"));
        Assert.Equal(before.Item1, Ip(set, "c")); // a's address was freed and is the lowest free one
    }

    private sealed record Want(int Kind, int Requested);

    [Fact]
    public void Property_AddressesAreDistinct_InThePool_AndRequestsAreHonouredWhenFree()
    {
        var gen = from n in Gen.Choose(1, 14)
                  from wants in Gen.ListOf(from k in Gen.Choose(0, 5) from r in Gen.Choose(0, 12) select new Want(k, r), n)
                  select wants.ToList();
        Prop.ForAll(gen.ToArbitrary(), wants =>
        {
            var config = new ClusterConfig { LoadBalancerPool = "203.0.113.200-203.0.113.209" };
            var services = wants.Select((w, i) => w.Kind switch
            {
                0 => Lb("s" + i, cls: "example.com/x"),
                1 => Lb("s" + i, type: "ClusterIP"),
                2 or 3 => Lb("s" + i, requested: "203.0.113." + (200 + w.Requested)),
                _ => Lb("s" + i),
            }).ToArray();
            var set = Converge(config, services);
            var given = new List<string>();
            var requestedTaken = new HashSet<string>(StringComparer.Ordinal);
            // Requests are served first-come (all were created at the same instant: by name).
            foreach (var (s, i) in services.Select((s, i) => (s, i)).OrderBy(x => x.s.Name, StringComparer.Ordinal))
            {
                var ip = Ip(set, s.Name);
                if (!LoadBalancerController.Owns(s))
                {
                    Assert.Null(ip);
                    continue;
                }
                if (s.Spec.LoadBalancerIP is { } want)
                {
                    var inPool = Ipv4Cidr.TryParseAddress(want, out var a) && a <= Ipv4Cidr.Parse("203.0.113.209/32").Network;
                    if (inPool && requestedTaken.Add(want)) Assert.Equal(want, ip);
                    else Assert.Null(ip);
                }
                if (ip is not null) given.Add(ip);
            }
            Assert.Equal(given.Count, given.Distinct(StringComparer.Ordinal).Count());
            Assert.All(given, ip => Assert.True(LoadBalancerController.TryParsePool(config.LoadBalancerPool, out var f, out var l)
                && Ipv4Cidr.TryParseAddress(ip, out var a) && a >= f && a <= l));
        }).QuickCheckThrowOnFailure();
    }
}

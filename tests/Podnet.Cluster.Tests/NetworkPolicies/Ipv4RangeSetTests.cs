using Podnet.Cluster.NetworkPolicies;
using Xunit;

namespace Podnet.Cluster.Tests.NetworkPolicies;

public class Ipv4RangeSetTests
{
    [Fact]
    public void CidrMinusExcept()
    {
        var s = Ipv4RangeSet.FromIpBlock("10.0.0.0/8", ["10.10.0.0/16"], out var err)!;
        Assert.Null(err);
        Assert.Equal("10.0.0.0-10.9.255.255,10.11.0.0-10.255.255.255", s.ToString());
        Assert.True(s.Contains(0x0A000001));
        Assert.False(s.Contains(0x0A0A0001));
    }

    [Fact]
    public void AdjacentExceptsMerge()
    {
        var s = Ipv4RangeSet.FromIpBlock("0.0.0.0/0", ["10.0.0.0/9", "10.128.0.0/9"], out _)!;
        Assert.Equal("0.0.0.0-9.255.255.255,11.0.0.0-255.255.255.255", s.ToString());
    }

    [Fact]
    public void HostBitsMaskedAndIpv6Rejected()
    {
        Assert.True(Ipv4Range.TryParseCidr("192.168.1.8/24", out var r));
        Assert.Equal("192.168.1.0-192.168.1.255", r.ToString());
        Assert.Null(Ipv4RangeSet.FromIpBlock("fd00::/64", [], out var err));
        Assert.NotNull(err);
    }

    [Fact]
    public void ToCidrsCoversExactly()
    {
        var s = Ipv4RangeSet.FromIpBlock("10.0.0.0/8", ["10.10.0.0/16"], out _)!;
        var cidrs = s.ToCidrs().ToList();
        Assert.Contains("10.0.0.0/13", cidrs);
        Assert.Contains("10.11.0.0/16", cidrs);
        var back = Ipv4RangeSet.FromRanges(cidrs.Select(c => { Ipv4Range.TryParseCidr(c, out var x); return x; }));
        Assert.Equal(s.ToString(), back.ToString());
        Assert.Equal(["0.0.0.0/0"], Ipv4RangeSet.Of(Ipv4Range.Everything).ToCidrs());
    }
}

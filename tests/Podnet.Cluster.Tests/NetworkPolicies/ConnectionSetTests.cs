using FsCheck;
using FsCheck.Fluent;
using Podnet.Cluster.NetworkPolicies;
using Xunit;

namespace Podnet.Cluster.Tests.NetworkPolicies;

public class ConnectionSetTests
{
    [Fact]
    public void AllAndEmptyPrintAsNetpolAnalyzerDoes()
    {
        Assert.Equal("All Connections", ConnectionSet.All.ToString());
        Assert.Equal("No Connections", ConnectionSet.Empty.ToString());
    }

    [Fact]
    public void ItemsSortedAsStringsAndRangesMerged()
    {
        var s = ConnectionSet.FromRanges([
            (PolicyProtocol.Tcp, new PortRange(8080, 8080)),
            (PolicyProtocol.Udp, new PortRange(9090, 9090)),
            (PolicyProtocol.Tcp, new PortRange(8081, 8081)),
            (PolicyProtocol.Sctp, new PortRange(7070, 7070)),
        ]);
        Assert.Equal("SCTP 7070,TCP 8080-8081,UDP 9090", s.ToString());
    }

    [Fact]
    public void SamePortTwoProtocols()
    {
        var s = ConnectionSet.Of(PolicyProtocol.Tcp, 8080).Union(ConnectionSet.Of(PolicyProtocol.Tcp, 9090)).Union(ConnectionSet.Of(PolicyProtocol.Udp, 8080));
        Assert.Equal("TCP 8080,9090,UDP 8080", s.ToString());
    }

    [Fact]
    public void FullRangesOnAllProtocolsAreAllConnections()
    {
        var s = ConnectionSet.FromRanges(PolicyProtocols.All.Select(p => (p, new PortRange(1, 65535))));
        Assert.True(s.IsAll);
        Assert.Equal("All Connections", s.ToString());
    }

    [Fact]
    public void PartialPrintsFullProtocolsAsRange()
    {
        var s = ConnectionSet.All.Subtract(ConnectionSet.Of(PolicyProtocol.Sctp, 9003));
        Assert.Equal("SCTP 1-9002,9004-65535,TCP 1-65535,UDP 1-65535", s.ToString());
    }

    [Fact]
    public void ExplainForm()
    {
        var s = ConnectionSet.All.Subtract(ConnectionSet.Of(PolicyProtocol.Tcp, 8080));
        Assert.Equal("TCP:[1-8079,8081-65535], UDP, SCTP", s.ToExplainString());
        Assert.Equal("UDP:[53]", ConnectionSet.Of(PolicyProtocol.Udp, 53).ToExplainString());
    }

    [Fact]
    public void OutOfRangeClampedAndInvertedEmpty()
    {
        Assert.True(ConnectionSet.Of(PolicyProtocol.Tcp, new PortRange(90, 80)).IsEmpty);
        Assert.Equal("TCP 1-10", ConnectionSet.Of(PolicyProtocol.Tcp, new PortRange(0, 10)).ToString());
    }

    private static Gen<ConnectionSet> SetGen =>
        from items in Gen.ListOf(
            from p in Gen.Elements(PolicyProtocol.Tcp, PolicyProtocol.Udp, PolicyProtocol.Sctp)
            from lo in Gen.Choose(1, 200)
            from len in Gen.Choose(0, 30)
            select (p, new PortRange(lo, lo + len)))
        select ConnectionSet.FromRanges(items);

    [Fact]
    public void AlgebraMatchesPointwiseMembership()
    {
        Prop.ForAll(SetGen.ToArbitrary(), SetGen.ToArbitrary(), (a, b) =>
        {
            var u = a.Union(b);
            var i = a.Intersect(b);
            var d = a.Subtract(b);
            foreach (var p in PolicyProtocols.All)
            {
                for (var port = 1; port <= 240; port++)
                {
                    var ina = a.Contains(p, port);
                    var inb = b.Contains(p, port);
                    if (u.Contains(p, port) != (ina || inb) || i.Contains(p, port) != (ina && inb) || d.Contains(p, port) != (ina && !inb))
                    {
                        return false;
                    }
                }
            }

            // canonical: equal membership implies equal value and text
            return u.Equals(b.Union(a)) && u.ToString() == b.Union(a).ToString() && i.Equals(b.Intersect(a));
        }).QuickCheckThrowOnFailure();
    }
}

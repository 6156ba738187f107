using FsCheck;
using FsCheck.Fluent;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Wire;
using Xunit;

namespace Podnet.Kernel.Tests.Stack;

/// <summary>
/// fib lookup: whatever the table's history of additions and removals, a lookup answers exactly the first
/// route (longest prefix, then lowest metric) whose prefix holds the address, as a plain scan of the
/// routes in lookup order does (the table remembers recent answers and must forget them on any change).
/// </summary>
public class RoutingTableTests
{
    private static Route? Reference(RoutingTable t, uint address) =>
        t.Routes.FirstOrDefault(r => r.Destination.Contains(address));

    [Fact]
    public void Property_lookups_equal_a_scan_across_changes()
    {
        // ops: (kind, address, length, metric); small address space so lookups hit and miss the same few
        // addresses between changes, and host routes (/32) beside shorter prefixes
        int[] lengths = [0, 8, 16, 24, 28, 30, 32];
        Prop.ForAll(
            Gen.ArrayOf(Gen.Choose(0, 10 * 256 * 7 * 4 - 1)).Where(a => a.Length <= 300).ToArbitrary(),
            ops =>
            {
                var t = new RoutingTable(254);
                foreach (var v in ops)
                {
                    int kind = v % 10, a = v / 10 % 256, len = lengths[v / 2560 % 7], metric = v / 17920 % 4;
                    uint address = 0x0A000000u | (uint)(a * 0x010203) & 0x00FFFFFF;
                    var prefix = new Ipv4Prefix(address, len);
                    if (kind <= 1)
                    {
                        if (t.Find(prefix, metric) is null)
                            t.Add(new Route(prefix, RouteType.Unicast, 0, null, 0, RouteScope.Universe, null, metric));
                    }
                    else if (kind == 2)
                    {
                        if (t.Find(prefix, metric) is { } r) t.Remove(r);
                    }
                    else
                    {
                        for (int k = 0; k < 4; k++)
                        {
                            uint probe = address ^ (uint)(k * 0x00010101);
                            Assert.Same(Reference(t, probe), t.Lookup(probe));
                        }
                    }
                }
            }).QuickCheckThrowOnFailure();
    }
}

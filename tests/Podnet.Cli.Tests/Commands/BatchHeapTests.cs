using System.Runtime;
using Podnet.Cli.Commands;
using Xunit;

namespace Podnet.Cli.Tests.Commands;

/// <summary>The collector is held off for large manifest inputs only, and let go for commands that go on serving.</summary>
[Collection(nameof(BatchHeapTests))] // (the latency mode is process-wide)
public sealed class BatchHeapTests
{
    [Fact]
    public void Large_manifests_hold_the_collector_off_until_left_small_ones_do_not()
    {
        var dir = Directory.CreateTempSubdirectory("podnet-heap").FullName;
        try
        {
            var small = Path.Combine(dir, "small.yaml");
            File.WriteAllText(small, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n");
            BatchHeap.EnterFor([small], recursive: false);
            Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);

            var nested = Directory.CreateDirectory(Path.Combine(dir, "nested")).FullName;
            File.WriteAllText(Path.Combine(nested, "big.yaml"), new string('#', (int)BatchHeap.Threshold));
            BatchHeap.EnterFor([dir], recursive: false); // the big file is one level down
            Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);

            BatchHeap.EnterFor([dir], recursive: true);
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
            BatchHeap.Leave();
            Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
            BatchHeap.Leave(); // twice is harmless
        }
        finally
        {
            BatchHeap.Leave();
            Directory.Delete(dir, recursive: true);
        }
    }
}

using Podnet.Cli.Printers;
using Xunit;

namespace Podnet.Cli.Tests.Printers;

public sealed class TabWriterTests
{
    private static string Format(string text, int minWidth = 6, int padding = 3)
    {
        var sw = new StringWriter();
        var w = new TabWriter(sw, minWidth, padding);
        w.Write(text);
        w.Flush();
        return sw.ToString();
    }

    [Fact]
    public void Columns_AreTheWidestCellPlusThreeSpaces_AndTheLastCellIsNotPadded()
    {
        var text = "NAME\tREADY\tSTATUS\nweb-6f8d9-4kx7z\t1/1\tRunning\n";
        Assert.Equal(
            "NAME              READY   STATUS\n" +
            "web-6f8d9-4kx7z   1/1     Running\n",
            Format(text));
    }

    [Fact]
    public void NarrowColumns_AreAtLeastMinWidth()
    {
        Assert.Equal("AGE   IP\n3m    10.244.1.4\n", Format("AGE\tIP\n3m\t10.244.1.4\n"));
    }

    [Fact]
    public void ALineWithFewerCells_EndsTheColumnBlock()
    {
        // Go's tabwriter aligns each run of lines that have a given column separately
        var text = "Name:\tweb\nEvents:\n  Type\tReason\n  ----\t------\n";
        Assert.Equal("Name:  web\nEvents:\n  Type  Reason\n  ----  ------\n", Format(text, 0, 2));
    }

    [Fact]
    public void EmptyCellsAlignToo()
    {
        Assert.Equal("Labels:  a=b\n         c=d\n", Format("Labels:\ta=b\n\tc=d\n", 0, 2));
    }

    [Fact]
    public void WidthCountsRunesNotUtf16Units()
    {
        Assert.Equal("é        x\nabcdef   y\n", Format("é\tx\nabcdef\ty\n"));
    }
}

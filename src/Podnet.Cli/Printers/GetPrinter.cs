using Podnet.Cluster.Api.Meta;

namespace Podnet.Cli.Printers;

/// <summary>How <c>get</c> prints tables (kubectl's <c>HumanReadablePrinter</c> options).</summary>
public sealed record TableOptions
{
    /// <summary><c>-o wide</c>: include priority-1 columns.</summary>
    public bool Wide { get; init; }

    /// <summary><c>-A</c>: prepend a NAMESPACE column (namespaced kinds only).</summary>
    public bool WithNamespace { get; init; }

    /// <summary><c>--show-labels</c>: append a LABELS column.</summary>
    public bool ShowLabels { get; init; }

    /// <summary><c>--no-headers</c>.</summary>
    public bool NoHeaders { get; init; }

    /// <summary>Prefix names with <c>kind.group/</c> (several types requested).</summary>
    public bool WithKind { get; init; }
}

/// <summary>
/// Prints <c>get</c> tables as kubectl does: upper-cased headers, the tab-aligned layout of
/// <see cref="TabWriter"/>, a NAMESPACE column with <c>-A</c>, LABELS with <c>--show-labels</c>,
/// <c>kind/name</c> when several types are shown, and a blank line between the tables of two types.
/// </summary>
public sealed class GetPrinter
{
    private readonly TextWriter output;
    private readonly TableOptions options;
    private bool printedAny;

    /// <summary>Creates a printer writing to <paramref name="output"/>.</summary>
    public GetPrinter(TextWriter output, TableOptions options)
    {
        this.output = output;
        this.options = options;
    }

    /// <summary>Prints one resource type's table (skipped entirely when it has no rows).</summary>
    public void Print(Table table, ResourceType type)
    {
        if (table.Rows.Count == 0)
        {
            return;
        }
        if (printedAny && !options.NoHeaders)
        {
            output.Write('\n');
        }
        printedAny = true;
        var w = new TabWriter(output);
        var columns = table.Columns.Select((c, i) => (c, i)).Where(x => options.Wide || x.c.Priority == 0).ToList();
        var withNamespace = options.WithNamespace && type.Namespaced;
        if (!options.NoHeaders)
        {
            var headers = new List<string>();
            if (withNamespace)
            {
                headers.Add("NAMESPACE");
            }
            headers.AddRange(columns.Select(x => x.c.Name.ToUpperInvariant()));
            if (options.ShowLabels)
            {
                headers.Add("LABELS");
            }
            w.WriteLine(string.Join("\t", headers));
        }
        foreach (var row in table.Rows)
        {
            var cells = new List<string>();
            if (withNamespace)
            {
                cells.Add(row.Object.Namespace);
            }
            foreach (var (c, i) in columns)
            {
                var cell = i < row.Cells.Count ? row.Cells[i] : "";
                if (i == 0 && options.WithKind)
                {
                    cell = type.QualifiedSingular + "/" + cell;
                }
                cells.Add(cell);
            }
            if (options.ShowLabels)
            {
                cells.Add(Format.Labels(row.Object.Metadata.Labels));
            }
            w.WriteLine(string.Join("\t", cells));
        }
        w.Flush();
    }
}

using System.Text;

namespace Podnet.Cli.Printers;

/// <summary>
/// Go's <c>text/tabwriter</c> as kubectl configures it (cli-runtime <c>printers.GetNewTabWriter</c>:
/// minwidth 6, tabwidth 4, padding 3, pad char ' ', flags RememberWidths). Cells are terminated by
/// '\t'; the text after a line's last tab is not part of a column and is never padded. Consecutive
/// lines that share a column form a column block whose width is the widest cell plus the padding.
/// </summary>
public sealed class TabWriter
{
    private readonly TextWriter output;
    private readonly int minWidth;
    private readonly int padding;
    private readonly List<string[]> lines = [];
    private readonly StringBuilder pending = new();
    private readonly List<int> widths = [];

    /// <summary>Creates a writer with kubectl's settings over <paramref name="output"/>.</summary>
    public TabWriter(TextWriter output, int minWidth = 6, int padding = 3)
    {
        this.output = output;
        this.minWidth = minWidth;
        this.padding = padding;
    }

    /// <summary>Buffers text; complete lines ('\n') become rows of cells.</summary>
    public void Write(string text)
    {
        foreach (var ch in text)
        {
            if (ch == '\n')
            {
                lines.Add(pending.ToString().Split('\t'));
                pending.Clear();
            }
            else
            {
                pending.Append(ch);
            }
        }
    }

    /// <summary>Buffers <paramref name="text"/> followed by a newline.</summary>
    public void WriteLine(string text = "") => Write(text + "\n");

    /// <summary>Formats and writes every buffered line (Go: <c>Flush</c>).</summary>
    public void Flush()
    {
        if (pending.Length > 0)
        {
            lines.Add(pending.ToString().Split('\t'));
            pending.Clear();
            Format(0, lines.Count, lastHasNewline: false);
        }
        else
        {
            Format(0, lines.Count, lastHasNewline: true);
        }
        lines.Clear();
        widths.Clear();
    }

    private bool lastLineHasNewline = true;

    private void Format(int line0, int line1, bool lastHasNewline)
    {
        lastLineHasNewline = lastHasNewline;
        FormatBlock(line0, line1);
    }

    private void FormatBlock(int line0, int line1)
    {
        int column = widths.Count;
        for (int current = line0; current < line1; current++)
        {
            if (column >= lines[current].Length - 1)
            {
                continue;
            }
            WriteLines(line0, current);
            line0 = current;
            int width = minWidth;
            for (; current < line1; current++)
            {
                var line = lines[current];
                if (column >= line.Length - 1)
                {
                    break;
                }
                int w = CellWidth(line[column]) + padding;
                if (w > width)
                {
                    width = w;
                }
            }
            widths.Add(width);
            FormatBlock(line0, current);
            widths.RemoveAt(widths.Count - 1);
            line0 = current;
        }
        WriteLines(line0, line1);
    }

    private void WriteLines(int line0, int line1)
    {
        for (int i = line0; i < line1; i++)
        {
            var line = lines[i];
            for (int j = 0; j < line.Length; j++)
            {
                var cell = line[j];
                output.Write(cell);
                if (j < widths.Count)
                {
                    int pad = widths[j] - CellWidth(cell);
                    if (pad > 0)
                    {
                        output.Write(new string(' ', pad));
                    }
                }
            }
            if (i + 1 < lines.Count || lastLineHasNewline)
            {
                output.Write('\n');
            }
        }
    }

    private static int CellWidth(string cell)
    {
        // Go counts runes (UTF-8 code points), not UTF-16 units.
        int n = 0;
        for (int i = 0; i < cell.Length; i++)
        {
            if (!char.IsLowSurrogate(cell[i]))
            {
                n++;
            }
        }
        return n;
    }
}

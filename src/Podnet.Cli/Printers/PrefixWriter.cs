namespace Podnet.Cli.Printers;

/// <summary>
/// kubectl describe's <c>PrefixWriter</c> over its <c>tabbedString</c> tabwriter (minwidth 0,
/// tabwidth 8, padding 2, pad char ' '): each level indents two spaces; tabs align values.
/// </summary>
public sealed class PrefixWriter
{
    private readonly TabWriter tab;

    /// <summary>Creates a writer whose text is aligned and written on <see cref="Flush"/>.</summary>
    public PrefixWriter(TextWriter output)
    {
        tab = new TabWriter(output, minWidth: 0, padding: 2);
    }

    /// <summary>Writes <paramref name="text"/> indented by <paramref name="level"/> × 2 spaces.</summary>
    public void Write(int level, string text) => tab.Write(new string(' ', level * 2) + text);

    /// <summary>Writes <paramref name="text"/> and a newline, without indentation (Go: <c>WriteLine</c>).</summary>
    public void WriteLine(string text) => tab.Write(text + "\n");

    /// <summary>Aligns and writes what was buffered (Go: <c>Flush</c>).</summary>
    public void Flush() => tab.Flush();
}

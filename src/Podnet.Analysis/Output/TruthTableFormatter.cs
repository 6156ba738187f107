using Podnet.Cluster.NetworkPolicies;
using System.Text;

namespace Podnet.Analysis.Output;

/// <summary>
/// Cyclonus-style truth table (its tablewriter layout): sources in rows, destinations in columns
/// (headers upper-cased), <c>.</c> allowed and <c>X</c> blocked, boxed with <c>+---+</c> borders.
/// </summary>
public static class TruthTableFormatter
{
    /// <summary>The mark for an allowed cell.</summary>
    public const string Allowed = ".";

    /// <summary>The mark for a blocked cell.</summary>
    public const string Blocked = "X";

    /// <summary>
    /// Formats a table of <paramref name="names"/> x <paramref name="names"/>, <paramref name="cell"/>
    /// giving the text of (row, column). <paramref name="corner"/> is the top-left header text.
    /// </summary>
    public static string Format(IReadOnlyList<string> names, Func<int, int, string> cell, string corner = "")
    {
        var n = names.Count;
        var grid = new string[n + 1][];
        grid[0] = new string[n + 1];
        grid[0][0] = corner.ToUpperInvariant();
        for (var j = 0; j < n; j++)
        {
            grid[0][j + 1] = names[j].ToUpperInvariant();
        }

        for (var i = 0; i < n; i++)
        {
            grid[i + 1] = new string[n + 1];
            grid[i + 1][0] = names[i];
            for (var j = 0; j < n; j++)
            {
                grid[i + 1][j + 1] = cell(i, j);
            }
        }

        var widths = new int[n + 1];
        for (var j = 0; j <= n; j++)
        {
            widths[j] = grid.Max(r => r[j].Length);
        }

        var border = new StringBuilder("+");
        foreach (var w in widths)
        {
            border.Append('-', w + 2).Append('+');
        }

        var sb = new StringBuilder();
        sb.Append(border).Append('\n');
        AppendRow(sb, grid[0], widths, center: true);
        sb.Append(border).Append('\n');
        for (var i = 1; i <= n; i++)
        {
            AppendRow(sb, grid[i], widths, center: false);
        }

        sb.Append(border).Append('\n');
        return sb.ToString();
    }

    private static void AppendRow(StringBuilder sb, string[] row, int[] widths, bool center)
    {
        sb.Append('|');
        for (var j = 0; j < row.Length; j++)
        {
            var text = row[j];
            var pad = widths[j] - text.Length;
            var left = center ? pad / 2 : 0;
            sb.Append(' ').Append(' ', left).Append(text).Append(' ', pad - left).Append(" |");
        }

        sb.Append('\n');
    }
}

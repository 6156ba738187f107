using System.Text;

namespace Podnet.Cluster.Images;

/// <summary>A container's stdout/stderr as the container runtime keeps it (what <c>kubectl logs</c> shows).</summary>
public sealed class ContainerLog
{
    private readonly StringBuilder _text = new();

    /// <summary>Appends one line.</summary>
    public void Line(string line) => _text.Append(line).Append('\n');

    /// <summary>Everything logged so far.</summary>
    public string Text => _text.ToString();

    /// <summary>The lines logged so far.</summary>
    public IReadOnlyList<string> Lines => Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

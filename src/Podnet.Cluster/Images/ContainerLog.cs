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

    /// <summary>Where the start-up output ends (set once, when the kubelet's start of the container has settled), or -1.</summary>
    public int StartupEnd { get; private set; } = -1;

    /// <summary>Marks the end of the start-up output (once).</summary>
    public void MarkStartupEnd()
    {
        if (StartupEnd < 0) StartupEnd = _text.Length;
    }

    /// <summary>What was logged after the start-up output (everything when it was never marked).</summary>
    public string SinceStartup => _text.ToString(Math.Max(0, StartupEnd), _text.Length - Math.Max(0, StartupEnd));

    /// <summary>The lines logged so far.</summary>
    public IReadOnlyList<string> Lines => Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

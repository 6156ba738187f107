using System.Text;

namespace Podnet.Cluster.Images;

/// <summary>A container's stdout/stderr as the container runtime keeps it (what <c>kubectl logs</c> shows).</summary>
public sealed class ContainerLog
{
    private readonly StringBuilder _text = new();

    /// <summary>The kubelet's default <c>containerLogMaxSize</c> (10Mi): older output is rotated away beyond it.</summary>
    public const int MaxSize = 10 * 1024 * 1024;

    /// <summary>Appends one line; past <see cref="MaxSize"/> the oldest half is dropped, as log rotation would.</summary>
    public void Line(string line)
    {
        _text.Append(line).Append('\n');
        if (_text.Length <= MaxSize) return;
        int cut = _text.Length / 2;
        while (cut < _text.Length && _text[cut - 1] != '\n') cut++;
        _text.Remove(0, cut);
        if (StartupEnd > 0) StartupEnd = Math.Max(0, StartupEnd - cut);
    }

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

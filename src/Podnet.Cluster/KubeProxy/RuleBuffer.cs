using System.Text;

namespace Podnet.Cluster.KubeProxy;

/// <summary>
/// Upstream <c>proxyutil.LineBuffer</c>: a reusable text buffer of newline-terminated lines that
/// counts them. A discarding buffer (for skipped services in a partial sync) only counts.
/// </summary>
internal sealed class RuleBuffer
{
    private readonly StringBuilder? _sb;

    public RuleBuffer(bool discard = false, int capacity = 1024)
    {
        if (!discard) _sb = new StringBuilder(capacity);
    }

    public int Lines { get; private set; }

    public int Length => _sb?.Length ?? 0;

    public void Reset()
    {
        _sb?.Clear();
        Lines = 0;
    }

    /// <summary>Starts a line; the caller appends to <see cref="Builder"/> and calls <see cref="EndLine"/>.</summary>
    public StringBuilder? Begin()
    {
        Lines++;
        return _sb;
    }

    public void Line(string text)
    {
        Lines++;
        _sb?.Append(text).Append('\n');
    }

    public void Line(string a, string b)
    {
        Lines++;
        _sb?.Append(a).Append(b).Append('\n');
    }

    public void Line(string a, string b, string c)
    {
        Lines++;
        _sb?.Append(a).Append(b).Append(c).Append('\n');
    }

    public void Line(string a, string b, string c, string d)
    {
        Lines++;
        _sb?.Append(a).Append(b).Append(c).Append(d).Append('\n');
    }

    /// <summary>Appends text that already holds <paramref name="lines"/> complete lines.</summary>
    public void Append(string text, int lines)
    {
        Lines += lines;
        _sb?.Append(text);
    }

    /// <summary>The text written since <paramref name="start"/> (a previous <see cref="Length"/>).</summary>
    public string Since(int start) => _sb is null ? "" : _sb.ToString(start, _sb.Length - start);

    public void CopyTo(StringBuilder target)
    {
        if (_sb is null) return;
        foreach (var chunk in _sb.GetChunks()) target.Append(chunk.Span);
    }

    public override string ToString() => _sb?.ToString() ?? "";
}

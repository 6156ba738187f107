using YamlDotNet.Core;

namespace Podnet.Cluster.Api.Serialization;

/// <summary>
/// A YAML syntax error in go-yaml's words (<c>yaml: line 7: mapping values are not allowed in this context</c>),
/// with the line counted from the start of the document as kubectl reports it.
/// </summary>
public sealed class YamlSyntaxException : Exception
{
    /// <summary>Creates the error.</summary>
    public YamlSyntaxException(long line, string problem, bool scannerError)
        : base(Format(line, problem))
    {
        Line = line;
        Problem = problem;
        ScannerError = scannerError;
    }

    /// <summary>The line go-yaml reports (0 when none).</summary>
    public long Line { get; }

    /// <summary>The problem text (libyaml's wording).</summary>
    public string Problem { get; }

    /// <summary>True for scanner (token) errors, false for parser (structure) errors.</summary>
    public bool ScannerError { get; }

    /// <summary>The same error with the line shifted by <paramref name="offset"/> lines.</summary>
    public YamlSyntaxException WithLineOffset(long offset) =>
        Line == 0 ? this : new YamlSyntaxException(Line + offset, Problem, ScannerError);

    private static string Format(long line, string problem) =>
        line > 0 ? $"yaml: line {line}: {problem}" : $"yaml: {problem}";

    /// <summary>
    /// Translates a YamlDotNet error (a port of libyaml, so the problems are libyaml's sentences) to go-yaml's
    /// form: lower-case, no trailing period, and go-yaml's line rule (scanner errors report the problem's
    /// line; parser errors report libyaml's 0-based problem line, i.e. one less).
    /// </summary>
    public static YamlSyntaxException FromYamlDotNet(YamlException e)
    {
        var msg = e.Message;
        // YamlDotNet prefixes "(Line: a, Col: b, Idx: c) - (Line: ...): "
        var idx = msg.LastIndexOf("): ", StringComparison.Ordinal);
        if (msg.StartsWith("(Line:", StringComparison.Ordinal) && idx >= 0)
        {
            msg = msg[(idx + 3)..];
        }

        msg = msg.Trim().TrimEnd('.');
        var scanner = e is SyntaxErrorException;
        var problem = Translate(msg, out var isScanner);
        scanner = isScanner ?? scanner;
        var line = e.Start.Line;
        if (!scanner)
        {
            line -= 1;
        }

        return new YamlSyntaxException(line, problem, scanner);
    }

    private static string Translate(string m, out bool? scanner)
    {
        scanner = null;
        var lower = m.Length > 0 ? char.ToLowerInvariant(m[0]) + m[1..] : m;
        if (lower.Contains("mapping values are not allowed in this context", StringComparison.OrdinalIgnoreCase) ||
            lower.Contains("found invalid mapping", StringComparison.OrdinalIgnoreCase))
        {
            scanner = true;
            return "mapping values are not allowed in this context";
        }

        if (lower.Contains("did not find expected key", StringComparison.OrdinalIgnoreCase) ||
            lower.Contains("while parsing a block mapping", StringComparison.OrdinalIgnoreCase))
        {
            scanner = false;
            return "did not find expected key";
        }

        if (lower.Contains("did not find expected '-' indicator", StringComparison.OrdinalIgnoreCase) ||
            lower.Contains("while parsing a block collection", StringComparison.OrdinalIgnoreCase))
        {
            scanner = false;
            return "did not find expected '-' indicator";
        }

        if (lower.Contains("could not find expected ':'", StringComparison.OrdinalIgnoreCase) ||
            lower.Contains("while scanning a simple key", StringComparison.OrdinalIgnoreCase))
        {
            scanner = true;
            return "could not find expected ':'";
        }

        if (lower.Contains("found character that cannot start any token", StringComparison.OrdinalIgnoreCase))
        {
            scanner = true;
            return "found character that cannot start any token";
        }

        if (lower.Contains("found a tab character", StringComparison.OrdinalIgnoreCase))
        {
            scanner = true;
            return "found a tab character that violates indentation";
        }

        if (lower.Contains("found unexpected end of stream", StringComparison.OrdinalIgnoreCase))
        {
            scanner = true;
            return "found unexpected end of stream";
        }

        if (lower.Contains("did not find expected node content", StringComparison.OrdinalIgnoreCase))
        {
            scanner = false;
            return "did not find expected node content";
        }

        return lower;
    }
}

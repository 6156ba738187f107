using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Serialization;

/// <summary>One object read from a manifest, with where it came from (kubectl's <c>resource.Info</c> source).</summary>
/// <param name="Object">The decoded object.</param>
/// <param name="Source">The file path as given (or <c>STDIN</c>).</param>
/// <param name="Document">0-based document index inside the source.</param>
public sealed record ManifestItem(KubeObject Object, string Source, int Document);

/// <summary>
/// A problem with one document or file, in kubectl's words. <see cref="Message"/> is what kubectl prints
/// after <c>error: </c> (or, for server-side decode errors, the whole <c>Error from server ...</c> line).
/// Fatal errors (syntax errors, missing paths) mean the input could not be read at all.
/// </summary>
public sealed record ManifestError(string Source, int Document, string Message, bool Fatal = false)
{
    /// <summary>Line of a syntax error in the whole file (1-based), 0 when not applicable.</summary>
    public long Line { get; init; }

    /// <summary>For unknown kinds: the kind asked for.</summary>
    public string? UnknownKind { get; init; }

    /// <summary>For unknown kinds: the apiVersion asked for.</summary>
    public string? UnknownApiVersion { get; init; }

    /// <summary>The object name, when known.</summary>
    public string? ObjectName { get; init; }

    /// <summary>The kind, when known.</summary>
    public string? Kind { get; init; }

    /// <summary>The line kubectl prints for this error.</summary>
    public string KubectlLine => Message.StartsWith("Error from server", StringComparison.Ordinal) ? Message : "error: " + Message;
}

/// <summary>The result of reading manifests: objects in input order, plus per-document errors.</summary>
public sealed class ManifestSet
{
    private readonly List<ManifestItem> _items = [];
    private readonly List<ManifestError> _errors = [];

    /// <summary>Objects read, in input order.</summary>
    public IReadOnlyList<ManifestItem> Items => _items;

    /// <summary>Problems, in input order.</summary>
    public IReadOnlyList<ManifestError> Errors => _errors;

    /// <summary>The objects alone.</summary>
    public IEnumerable<KubeObject> Objects => _items.Select(i => i.Object);

    /// <summary>True when some input could not be read at all (kubectl changes nothing then).</summary>
    public bool HasFatalErrors => _errors.Any(e => e.Fatal);

    /// <summary>Adds an object.</summary>
    public void Add(ManifestItem item) => _items.Add(item);

    /// <summary>Adds an error.</summary>
    public void Add(ManifestError error) => _errors.Add(error);

    /// <summary>Adds errors and returns this set.</summary>
    public ManifestSet WithErrors(IEnumerable<ManifestError> errors)
    {
        _errors.AddRange(errors);
        return this;
    }

    /// <summary>Appends another set.</summary>
    public void AddRange(ManifestSet other)
    {
        _items.AddRange(other._items);
        _errors.AddRange(other._errors);
    }
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Serialization;

/// <summary>
/// Reads manifests the way <c>kubectl apply -f</c> does: a file, a folder (files ending in .yaml, .yml
/// or .json, in lexical order, optionally recursive like <c>-R</c>) or a stream (<c>-f -</c>, named
/// <c>STDIN</c>). A stream starting with <c>{</c> is JSON (several concatenated objects allowed), any
/// other is YAML split on <c>---</c> lines as kubectl's YAMLReader splits it. <c>kind: List</c> and
/// <c>*List</c> objects are flattened into their items. Errors are collected in kubectl's wording
/// rather than thrown, so the caller can apply the valid objects and report the rest.
/// </summary>
public static class ManifestReader
{
    /// <summary>The source name kubectl uses for <c>-f -</c>.</summary>
    public const string StdinName = "STDIN";

    /// <summary>Reads a file or a folder.</summary>
    public static ManifestSet ReadPath(string path, bool recursive)
    {
        var set = new ManifestSet();
        if (path == "-")
        {
            ReadInto(set, Console.In.ReadToEnd(), StdinName);
            return set;
        }

        if (Directory.Exists(path))
        {
            foreach (var file in EnumerateManifestFiles(path, recursive))
            {
                ReadInto(set, File.ReadAllText(file), file);
            }

            return set;
        }

        if (!File.Exists(path))
        {
            set.Add(new ManifestError(path, 0, $"the path \"{path}\" does not exist", Fatal: true));
            return set;
        }

        ReadInto(set, File.ReadAllText(path), path);
        return set;
    }

    /// <summary>Reads a stream (for <c>-f -</c>, pass <see cref="Console.In"/> and <see cref="StdinName"/>).</summary>
    public static ManifestSet Read(TextReader reader, string sourceName = StdinName)
    {
        var set = new ManifestSet();
        ReadInto(set, reader.ReadToEnd(), sourceName);
        return set;
    }

    /// <summary>Reads manifest text.</summary>
    public static ManifestSet ReadText(string text, string sourceName)
    {
        var set = new ManifestSet();
        ReadInto(set, text, sourceName);
        return set;
    }

    /// <summary>Files kubectl would read from a folder: *.yaml, *.yml, *.json, sorted, optionally recursive.</summary>
    public static IEnumerable<string> EnumerateManifestFiles(string folder, bool recursive)
    {
        var entries = Directory.GetFileSystemEntries(folder).Order(StringComparer.Ordinal).ToList();
        foreach (var e in entries)
        {
            if (Directory.Exists(e))
            {
                if (recursive)
                {
                    foreach (var f in EnumerateManifestFiles(e, recursive))
                    {
                        yield return f;
                    }
                }

                continue;
            }

            var ext = Path.GetExtension(e);
            if (ext is ".yaml" or ".yml" or ".json")
            {
                yield return e;
            }
        }
    }

    /// <summary>Reads text into an existing set (used to accumulate several -f arguments).</summary>
    public static void ReadInto(ManifestSet set, string text, string source) => ReadInto(set, text, source, fastPath: true);

    /// <summary>
    /// Reads text into a set; with <paramref name="fastPath"/> false every document takes the YamlDotNet path
    /// (tests and benchmarks compare the two).
    /// </summary>
    internal static void ReadInto(ManifestSet set, string text, string source, bool fastPath)
    {
        var firstNonSpace = 0;
        while (firstNonSpace < text.Length && char.IsWhiteSpace(text[firstNonSpace]))
        {
            firstNonSpace++;
        }

        if (firstNonSpace < text.Length && text[firstNonSpace] == '{')
        {
            ReadJson(set, text, source);
            return;
        }

        var chunks = SplitYamlDocuments(text).ToList();
        var parts = new ManifestSet[chunks.Count];
        var stop = new bool[chunks.Count];

        // Documents are independent: parse and decode them in parallel, then merge in input order.
        void Work(int i)
        {
            var (chunk, firstLine) = chunks[i];
            var part = new ManifestSet();
            if (fastPath && TryReadFast(part, chunk, source, i))
            {
                parts[i] = part;
                return;
            }

            try
            {
                foreach (var root in YamlToJson.ParseDocuments(chunk))
                {
                    AddDocument(part, root, source, i);
                }
            }
            catch (YamlSyntaxException e)
            {
                part.Add(new ManifestError(source, i,
                    $"error parsing {source}: error converting YAML to JSON: {e.Message}", Fatal: true)
                { Line = e.Line == 0 ? 0 : e.Line + firstLine - 1 });
                stop[i] = true;
            }

            parts[i] = part;
        }

        ParallelWork.For(chunks.Count, Work, minimum: 64);

        for (var i = 0; i < chunks.Count; i++)
        {
            if (stop[i])
            {
                // kubectl's decoder stops reading this stream at a syntax error
                set.AddRange(new ManifestSet().WithErrors(parts[i].Errors.Where(e => e.Fatal)));
                return;
            }

            set.AddRange(parts[i]);
        }
    }

    /// <summary>
    /// Splits a YAML stream as <c>k8s.io/apimachinery/pkg/util/yaml.YAMLReader</c> does: a line starting with
    /// <c>---</c> followed only by blanks or a comment separates documents. Returns each chunk with the
    /// 1-based number of its first line in the stream.
    /// </summary>
    public static IEnumerable<(string Chunk, int FirstLine)> SplitYamlDocuments(string text)
    {
        var start = 0;
        var line = 1;
        var chunkFirstLine = 1;
        var pos = 0;
        while (pos <= text.Length)
        {
            var nl = text.IndexOf('\n', pos);
            var end = nl < 0 ? text.Length : nl;
            if (end - pos >= 3 && string.CompareOrdinal(text, pos, "---", 0, 3) == 0 && IsSeparatorRest(text, pos + 3, end))
            {
                var chunk = text[start..pos];
                if (!IsBlank(chunk))
                {
                    yield return (chunk, chunkFirstLine);
                }

                start = nl < 0 ? text.Length : nl + 1;
                chunkFirstLine = line + 1;
            }

            if (nl < 0)
            {
                break;
            }

            pos = nl + 1;
            line++;
        }

        if (start < text.Length)
        {
            var last = text[start..];
            if (!IsBlank(last))
            {
                yield return (last, chunkFirstLine);
            }
        }
    }

    /// <summary>
    /// The fast path for one document: <see cref="BlockYamlToJson"/> writes its JSON, which is decoded straight
    /// into the typed object. Anything else (a document outside the fast subset, a missing or unknown kind,
    /// a List, a decode error) returns false with nothing added, and the document takes the full path, so
    /// that results and error messages are those of the full path.
    /// </summary>
    private static bool TryReadFast(ManifestSet part, string chunk, string source, int docIndex)
    {
        var fast = BlockYamlToJson.ForThread();
        if (!fast.TryConvert(chunk))
        {
            return false;
        }

        var apiVersion = fast.ApiVersion;
        var kind = fast.Kind;
        if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind) || kind.EndsWith("List", StringComparison.Ordinal))
        {
            return false;
        }

        var type = KindRegistry.FindByKind(apiVersion, kind);
        if (type is null)
        {
            return false;
        }

        KubeObject? obj;
        try
        {
            obj = (KubeObject?)JsonSerializer.Deserialize(fast.Json, type.ClrType, KubeJson.Options);
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }

        if (obj is null)
        {
            return false;
        }

        part.Add(new ManifestItem(obj, source, docIndex));
        return true;
    }

    private static bool IsSeparatorRest(string text, int from, int end)
    {
        for (var i = from; i < end; i++)
        {
            var c = text[i];
            if (c == '#')
            {
                return true;
            }

            if (!char.IsWhiteSpace(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsBlank(string chunk)
    {
        foreach (var rawLine in chunk.AsSpan().EnumerateLines())
        {
            var l = rawLine.Trim();
            if (l.Length > 0 && l[0] != '#')
            {
                return false;
            }
        }

        return true;
    }

    private static void ReadJson(ManifestSet set, string text, string source)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Skip });
        var index = 0;
        try
        {
            while (reader.Read())
            {
                var node = JsonNode.Parse(ref reader);
                AddDocument(set, node, source, index++);
            }
        }
        catch (JsonException e)
        {
            set.Add(new ManifestError(source, index, $"error parsing {source}: {GoJsonError(e)}", Fatal: true)
            { Line = (e.LineNumber ?? -1) + 1 });
        }
    }

    private static string GoJsonError(JsonException e)
    {
        var msg = e.Message;
        var cut = msg.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut >= 0)
        {
            msg = msg[..cut];
        }

        return $"json: line {(e.LineNumber ?? 0) + 1}: {msg.TrimEnd('.', ' ')}";
    }

    private static void AddDocument(ManifestSet set, JsonNode? root, string source, int docIndex)
    {
        if (root is null)
        {
            return; // an empty document (only "null") is skipped like kubectl skips it
        }

        if (root is not JsonObject obj)
        {
            var what = root is JsonArray ? "array" : "string";
            set.Add(new ManifestError(source, docIndex,
                $"error validating \"{source}\": error validating data: invalid object to validate: json: cannot unmarshal {what} into Go value of type map[string]interface {{}}; if you choose to ignore these errors, turn validation off with --validate=false"));
            return;
        }

        AddObject(set, obj, source, docIndex, null);
    }

    private static void AddObject(ManifestSet set, JsonObject obj, string source, int docIndex, (string ApiVersion, string Kind)? listDefaults)
    {
        var apiVersion = obj["apiVersion"] is JsonValue av && av.TryGetValue<string>(out var avs) ? avs : null;
        var kind = obj["kind"] is JsonValue kv && kv.TryGetValue<string>(out var kvs) ? kvs : null;
        if (listDefaults is { } d)
        {
            if (string.IsNullOrEmpty(apiVersion))
            {
                apiVersion = d.ApiVersion;
                obj["apiVersion"] = apiVersion;
            }

            if (string.IsNullOrEmpty(kind) && d.Kind.Length > 0)
            {
                kind = d.Kind;
                obj["kind"] = kind;
            }
        }

        if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind))
        {
            var missing = new List<string>();
            if (string.IsNullOrEmpty(apiVersion)) missing.Add("apiVersion not set");
            if (string.IsNullOrEmpty(kind)) missing.Add("kind not set");
            var text = missing.Count == 1 ? missing[0] : "[" + string.Join(", ", missing) + "]";
            set.Add(new ManifestError(source, docIndex,
                $"error validating \"{source}\": error validating data: {text}; if you choose to ignore these errors, turn validation off with --validate=false"));
            return;
        }

        if (kind.EndsWith("List", StringComparison.Ordinal) && obj["items"] is JsonArray items)
        {
            var itemKind = kind == "List" ? "" : kind[..^4];
            foreach (var item in items)
            {
                if (item is JsonObject io)
                {
                    AddObject(set, (JsonObject)io.DeepClone(), source, docIndex, (apiVersion, itemKind));
                }
            }

            return;
        }

        var type = KindRegistry.FindByKind(apiVersion, kind);
        if (type is null)
        {
            var meta = obj["metadata"] as JsonObject;
            var name = meta?["name"]?.ToString() ?? "";
            var ns = meta?["namespace"]?.ToString() ?? "";
            set.Add(new ManifestError(source, docIndex,
                $"resource mapping not found for name: \"{name}\" namespace: \"{ns}\" from \"{source}\": no matches for kind \"{kind}\" in version \"{apiVersion}\"\nensure CRDs are installed first")
            { UnknownKind = kind, UnknownApiVersion = apiVersion });
            return;
        }

        try
        {
            var decoded = KubeObjectCodec.Decode(obj, type);
            set.Add(new ManifestItem(decoded, source, docIndex));
        }
        catch (ObjectDecodeException e)
        {
            var name = (obj["metadata"] as JsonObject)?["name"]?.ToString() ?? "";
            set.Add(new ManifestError(source, docIndex, $"Error from server (BadRequest): error when creating \"{source}\": {e.Message}")
            { ObjectName = name, Kind = type.Kind });
        }
    }
}

using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Podnet.Cluster.Api.Serialization;

/// <summary>
/// Converts one YAML document to a JSON tree, straight from the YAML parser's events (no intermediate
/// object model), as <c>sigs.k8s.io/yaml.YAMLToJSON</c> does for kubectl: yaml.v2 scalar resolution,
/// non-string keys turned into strings, anchors and aliases expanded, <c>&lt;&lt;</c> merge keys applied.
/// </summary>
public static class YamlToJson
{
    /// <summary>
    /// Parses every YAML document of <paramref name="text"/> (which should hold one document, as kubectl
    /// splits streams on <c>---</c> lines first). Returns the root nodes; a document that is empty or only
    /// comments yields nothing. Throws <see cref="YamlSyntaxException"/> with go-yaml's message and line.
    /// </summary>
    public static List<JsonNode?> ParseDocuments(string text) => ParseDocuments(text, firstErrorOnCrash: true);

    private static List<JsonNode?> ParseDocuments(string text, bool firstErrorOnCrash)
    {
        var result = new List<JsonNode?>();
        var parser = new Parser(new Scanner(new StringReader(text), skipComments: true));
        var flows = new Stack<NodeEvent>();
        try
        {
            parser.Consume<StreamStart>();
            while (!parser.Accept<StreamEnd>(out _))
            {
                var anchors = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
                parser.Consume<DocumentStart>();
                if (parser.Accept<DocumentEnd>(out _))
                {
                    parser.Consume<DocumentEnd>();
                    continue;
                }

                var root = ReadNode(parser, anchors, flows);
                parser.Consume<DocumentEnd>();
                result.Add(root);
            }
        }
        catch (YamlException e)
        {
            throw YamlSyntaxException.FromYamlDotNet(e);
        }
        catch (InvalidOperationException) when (flows.Count > 0)
        {
            // YamlDotNet's scanner gives up (instead of reporting) when an unclosed flow collection is
            // followed by more lines: the error it reports when the collection ends the text instead.
            throw flows.Peek() is SequenceStart s
                ? new YamlSyntaxException(s.Start.Line, "while parsing a flow sequence, did not find expected ',' or ']'", false)
                : new YamlSyntaxException(flows.Peek().Start.Line, "while parsing a flow mapping, did not find expected ',' or '}'", false);
        }
        catch (InvalidOperationException) when (firstErrorOnCrash)
        {
            // The scanner gave up elsewhere (e.g. a '{' continuing a plain scalar, then more lines). libyaml
            // reports the first error it meets reading forward: the first error of a growing prefix of the text.
            throw FirstErrorOfPrefixes(text);
        }

        return result;
    }

    private static YamlSyntaxException FirstErrorOfPrefixes(string text)
    {
        var lines = text.Split('\n');
        for (int n = 1; n <= Math.Min(lines.Length, 2000); n++)
        {
            var prefix = string.Join('\n', lines, 0, n) + "\n";
            try
            {
                ParseDocuments(prefix, firstErrorOnCrash: false);
            }
            catch (YamlSyntaxException e)
            {
                return e;
            }
            catch (InvalidOperationException)
            {
                // this prefix makes the scanner give up too: a longer one may still report
            }
        }
        return new YamlSyntaxException(lines.Length, "did not find expected key", false);
    }

    private static JsonNode? ReadNode(IParser parser, Dictionary<string, JsonNode?> anchors, Stack<NodeEvent> flows)
    {
        if (parser.Current is SequenceStart { Style: SequenceStyle.Flow } or MappingStart { Style: MappingStyle.Flow })
        {
            flows.Push((NodeEvent)parser.Current);
        }
        var ev = parser.Consume<ParsingEvent>();
        switch (ev)
        {
            case Scalar s:
                {
                    var v = ScalarValue(s);
                    Remember(anchors, s.Anchor, v);
                    return v;
                }

            case AnchorAlias a:
                if (!anchors.TryGetValue(a.Value.Value, out var target))
                {
                    throw new YamlSyntaxException(a.Start.Line, $"unknown anchor '{a.Value.Value}' referenced", false);
                }

                return target?.DeepClone();

            case SequenceStart ss:
                {
                    var arr = new JsonArray();
                    while (!parser.Accept<SequenceEnd>(out _))
                    {
                        arr.Add(ReadNode(parser, anchors, flows));
                    }

                    parser.Consume<SequenceEnd>();
                    if (ss.Style == SequenceStyle.Flow) flows.Pop();
                    Remember(anchors, ss.Anchor, arr);
                    return arr;
                }

            case MappingStart ms:
                {
                    var obj = new JsonObject();
                    while (!parser.Accept<MappingEnd>(out _))
                    {
                        var keyEvent = parser.Current;
                        var keyNode = ReadNode(parser, anchors, flows);
                        var value = ReadNode(parser, anchors, flows);
                        if (keyEvent is Scalar { Style: ScalarStyle.Plain, Value: "<<" })
                        {
                            Merge(obj, value);
                            continue;
                        }

                        var key = KeyText(keyNode);
                        // Later keys win, as in yaml.v2 decoding into a map.
                        obj.Remove(key);
                        obj[key] = value;
                    }

                    parser.Consume<MappingEnd>();
                    if (ms.Style == MappingStyle.Flow) flows.Pop();
                    Remember(anchors, ms.Anchor, obj);
                    return obj;
                }

            default:
                throw new YamlSyntaxException(ev.Start.Line, "unexpected YAML event " + ev.GetType().Name, false);
        }
    }

    private static void Merge(JsonObject into, JsonNode? value)
    {
        switch (value)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    if (!into.ContainsKey(k))
                    {
                        into[k] = v?.DeepClone();
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Merge(into, item);
                }

                break;
            default:
                throw new YamlSyntaxException(0, "map merge requires map or sequence of maps as the value", false);
        }
    }

    private static void Remember(Dictionary<string, JsonNode?> anchors, AnchorName anchor, JsonNode? node)
    {
        if (!anchor.IsEmpty)
        {
            anchors[anchor.Value] = node;
        }
    }

    private static string KeyText(JsonNode? key) => key switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        JsonValue v => v.ToJsonString(),
        _ => throw new YamlSyntaxException(0, "invalid map key: " + key.ToJsonString(), false),
    };

    private static JsonNode? ScalarValue(Scalar s)
    {
        if (!s.Tag.IsEmpty)
        {
            var tag = s.Tag.Value;
            switch (tag)
            {
                case "tag:yaml.org,2002:str":
                    return JsonValue.Create(s.Value);
                case "tag:yaml.org,2002:null":
                    return null;
                case "tag:yaml.org,2002:binary":
                    return JsonValue.Create(s.Value);
            }
        }

        return s.Style == ScalarStyle.Plain ? YamlScalars.ResolvePlain(s.Value) : JsonValue.Create(s.Value);
    }
}

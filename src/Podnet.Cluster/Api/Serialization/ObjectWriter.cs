using System.Text.Json.Nodes;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Serialization;

/// <summary>
/// kubectl's <c>-o yaml</c> and <c>-o json</c> for objects: one object as itself, several (or any
/// <c>get</c> that is not of a single named object) wrapped in a <c>kind: List</c> with
/// <c>metadata.resourceVersion: ""</c>, as <c>kubectl get</c> prints them.
/// </summary>
public static class ObjectWriter
{
    /// <summary>One object as YAML.</summary>
    public static string ToYaml(KubeObject obj) => GoYamlWriter.Write(KubeObjectCodec.Encode(obj));

    /// <summary>One object as JSON.</summary>
    public static string ToJson(KubeObject obj) => GoJsonWriter.Write(KubeObjectCodec.Encode(obj));

    /// <summary>A <c>kind: List</c> of the objects as YAML.</summary>
    public static string ToYamlList(IEnumerable<KubeObject> objects) => GoYamlWriter.Write(ListNode(objects));

    /// <summary>A <c>kind: List</c> of the objects as JSON.</summary>
    public static string ToJsonList(IEnumerable<KubeObject> objects) => GoJsonWriter.Write(ListNode(objects));

    /// <summary>Several objects as YAML documents separated by <c>---</c> (kubectl's YAML printer fed one object at a time, e.g. <c>apply -o yaml</c>).</summary>
    public static string ToYamlStream(IEnumerable<KubeObject> objects) =>
        string.Join("---\n", objects.Select(ToYaml));

    /// <summary>
    /// Writes the same text as <see cref="ToYamlList"/> to <paramref name="output"/> one item at a
    /// time (kubectl's printer also streams), so printing a long list holds one encoded item at once
    /// instead of the whole tree and text.
    /// </summary>
    public static void WriteYamlList(IReadOnlyCollection<KubeObject> objects, TextWriter output)
    {
        output.Write("apiVersion: v1\n");
        if (objects.Count == 0) output.Write("items: []\n");
        else
        {
            output.Write("items:\n");
            foreach (var o in objects) output.Write(GoYamlWriter.WriteTopLevelSequenceItem(KubeObjectCodec.Encode(o)));
        }
        output.Write("kind: List\nmetadata:\n  resourceVersion: \"\"\n");
    }

    /// <summary>Writes the same text as <see cref="ToJsonList"/> to <paramref name="output"/> one item at a time.</summary>
    public static void WriteJsonList(IReadOnlyCollection<KubeObject> objects, TextWriter output)
    {
        output.Write("{\n    \"apiVersion\": \"v1\",\n");
        if (objects.Count == 0) output.Write("    \"items\": [],\n");
        else
        {
            output.Write("    \"items\": [\n");
            int left = objects.Count;
            foreach (var o in objects)
            {
                output.Write("        ");
                output.Write(GoJsonWriter.WriteAtDepth(KubeObjectCodec.Encode(o), 2));
                output.Write(--left > 0 ? ",\n" : "\n");
            }
            output.Write("    ],\n");
        }
        output.Write("    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n");
    }

    /// <summary>The List wrapper as a JSON tree.</summary>
    public static JsonObject ListNode(IEnumerable<KubeObject> objects)
    {
        var items = new JsonArray();
        foreach (var o in objects)
        {
            items.Add(KubeObjectCodec.Encode(o));
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["items"] = items,
            ["kind"] = "List",
            ["metadata"] = new JsonObject { ["resourceVersion"] = "" },
        };
    }
}

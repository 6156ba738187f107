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

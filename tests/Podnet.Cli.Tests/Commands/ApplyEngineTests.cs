using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Podnet.Cli.Commands;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.Controllers;
using Xunit;

namespace Podnet.Cli.Tests.Commands;

/// <summary>The apply path's per-object work: the last-applied annotation and Service admission over many objects.</summary>
public sealed class ApplyEngineTests
{
    private static string Examples([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "examples"));

    // The annotation as first written: the manifest through JsonNode, every object's keys sorted, ToJsonString.
    private static string LastAppliedByJsonNode(KubeObject manifest)
    {
        var annotations = manifest.Metadata.Annotations.Where(kv => kv.Key != ApplyEngine.LastAppliedAnnotation).ToDictionary(kv => kv.Key, kv => kv.Value);
        var clean = manifest with { Metadata = manifest.Metadata with { Annotations = annotations } };
        var node = JsonNode.Parse(KubeObjectCodec.EncodeString(clean))!;
        if (node["metadata"] is JsonObject meta && meta["annotations"] is null)
        {
            meta["annotations"] = new JsonObject();
        }
        return Sorted(node)!.ToJsonString() + "\n";
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, Sorted(kv.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };

    [Fact]
    public void LastApplied_IsTheSortedCompactJson_ForEveryExampleManifest()
    {
        var items = ManifestReader.ReadPath(Examples(), recursive: true).Items;
        Assert.True(items.Count > 20, $"examples found: {items.Count}");
        foreach (var item in items)
        {
            Assert.Equal(LastAppliedByJsonNode(item.Object), ApplyEngine.LastApplied(item.Object));
        }
    }

    [Fact]
    public void LastApplied_KeepsOtherAnnotations_DropsItsOwn_AndEscapesAsSystemTextJson()
    {
        var cm = new ConfigMap
        {
            Metadata = new ObjectMeta
            {
                Name = "z",
                Namespace = "default",
                Labels = new Dictionary<string, string> { ["b"] = "2", ["a"] = "<1>" },
                Annotations = new Dictionary<string, string> { [ApplyEngine.LastAppliedAnnotation] = "{}", ["note"] = "café & \"quotes\"" },
            },
            Data = new Dictionary<string, string> { ["z"] = "\u00e9\n", ["B"] = "'", ["a"] = "" },
        };
        var text = ApplyEngine.LastApplied(cm);
        Assert.Equal(LastAppliedByJsonNode(cm), text);
        Assert.DoesNotContain("last-applied", text, StringComparison.Ordinal);
        Assert.Contains("\"annotations\":{\"note\":", text, StringComparison.Ordinal);

        var bare = cm with { Metadata = cm.Metadata with { Annotations = new Dictionary<string, string>() } };
        Assert.Equal(LastAppliedByJsonNode(bare), ApplyEngine.LastApplied(bare));
        Assert.Contains("\"annotations\":{}", ApplyEngine.LastApplied(bare), StringComparison.Ordinal);
    }

    [Fact]
    public void LastApplied_SortingBytes_GivesWhatDecodingAndSorting_Gives_ForArbitraryKeysAndValues()
    {
        var text = Gen.OneOf(
            Gen.Elements("", "a", "B", "_", "1", "annotations", "labels", "é", "中文", "<&>", "\"", "\\", "\u0001", "x.y/z"),
            ArbMap.Default.GeneratorFor<string>().Where(s => s is not null));
        var gen =
            from count in Gen.Choose(0, 5)
            from keys in Gen.ListOf(text, count)
            from values in Gen.ListOf(text, 5)
            from annotated in Gen.Elements(true, false)
            select (keys, values, annotated);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var values = t.values.ToList();
            var map = t.keys.Distinct().Select((k, i) => (k, values[i])).ToDictionary(p => p.k, p => p.Item2);
            var cm = new ConfigMap
            {
                Metadata = new ObjectMeta
                {
                    Name = "cm",
                    Namespace = "default",
                    Labels = map,
                    Annotations = t.annotated ? map : new Dictionary<string, string>(),
                },
                Data = map,
            };
            Assert.Equal(ApplyEngine.LastAppliedByDocument(KubeObjectCodec.EncodeUtf8(cm)), ApplyEngine.LastApplied(cm));
            Assert.Equal(LastAppliedByJsonNode(cm), ApplyEngine.LastApplied(cm));
        }).QuickCheckThrowOnFailure();
    }

    private static readonly ClusterConfig Config = new() { ServiceCidr = "10.96.0.0/28", NodePortMin = 30000, NodePortMax = 30015 };

    // A Service from a small space of choices, so that requested IPs and node ports collide often.
    private static Service MakeService(int name, int type, int ip, int nodePort) => new()
    {
        Metadata = new ObjectMeta { Name = "s" + name, Namespace = name % 2 == 0 ? "default" : "other" },
        Spec = new ServiceSpec
        {
            Type = type switch { 0 => "ClusterIP", 1 => "NodePort", 2 => "LoadBalancer", _ => "ClusterIP" },
            ClusterIP = ip switch { 0 => null, 15 => "None", _ => "10.96.0." + ip },
            ExternalTrafficPolicy = type == 2 ? "Local" : null,
            Ports = [new ServicePort { Port = 80, Protocol = "TCP", NodePort = nodePort == 0 ? null : 29998 + nodePort }],
        },
    };

    [Fact]
    public void ServiceAdmission_ThroughOneBatch_GivesWhatAdmittingEachAlone_Gives()
    {
        // the apply engine keeps one allocator for a whole apply; the result must be what a fresh index
        // of every Service gives for each admission (same IPs, ports, and errors), updates included
        var gen =
            from n in Gen.Choose(1, 40)
            from items in Gen.ListOf(
                from name in Gen.Choose(0, 9)
                from type in Gen.Choose(0, 3)
                from ip in Gen.Choose(0, 15)
                from port in Gen.Choose(0, 20)
                select (name, type, ip, port), n)
            select items;
        Prop.ForAll(gen.ToArbitrary(), items =>
        {
            var alone = new ObjectSet();
            var batched = new ObjectSet();
            var batch = new ServiceAllocator.Batch(batched, Config);
            foreach (var (name, type, ip, port) in items)
            {
                var svc = MakeService(name, type, ip, port);
                var a = ServiceAllocator.Admit(svc, alone, Config, out var errorAlone);
                var b = batch.Admit(svc, out var errorBatched);
                if (errorAlone != errorBatched || (a is null) != (b is null))
                {
                    return false;
                }
                if (a is not null && b is not null)
                {
                    if (KubeObjectCodec.EncodeString(a) != KubeObjectCodec.EncodeString(b))
                    {
                        return false;
                    }
                    alone.Put(a);
                    batched.Put(b);
                }
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }
}

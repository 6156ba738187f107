using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Controllers;
using Xunit;

namespace Podnet.Cluster.Tests.Controllers;

/// <summary>The change tracking a store commit reads: what was written, by kind, namespace and name.</summary>
public sealed class ObjectSetTests
{
    private static Pod PodNamed(string ns, string name) => new() { ApiVersion = "v1", Kind = "Pod", Metadata = new ObjectMeta { Name = name, Namespace = ns } };

    [Theory]
    [InlineData(100)]
    [InlineData(70_000)] // large enough to be sorted in two halves and merged
    public void Changed_is_every_written_object_by_namespace_and_name(int count)
    {
        var r = new Random(count);
        var set = new ObjectSet([PodNamed("a", "kept")]);
        var names = Enumerable.Range(0, count).Select(i => ("ns-" + r.Next(7), "p-" + r.Next(1_000_000_000) + "-" + i)).ToList();
        foreach (var (ns, name) in names)
        {
            set.Put(PodNamed(ns, name));
        }
        set.Put(new Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new ObjectMeta { Name = "ns-0" } });
        var removed = names[0];
        set.Remove("Pod", removed.Item1, removed.Item2);

        var changed = set.Changed;
        Assert.Equal(count + 1 - 1, changed.Count);
        Assert.Equal(set.ChangedCount, changed.Count);
        Assert.Equal("Namespace", changed[0].Kind); // kinds in ordinal order
        var pods = changed.Skip(1).Select(o => (o.Namespace, o.Name)).ToList();
        var expected = names.Skip(1).OrderBy(n => n.Item1, StringComparer.Ordinal).ThenBy(n => n.Item2, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, pods);
        Assert.Equal([("Pod", removed.Item1, removed.Item2)], set.Removed);

        set.ClearChanges();
        Assert.Empty(set.Changed);
        Assert.Equal(0, set.ChangedCount);
        Assert.Equal(count + 1, set.Count); // "kept", the Namespace and the pods but the removed one
    }
}

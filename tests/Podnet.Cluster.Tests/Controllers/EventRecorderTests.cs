using FsCheck;
using FsCheck.Fluent;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Controllers;
using Podnet.Cluster.Api.Serialization;
using Xunit;

namespace Podnet.Cluster.Tests.Controllers;

/// <summary>
/// <see cref="EventRecorder.RecordAll"/> builds Event objects on all cores; it must record exactly what the
/// same <c>Normal</c>/<c>Warning</c> calls made one at a time record: the same de-duplication (per
/// involved object, reason and message, also against Events already in the set), the same names and
/// sequence, the same objects.
/// </summary>
public sealed class EventRecorderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static Pod PodNamed(int i, bool withUid) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = $"web-{i}", Namespace = i % 2 == 0 ? "default" : "shop", Uid = withUid ? $"uid-{i}" : null },
    };

    // a few involved objects (so that duplicates and long per-object histories both occur), a few reasons
    // and messages, Normal or Warning, two components
    private static readonly Gen<(int Object, int Reason, int Message, bool Warning, bool Kubelet)> EventGen =
        from o in Gen.Choose(0, 7)
        from r in Gen.Choose(0, 3)
        from m in Gen.Frequency((3, Gen.Choose(0, 2)), (1, Gen.Choose(0, 40)))
        from w in Gen.Elements(true, false)
        from k in Gen.Elements(true, false)
        select (o, r, m, w, k);

    private static Dictionary<string, string> Record(IReadOnlyList<(int Object, int Reason, int Message, bool Warning, bool Kubelet)> script, int stored, bool all)
    {
        var pods = Enumerable.Range(0, 8).Select(i => PodNamed(i, i != 3)).ToList();
        var set = new ObjectSet(pods);
        // Events already in the set (from an earlier convergence) are not recorded again
        var earlier = new EventRecorder(set, Now.AddMinutes(-1));
        foreach (var (o, r, m, w, k) in script.Take(stored))
        {
            earlier.Normal(pods[o], "Reason" + r, "message " + m, k ? "kubelet" : "default-scheduler", k ? "node-1" : null);
        }
        var recorder = new EventRecorder(set, Now);
        var pending = script.Select(e => new PendingEvent(pods[e.Object], e.Warning ? "Warning" : "Normal", "Reason" + e.Reason, "message " + e.Message,
            e.Kubelet ? "kubelet" : "default-scheduler", e.Kubelet ? "node-1" : null)).ToList();
        if (all)
        {
            recorder.RecordAll(pending);
        }
        else
        {
            foreach (var p in pending)
            {
                if (p.Type == "Warning") recorder.Warning(p.Involved, p.Reason, p.Message, p.Component, p.Host);
                else recorder.Normal(p.Involved, p.Reason, p.Message, p.Component, p.Host);
            }
        }
        return set.Unordered("Event").ToDictionary(e => e.Namespace + "/" + e.Name, e => KubeObjectCodec.EncodeString(e));
    }

    [Fact]
    public void RecordAllEqualsOneAtATime()
    {
        // long scripts take the parallel path (512 events or more), short ones the sequential one
        var scripts =
            from length in Gen.Frequency((1, Gen.Choose(0, 40)), (2, Gen.Choose(512, 1500)))
            from events in Gen.ListOf(EventGen, length)
            from stored in Gen.Choose(0, 30)
            select (events, stored);
        Prop.ForAll(scripts.ToArbitrary(), s =>
        {
            var one = Record(s.events, s.stored, all: false);
            var many = Record(s.events, s.stored, all: true);
            return one.Count == many.Count && one.All(kv => many.TryGetValue(kv.Key, out var v) && v == kv.Value);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void AnObjectWithManyEventsIsDeduplicated()
    {
        // a DaemonSet records one event per node: past 16 the recorder switches to a set
        var ds = new Podnet.Cluster.Api.Apps.DaemonSet { ApiVersion = "apps/v1", Kind = "DaemonSet", Metadata = new ObjectMeta { Name = "kube-proxy", Namespace = "kube-system", Uid = "ds" } };
        var set = new ObjectSet([ds]);
        var recorder = new EventRecorder(set, Now);
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < 100; i++)
            {
                recorder.Normal(ds, "SuccessfulCreate", $"Created pod: kube-proxy-{i}", "daemonset-controller");
            }
        }
        Assert.Equal(100, recorder.Recorded);
        Assert.Equal(100, set.CountOf("Event"));
        // and a recorder over the stored events records none of them again
        var next = new EventRecorder(set, Now.AddMinutes(1));
        for (int i = 0; i < 100; i++)
        {
            next.Normal(ds, "SuccessfulCreate", $"Created pod: kube-proxy-{i}", "daemonset-controller");
        }
        Assert.Equal(0, next.Recorded);
    }
}

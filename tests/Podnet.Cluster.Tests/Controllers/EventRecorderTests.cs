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

    private static List<PendingEvent> Pending(IEnumerable<(int Object, int Reason, int Message, bool Warning, bool Kubelet)> script, List<Pod> pods) =>
        script.Select(e => new PendingEvent(pods[e.Object], e.Warning ? "Warning" : "Normal", "Reason" + e.Reason, "message " + e.Message,
            e.Kubelet ? "kubelet" : "default-scheduler", e.Kubelet ? "node-1" : null)).ToList();

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
        var pending = Pending(script, pods);
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

    [Fact]
    public void EventsCountedUnbuiltLookJustLikeEventsBuiltForACount()
    {
        // A fresh set counts the recorder's events unbuilt; a set that already holds an Event builds them for a
        // count (a key could repeat). Counts, change tracking, order and content must not tell the two apart.
        var scripts =
            from length in Gen.Frequency((1, Gen.Choose(1, 40)), (2, Gen.Choose(512, 1200)))
            from events in Gen.ListOf(EventGen, length)
            from singles in Gen.Choose(0, 5)
            select (events, singles);
        Prop.ForAll(scripts.ToArbitrary(), s =>
        {
            var pods = Enumerable.Range(0, 8).Select(i => PodNamed(i, i != 3)).ToList();
            var extra = new Event { ApiVersion = "v1", Kind = "Event", Metadata = new ObjectMeta { Name = "zz-extra", Namespace = "zz" } };
            (ObjectSet Set, int Count, int Events, int Changed) Run(bool loadedEvent)
            {
                var set = new ObjectSet(pods);
                var recorder = new EventRecorder(set, Now);
                if (loadedEvent)
                {
                    set.Put(extra);
                }
                var pending = Pending(s.events, pods);
                recorder.RecordAll(pending);
                for (int i = 0; i < s.singles; i++)
                {
                    recorder.Warning(pods[i], "Single", "one at a time " + i, "kubelet", "node-2");
                }
                recorder.RecordAll(pending.Select(p => p with { Reason = "Again" }).ToList());
                return (set, set.Count, set.CountOf("Event"), set.ChangedCount);
            }
            var unbuilt = Run(loadedEvent: false);
            var built = Run(loadedEvent: true);
            Assert.Equal(built.Count - 1, unbuilt.Count);
            Assert.Equal(built.Events - 1, unbuilt.Events);
            Assert.Equal(built.Changed - 1, unbuilt.Changed);
            // first read: built, in the same order, with the same content
            var a = unbuilt.Set.Unordered("Event").Select(KubeObjectCodec.EncodeString).ToList();
            var b = built.Set.Unordered("Event").Where(e => e.Name != "zz-extra").Select(KubeObjectCodec.EncodeString).ToList();
            Assert.Equal(b, a);
            Assert.Equal(unbuilt.Changed, unbuilt.Set.Changed.Count);
            Assert.Equal(built.Set.Changed.Where(e => e.Name != "zz-extra").Select(KubeObjectCodec.EncodeString), unbuilt.Set.Changed.Select(KubeObjectCodec.EncodeString));
            Assert.Equal(unbuilt.Events, unbuilt.Set.CountOf("Event"));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void DeferredEventsAreThereForGetPutRemoveAndClearChanges()
    {
        var pod = PodNamed(1, true);
        var set = new ObjectSet([pod]);
        var recorder = new EventRecorder(set, Now);
        recorder.RecordAll(Enumerable.Range(0, 600).Select(i => PendingEvent.Normal(pod, "R", "m" + i, "kubelet", "node-1")).ToList());
        Assert.Equal(601, set.Count);
        Assert.Equal(600, set.ChangedCount);
        var first = set.Unordered("Event").Cast<Event>().OrderBy(e => e.Metadata.Name, StringComparer.Ordinal).First();
        Assert.Same(first, set.Get("Event", first.Namespace, first.Name));
        Assert.True(set.Remove("Event", first.Namespace, first.Name));
        Assert.Equal(599, set.CountOf("Event"));
        set.ClearChanges();
        Assert.Equal(0, set.ChangedCount);
        // a later recorder sees the built events (no duplicates recorded)
        var later = new EventRecorder(set, Now.AddMinutes(1));
        later.RecordAll(Enumerable.Range(1, 600).Select(i => PendingEvent.Normal(pod, "R", "m" + i, "kubelet", "node-1")).ToList());
        Assert.Equal(1, later.Recorded); // only "m600" is new
        Assert.Equal(600, set.CountOf("Event"));
    }

    [Fact]
    public void ADeferredEventWithTheKeyOfALoadedOneReplacesItAsPutWould()
    {
        // The recorder continues the sequence after the Events it finds, so with the same clock its first
        // event is named <pod>.<nanos + 1>: give the set an Event of exactly that name.
        var pod = PodNamed(1, true);
        var nanos = (Now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        var clash = new Event
        {
            ApiVersion = "v1",
            Kind = "Event",
            Metadata = new ObjectMeta { Name = $"{pod.Name}.{nanos + 1:x}", Namespace = pod.Namespace },
            InvolvedObject = new ObjectReference { Kind = "Pod", Name = "someone-else", Namespace = pod.Namespace },
            Reason = "Old",
        };
        var set = new ObjectSet([pod, clash]);
        var recorder = new EventRecorder(set, Now);
        recorder.RecordAll(Enumerable.Range(0, 600).Select(i => PendingEvent.Normal(pod, "R", "m" + i, "kubelet", "node-1")).ToList());
        Assert.Equal(600, recorder.Recorded);
        Assert.Equal(600, set.CountOf("Event")); // the loaded one was replaced, not added to
        Assert.Equal(600, set.ChangedCount);
        Assert.Equal(601, set.Count);
        var replaced = Assert.IsType<Event>(set.Get("Event", clash.Namespace, clash.Name));
        Assert.Equal("R", replaced.Reason);
        Assert.Equal("m0", replaced.Message);
        Assert.Equal(600, set.Changed.Count(o => o is Event));
    }
}

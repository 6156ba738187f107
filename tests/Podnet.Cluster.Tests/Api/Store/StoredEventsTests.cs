using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.Api.Store;
using Podnet.Cluster.Controllers;
using Podnet.Cluster.Tests.Controllers;
using Xunit;

namespace Podnet.Cluster.Tests.Api.Store;

/// <summary>
/// Events kept in the store by identity only (<see cref="EventIdentity"/>, <see cref="ObjectSet.StoredEvents"/>):
/// a convergence over them must record and collect exactly what a convergence over the decoded Events does,
/// and the store must read the identities and an object's events back faithfully.
/// </summary>
public class StoredEventsTests
{
    private static readonly ClusterConfig Config = new() { Workers = 3 };

    private static ObjectSet Converged()
    {
        var set = TestObjects.NewCluster(Config);
        set.Put(TestObjects.Deployment("default", "web", 4, null, TestObjects.Container("web", "nginx", ("http", 80))));
        set.Put(TestObjects.Deployment("default", "api", 2, null, TestObjects.Container("api", "api:1", ("http", 8080))));
        set.Put(TestObjects.Ns("shop"));
        set.Put(TestObjects.Deployment("shop", "cart", 3, new Dictionary<string, string> { ["kubernetes.io/hostname"] = "no-such-node" }, TestObjects.Container("cart", "cart:1")));
        TestObjects.Admit(set, TestObjects.Service("default", "web", "web"), Config);
        ControlPlane.Converge(set, Config, TestObjects.Now);
        set.ClearChanges();
        return set;
    }

    private static EventIdentity IdentityOf(Event e) => new(
        e.Namespace, e.Name, e.InvolvedObject.Kind, e.InvolvedObject.Namespace, e.InvolvedObject.Name, e.InvolvedObject.Uid, e.Reason, e.Message);

    // The same cluster with its Events known by identity only (as ClusterSession.ObjectsForConvergence loads it).
    private static ObjectSet WithStoredEvents(ObjectSet full)
    {
        var set = new ObjectSet(full.All.Where(o => o.Kind != "Event"));
        set.AddStoredEvents(full.Unordered("Event").Cast<Event>()
            .Select(e => EventIdentity.Read(e.Namespace, e.Name, KubeObjectCodec.EncodeUtf8(e))));
        return set;
    }

    private static void Mutate(ObjectSet set)
    {
        set.Remove("Deployment", "default", "web"); // its ReplicaSet, pods and their events go
        set.Put(TestObjects.Deployment("default", "batch", 2, null, TestObjects.Container("batch", "batch:1")));
        var pods = set.OfKind<Pod>("Pod").Where(p => p.Name.StartsWith("api-", StringComparison.Ordinal)).ToList();
        set.Remove("Pod", pods[0].Namespace, pods[0].Name); // replaced by a new pod with new events
    }

    [Fact]
    public void A_convergence_over_event_identities_writes_and_removes_what_one_over_decoded_events_does()
    {
        var full = Converged();
        var light = WithStoredEvents(full);
        Assert.Empty(light.Unordered("Event"));
        Assert.Equal(full.CountOf("Event"), light.StoredEvents.Count);

        // an already converged cluster: nothing to record again
        var fullAgain = ControlPlane.Converge(full, Config, TestObjects.Now.AddMinutes(1));
        var lightAgain = ControlPlane.Converge(light, Config, TestObjects.Now.AddMinutes(1));
        Assert.Equal(0, fullAgain.Events);
        Assert.Equal(fullAgain, lightAgain);

        Mutate(full);
        Mutate(light);
        var a = ControlPlane.Converge(full, Config, TestObjects.Now.AddMinutes(2));
        var b = ControlPlane.Converge(light, Config, TestObjects.Now.AddMinutes(2));
        Assert.True(a.Events > 0);
        Assert.Equal(a, b);
        Assert.Equal(full.Removed, light.Removed);
        Assert.Contains(full.Removed, r => r.Kind == "Event");
        Assert.Equal(
            full.Changed.Select(o => Convert.ToBase64String(KubeObjectCodec.EncodeUtf8(o))),
            light.Changed.Select(o => Convert.ToBase64String(KubeObjectCodec.EncodeUtf8(o))));
    }

    [Fact]
    public void The_store_reads_back_every_events_identity_and_the_events_about_an_object()
    {
        var full = Converged();
        using var dir = new TempDir();
        using var store = new SqliteObjectStore(Path.Combine(dir.Path, "cluster.db"), () => TestObjects.Now)
        {
            ValidationContext = new Podnet.Cluster.Api.Validation.ValidationContext { ServiceCidr = Config.ServiceCidr },
        };
        store.WriteView(full.All.ToList(), []);

        var stored = store.ListEventIdentities();
        var expected = full.OfKind<Event>("Event").Select(IdentityOf).ToList();
        Assert.Equal(expected.Count, stored.Count);
        Assert.Equal(expected, stored);

        foreach (var obj in full.Unordered("Pod").Concat(full.Unordered("Deployment")).Concat(full.Unordered("Node")))
        {
            var candidates = new ObjectSet(store.ListEventsMentioning(obj.Name));
            var about = EventRecorder.For(full, obj);
            Assert.Equal(about.Select(e => e.Name), EventRecorder.For(candidates, obj).Select(e => e.Name));
        }
    }

    [Fact]
    public void Identity_reading_follows_the_decoder_for_odd_bodies()
    {
        var json = """{"apiVersion":"v1","kind":"Event","metadata":{"name":"x","namespace":"n"},"reason":5,"message":null,"involvedObject":{"kind":"Pod","name":"a"},"involvedObject":{"kind":"Node","name":"b","uid":true,"x":{"y":[1]}},"extra":{"reason":"no"}}""";
        var bytes = System.Text.Encoding.UTF8.GetBytes(json);
        var decoded = (Event)KubeObjectCodec.Decode(bytes, KindRegistry.ForType(typeof(Event)));
        var identity = EventIdentity.Read("n", "x", bytes);
        Assert.Equal(IdentityOf(decoded), identity);
    }

    [Fact]
    public void Removing_a_stored_event_marks_it_removed_once_and_a_put_supersedes_it()
    {
        var set = new ObjectSet();
        set.AddStoredEvents([new EventIdentity("default", "a.1", "Pod", "default", "a", "u", "Scheduled", "m"), new EventIdentity("default", "b.1", "Pod", "default", "b", "u2", "Pulled", "m")]);
        Assert.True(set.Remove("Event", "default", "a.1"));
        Assert.False(set.Remove("Event", "default", "a.1"));
        Assert.Equal([("Event", "default", "a.1")], set.Removed);
        set.Put(new Event { Metadata = new ObjectMeta { Name = "b.1", Namespace = "default" } });
        Assert.Empty(set.StoredEvents);
        Assert.Single(set.Unordered("Event"));
    }
}

using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.Api.Store;
using Podnet.Cluster.Controllers;

namespace Podnet.Cli.Commands;

/// <summary>
/// One command's view of a cluster: either a stored cluster (its objects loaded from the store and
/// the converged changes written back in one transaction) or a throwaway in-memory cluster built
/// from the defaults of a new cluster plus manifests (<c>-f</c> on read commands), which touches
/// nothing on disk.
/// </summary>
public sealed class ClusterSession : IDisposable
{
    private readonly IObjectStore? store;
    private ObjectSet? objects;

    private ClusterSession(string name, IObjectStore? store, ObjectSet? objects)
    {
        Name = name;
        this.store = store;
        this.objects = objects;
    }

    /// <summary>The cluster's name.</summary>
    public string Name { get; }

    /// <summary>True for an in-memory cluster built from manifests.</summary>
    public bool Ephemeral => store is null;

    // How the loaded set holds the stored Events: decoded, or by identity only.
    private enum EventLoading
    {
        Decoded,
        Identities,
    }

    private EventLoading eventLoading = EventLoading.Decoded;

    /// <summary>All objects (loaded on first use), Events included.</summary>
    public ObjectSet Objects => objects ??= new ObjectSet(store!.ListAll());

    /// <summary>
    /// The objects the control plane converges: every object but the stored Events, which stay in the store
    /// and are known by identity only (<see cref="ObjectSet.StoredEvents"/>: what the event recorder and the
    /// garbage collector need). On a large cluster Events are most of the rows, so this loads far less than
    /// <see cref="Objects"/>; Events the convergence records or collects are committed as before. When the
    /// set is already loaded, it is that set.
    /// </summary>
    public ObjectSet ObjectsForConvergence
    {
        get
        {
            if (objects is null)
            {
                var set = new ObjectSet(store!.ListAllExcept(NotNetwork));
                set.AddStoredEvents(store.ListEventIdentities());
                objects = set;
                eventLoading = EventLoading.Identities;
            }
            return objects;
        }
    }

    /// <summary>
    /// The Events about <paramref name="involved"/>, oldest first (<see cref="EventRecorder.For"/>): read from
    /// the store (only the Events that mention its name are decoded) unless the loaded set holds them.
    /// </summary>
    public IReadOnlyList<Event> EventsAbout(KubeObject involved)
    {
        if (store is null || (objects is not null && eventLoading == EventLoading.Decoded))
        {
            return EventRecorder.For(objects!, involved);
        }
        var candidates = new ObjectSet(store.ListEventsMentioning(involved.Name));
        if (objects is not null)
        {
            foreach (var e in objects.Unordered("Event"))
            {
                candidates.Put(e); // recorded in this session and not committed yet
            }
        }
        return EventRecorder.For(candidates, involved);
    }

    /// <summary>The cluster's settings, read back from its objects.</summary>
    public ClusterConfig Config => ClusterBootstrap.ReadConfig(objects ?? (networkSet ??= new ObjectSet(network ?? DataPlaneObjects)));

    private static readonly IReadOnlySet<string> NotNetwork = new HashSet<string>(StringComparer.Ordinal) { "Event" };

    // What no node component reads: the workload controllers' objects (pods carry what the data plane
    // needs) and the legacy Endpoints mirror (kube-proxy reads EndpointSlices).
    private static readonly IReadOnlySet<string> NotDataPlane = new HashSet<string>(StringComparer.Ordinal)
    {
        "Event", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "Endpoints",
    };

    private IReadOnlyList<KubeObject>? dataPlane;

    /// <summary>
    /// The objects the realized cluster reads (nodes, pods, Services, EndpointSlices, ConfigMaps,
    /// Secrets, namespaces, policies, Ingresses): <see cref="NetworkObjects"/> without the workload
    /// objects and Endpoints, so that an exec on a large stored cluster decodes less.
    /// </summary>
    public IReadOnlyList<KubeObject> DataPlaneObjects =>
        objects is not null ? objects.AllExcept(NotDataPlane).ToList()
        : network is not null ? network.Where(o => !NotDataPlane.Contains(o.Kind)).ToList()
        : dataPlane ??= store!.ListAllExcept(NotDataPlane);
    private IReadOnlyList<KubeObject>? network;
    private ObjectSet? networkSet;

    /// <summary>
    /// Every object except Events: what the realized cluster, DNS, kube-proxy and the analyzer read
    /// (read-only; Events are most of a busy store and no data-plane component looks at them).
    /// </summary>
    public IReadOnlyList<KubeObject> NetworkObjects =>
        objects is not null ? objects.AllExcept(NotNetwork).ToList()
        : network ??= store!.ListAllExcept(NotNetwork);

    /// <summary>Objects of one kind, straight from the store when nothing is loaded yet (fast reads).</summary>
    public IReadOnlyList<KubeObject> List(string kind, string? ns)
    {
        if (store is not null && (objects is null || (kind == "Event" && eventLoading != EventLoading.Decoded)))
        {
            return store.List(kind, ns); // (Events: the loaded set does not hold the stored ones)
        }
        return Objects.OfKind<KubeObject>(kind).Where(o => ns is null || o.Namespace == ns).ToList();
    }

    /// <summary>Resolves the cluster a command uses: <c>--cluster</c>, else the current one, else a clear error.</summary>
    public static string Resolve(ClusterHome home, string? requested)
    {
        var name = requested ?? home.Current;
        if (name is null)
        {
            throw new KubectlException("error: no current cluster: create one with 'podnet cluster create' or choose one with 'podnet cluster use NAME'");
        }
        if (!home.Exists(name))
        {
            throw new KubectlException($"error: cluster \"{name}\" does not exist (see 'podnet cluster list')");
        }
        return name;
    }

    /// <summary>Opens the stored cluster chosen by <c>--cluster</c> or the current one.</summary>
    public static ClusterSession Open(CliContext context, string? cluster)
    {
        var home = new ClusterHome(context.Home);
        var name = Resolve(home, cluster);
        return new ClusterSession(name, StoreAdapter.Open(home.DatabasePath(name), context.Clock, context.Timings), null);
    }

    /// <summary>Creates a new stored cluster with the objects of <paramref name="config"/>, in one transaction.</summary>
    public static ClusterSession CreateStored(CliContext context, ClusterConfig config)
    {
        var home = new ClusterHome(context.Home);
        Directory.CreateDirectory(home.ClusterDir(config.Name));
        var store = StoreAdapter.Open(home.DatabasePath(config.Name), context.Clock);
        var set = new ObjectSet(ClusterBootstrap.Objects(config, context.Clock()));
        ControlPlane.Converge(set, config, context.Clock());
        try
        {
            store.Write(set.All.ToList(), [], config);
        }
        catch
        {
            store.Dispose();
            home.Delete(config.Name);
            throw;
        }
        set.ClearChanges();
        home.Use(config.Name);
        return new ClusterSession(config.Name, store, set);
    }

    /// <summary>
    /// A throwaway cluster: the defaults of a new cluster named <paramref name="name"/> plus the
    /// objects of <paramref name="manifests"/>, applied and converged in memory.
    /// </summary>
    public static ClusterSession InMemory(CliContext context, ManifestSet manifests, string? namespaceFlag, string name = "podnet")
    {
        var config = new ClusterConfig { Name = name };
        var set = new ObjectSet(ClusterBootstrap.Objects(config, context.Clock()));
        var session = new ClusterSession(name, null, set);
        var engine = new ApplyEngine(session, context, namespaceFlag, quiet: true);
        var rc = engine.Apply(manifests, ApplyMode.Apply);
        if (rc != 0 && set.Count == 0)
        {
            throw new KubectlException("error: no objects could be read", rc);
        }
        return session;
    }

    /// <summary>Writes what changed to the store (one transaction); no-op for in-memory clusters.</summary>
    public void Commit()
    {
        if (store is null || objects is null)
        {
            return;
        }
        var changed = objects.Changed;
        var removed = objects.Removed;
        if (changed.Count > 0 || removed.Count > 0)
        {
            store.Write(changed, removed, Config);
        }
        objects.ClearChanges();
    }

    /// <summary>Closes the store.</summary>
    public void Dispose() => store?.Dispose();
}

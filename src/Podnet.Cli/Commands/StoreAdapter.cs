using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Store;
using Podnet.Cluster.Api.Validation;
using Podnet.Cluster.Controllers;

namespace Podnet.Cli.Commands;

/// <summary>
/// The CLI's view of a cluster's SQLite store (<see cref="SqliteObjectStore"/>): reads by kind, and
/// writes a converged difference in one transaction (<see cref="ObjectStoreBase.WriteView"/>). Objects
/// keep the UIDs the controllers gave them (owner references point at them), and updates carry the
/// resourceVersion they were read at, so a concurrent writer is reported as a Conflict instead of being
/// overwritten; so is a create of a key that another writer stored meanwhile. Events are created
/// like other objects: the controllers' recorder already gives each one a unique name and records a
/// repeated event only once.
/// </summary>
public sealed class StoreAdapter : IObjectStore
{
    private readonly SqliteObjectStore store;

    private StoreAdapter(string databasePath, Func<DateTimeOffset> clock, Action<string, TimeSpan>? timings)
    {
        store = new SqliteObjectStore(databasePath, clock) { Timings = timings };
    }

    /// <summary>Opens (creating if needed) the store at <paramref name="databasePath"/>; <paramref name="timings"/> hears how long a write's steps took.</summary>
    public static StoreAdapter Open(string databasePath, Func<DateTimeOffset> clock, Action<string, TimeSpan>? timings = null) => new(databasePath, clock, timings);

    /// <inheritdoc />
    public IReadOnlyList<KubeObject> ListAll() =>
        KindRegistry.Types.SelectMany(t => store.List(t)).ToList();

    /// <inheritdoc />
    public IReadOnlyList<KubeObject> ListAllExcept(IReadOnlySet<string> skipKinds) =>
        KindRegistry.Types.Where(t => !skipKinds.Contains(t.Kind)).SelectMany(t => store.List(t)).ToList();

    /// <inheritdoc />
    public IReadOnlyList<EventIdentity> ListEventIdentities() => store.ListEventIdentities();

    /// <inheritdoc />
    public IReadOnlyList<Podnet.Cluster.Api.Core.Event> ListEventsMentioning(string text) => store.ListEventsMentioning(text);

    /// <inheritdoc />
    public IReadOnlyList<KubeObject> List(string kind, string? ns)
    {
        var type = KindRegistry.Types.FirstOrDefault(t => t.Kind == kind);
        return type is null ? [] : store.List(type, type.Namespaced ? ns : null);
    }

    /// <inheritdoc />
    public void Write(IReadOnlyList<KubeObject> upserts, IReadOnlyList<(string Kind, string Namespace, string Name)> deletes, ClusterConfig config)
    {
        store.ValidationContext = new ValidationContext { ServiceCidr = config.ServiceCidr, NodePortMin = config.NodePortMin, NodePortMax = config.NodePortMax };
        foreach (var obj in upserts)
        {
            _ = KindRegistry.For(obj) ?? throw new KubectlException($"error: no matches for kind \"{obj.Kind}\" in version \"{obj.ApiVersion}\"");
        }
        store.WriteView(upserts, deletes.Select(d => (KindRegistry.Types.First(t => t.Kind == d.Kind), d.Namespace, d.Name)).ToList());
    }

    /// <summary>Closes the database.</summary>
    public void Dispose() => store.Dispose();
}

using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Store;

/// <summary>
/// The cluster's object store (the API server + etcd): typed get/list/create/update/delete with uid,
/// a cluster-wide monotonically increasing resourceVersion, generation and optimistic concurrency;
/// a batch apply that validates first and writes all valid objects in one transaction; and events.
/// Implementations: <see cref="SqliteObjectStore"/> (one file per cluster) and <see cref="MemoryObjectStore"/>.
/// </summary>
public interface IObjectStore : IDisposable
{
    /// <summary>The latest revision written (etcd's revision; every object write takes the next one).</summary>
    long Revision { get; }

    /// <summary>Gets an object, or null.</summary>
    KubeObject? Get(ResourceType type, string ns, string name);

    /// <summary>Lists objects of a type: one namespace, or every namespace when <paramref name="ns"/> is null; optionally filtered by labels. Ordered by namespace then name, as the API server lists.</summary>
    IReadOnlyList<KubeObject> List(ResourceType type, string? ns = null, LabelQuery? selector = null);

    /// <summary>Creates: assigns uid, resourceVersion, generation 1, creationTimestamp (and a name from generateName). Throws <see cref="AlreadyExistsException"/>.</summary>
    KubeObject Create(KubeObject obj);

    /// <summary>
    /// Replaces an existing object (PUT). When <c>metadata.resourceVersion</c> is set it must equal the stored one
    /// (else <see cref="ConflictException"/>). uid and creationTimestamp are kept; generation is bumped when the
    /// spec changes. Throws <see cref="NotFoundException"/>.
    /// </summary>
    KubeObject Update(KubeObject obj);

    /// <summary>Deletes; returns the deleted object or throws <see cref="NotFoundException"/>.</summary>
    KubeObject Delete(ResourceType type, string ns, string name);

    /// <summary>
    /// Runs several writes as one transaction (all or nothing): the callback receives a writer with the same
    /// operations. Used by controllers to converge many objects at once.
    /// </summary>
    T WriteTransaction<T>(Func<IObjectWriter, T> body);

    /// <summary>
    /// <c>kubectl apply</c> / <c>create</c> for many objects: defaults and validates all of them first, then writes
    /// every valid object in ONE transaction, returning one result per input in order.
    /// </summary>
    IReadOnlyList<ApplyResult> Apply(IEnumerable<(KubeObject Object, string? Source)> objects, ApplyOptions? options = null);

    /// <summary>
    /// Writes what a client changed in its view of the store (objects it read, changed and created, and keys
    /// it removed), in ONE transaction: removals first, then each object without a resourceVersion is
    /// created keeping its uid (an object of that key stored since the view was read is a
    /// <see cref="ConflictException"/>), and each object with one is updated (a stale resourceVersion, or an
    /// object deleted since, is a <see cref="ConflictException"/>). Any error rolls back the whole write.
    /// </summary>
    void WriteView(IReadOnlyList<KubeObject> upserts, IReadOnlyList<(ResourceType Type, string Namespace, string Name)> deletes);

    /// <summary>Records an event, aggregating repeats (same object, type, reason, message) into count and lastTimestamp as the event recorder does.</summary>
    Event RecordEvent(Event ev);

    /// <summary>Events about one object (by kind, namespace and name), oldest first.</summary>
    IReadOnlyList<Event> ListEvents(string kind, string ns, string name);

    /// <summary>A cluster setting (pod CIDR, proxy mode, ...), or null.</summary>
    string? GetSetting(string key);

    /// <summary>Stores a cluster setting.</summary>
    void SetSetting(string key, string value);
}

/// <summary>The write operations available inside <see cref="IObjectStore.WriteTransaction{T}"/>.</summary>
public interface IObjectWriter
{
    /// <summary>Gets an object as seen inside the transaction.</summary>
    KubeObject? Get(ResourceType type, string ns, string name);

    /// <summary>Whether an object exists, as seen inside the transaction (cheaper than <see cref="Get"/>: nothing is decoded).</summary>
    bool Exists(ResourceType type, string ns, string name);

    /// <summary>Lists objects as seen inside the transaction.</summary>
    IReadOnlyList<KubeObject> List(ResourceType type, string? ns = null, LabelQuery? selector = null);

    /// <summary>See <see cref="IObjectStore.Create"/>.</summary>
    KubeObject Create(KubeObject obj);

    /// <summary>See <see cref="IObjectStore.Update"/>.</summary>
    KubeObject Update(KubeObject obj);

    /// <summary>See <see cref="IObjectStore.Delete"/>.</summary>
    KubeObject Delete(ResourceType type, string ns, string name);

    /// <summary>See <see cref="IObjectStore.RecordEvent"/>.</summary>
    Event RecordEvent(Event ev);
}

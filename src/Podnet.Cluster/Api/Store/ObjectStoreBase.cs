using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Defaulting;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.Api.Validation;

namespace Podnet.Cluster.Api.Store;

/// <summary>
/// The API server's storage logic shared by the SQLite and in-memory stores: defaulting and validation on
/// write, uid/resourceVersion/generation/creationTimestamp bookkeeping, optimistic concurrency, apply's
/// created/configured/unchanged decision, event aggregation. Backends only provide transactional
/// get/put/remove of objects and the revision counter.
/// </summary>
public abstract class ObjectStoreBase : IObjectStore
{
    /// <summary>The annotation client-side <c>kubectl apply</c> records.</summary>
    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    private static readonly HashSet<string> KindsWithGeneration =
        ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "NetworkPolicy", "Ingress", "IngressClass", "EndpointSlice"];

    private const string GenerateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    private readonly Func<DateTimeOffset> _clock;
    private readonly Func<string> _newUid;
    private readonly Random _random;

    /// <summary>Creates the store logic with an injectable clock, uid source and random source (for determinism).</summary>
    protected ObjectStoreBase(Func<DateTimeOffset>? clock, Func<string>? newUid, Random? random)
    {
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
        _newUid = newUid ?? (() => Guid.NewGuid().ToString());
        _random = random ?? new Random();
    }

    /// <summary>
    /// Optional listener told how long each step of a large write took (<c>PODNET_TIMINGS=1</c>: defaulting and
    /// validation, the rows, the commit); null (the default) reads no clock.
    /// </summary>
    public Action<string, TimeSpan>? Timings { get; set; }

    /// <summary>Validation settings used by Create/Update (service CIDR, node-port range): the cluster's own.</summary>
    public ValidationContext ValidationContext { get; set; } = ValidationContext.Default;

    /// <summary>The backend's view inside one transaction.</summary>
    protected abstract class StoreTransaction
    {
        /// <summary>Gets an object.</summary>
        public abstract KubeObject? Get(ResourceType type, string ns, string name);

        /// <summary>Whether an object exists (backends answer without decoding it).</summary>
        public virtual bool Exists(ResourceType type, string ns, string name) => Get(type, ns, name) is not null;

        /// <summary>Lists objects of a type (ns null = all), ordered by namespace then name.</summary>
        public abstract IEnumerable<KubeObject> List(ResourceType type, string? ns);

        /// <summary>Inserts or replaces an object (its metadata is final).</summary>
        public abstract void Put(ResourceType type, KubeObject obj);

        /// <summary>
        /// Inserts an object that the writer's view says is new (its metadata is final). When the key exists,
        /// now or by the time a buffering backend writes the row, the transaction fails with a
        /// <see cref="ConflictException"/>: the writer's view was stale.
        /// </summary>
        public virtual void Insert(ResourceType type, KubeObject obj)
        {
            if (Exists(type, obj.Namespace, obj.Name))
            {
                throw new ConflictException(type, obj.Name);
            }

            Put(type, obj);
        }

        /// <summary>Removes an object.</summary>
        public abstract void Remove(ResourceType type, string ns, string name);

        /// <summary>Takes the next revision.</summary>
        public abstract long NextRevision();
    }

    /// <summary>Runs <paramref name="body"/> in one write transaction: commit when it returns, roll back when it throws.</summary>
    protected abstract T RunWrite<T>(Func<StoreTransaction, T> body);

    /// <summary>
    /// Runs <paramref name="body"/>, a write of about <paramref name="objects"/> objects, in one write transaction
    /// like <see cref="RunWrite{T}"/>; a backend may write a large one differently (same guarantees).
    /// </summary>
    protected virtual T RunBulkWrite<T>(int objects, Func<StoreTransaction, T> body) => RunWrite(body);

    /// <summary>Runs <paramref name="body"/> in a read transaction (a consistent snapshot).</summary>
    protected abstract T RunRead<T>(Func<StoreTransaction, T> body);

    /// <inheritdoc />
    public abstract long Revision { get; }

    /// <inheritdoc />
    public abstract string? GetSetting(string key);

    /// <inheritdoc />
    public abstract void SetSetting(string key, string value);

    /// <inheritdoc />
    public abstract void Dispose();

    /// <inheritdoc />
    public KubeObject? Get(ResourceType type, string ns, string name) =>
        RunRead(tx => tx.Get(type, type.Namespaced ? ns : "", name));

    /// <inheritdoc />
    public IReadOnlyList<KubeObject> List(ResourceType type, string? ns = null, LabelQuery? selector = null) =>
        RunRead(tx => Filter(tx.List(type, type.Namespaced ? ns : null), selector));

    /// <inheritdoc />
    public KubeObject Create(KubeObject obj) => RunWrite(tx => CreateIn(tx, obj));

    /// <inheritdoc />
    public KubeObject Update(KubeObject obj) => RunWrite(tx => UpdateIn(tx, obj));

    /// <inheritdoc />
    public KubeObject Delete(ResourceType type, string ns, string name) => RunWrite(tx => DeleteIn(tx, type, ns, name));

    /// <inheritdoc />
    public T WriteTransaction<T>(Func<IObjectWriter, T> body) => RunWrite(tx => body(new Writer(this, tx)));

    /// <inheritdoc />
    public void WriteView(IReadOnlyList<KubeObject> upserts, IReadOnlyList<(ResourceType Type, string Namespace, string Name)> deletes)
    {
        // Defaulting and validation depend on nothing stored: do them on every core before taking the
        // write lock. An object that fails is still reported where the sequential write reaches it.
        var timer = new StepTimer(Timings, "store: ");
        var gcPauseBefore = Timings is null ? default : GC.GetTotalPauseDuration();
        var allocatedBefore = Timings is null ? 0 : GC.GetTotalAllocatedBytes();
        var cpuBefore = Timings is null ? default : Environment.CpuUsage.TotalTime;
        int gen0Before = GC.CollectionCount(0), gen1Before = GC.CollectionCount(1), gen2Before = GC.CollectionCount(2);
        var prepared = new KubeObject?[upserts.Count];
        var failed = new Exception?[upserts.Count];
        Parallel.For(0, upserts.Count, i =>
        {
            var obj = upserts[i];
            if (obj.Metadata.Name.Length == 0 || (string.IsNullOrEmpty(obj.Metadata.ResourceVersion) && string.IsNullOrEmpty(obj.Metadata.Uid)))
            {
                return; // a generated name or uid is taken inside the transaction
            }

            try
            {
                prepared[i] = Prepare(obj);
            }
            catch (Exception e)
            {
                failed[i] = e; // thrown where the sequential write reaches this object, as before
            }
        });
        timer.Done(FormattableString.Invariant($"defaulting and validation (GC paused {(GC.GetTotalPauseDuration() - gcPauseBefore).TotalSeconds:F2} s of it)"));

        RunBulkWrite(upserts.Count + deletes.Count, tx =>
        {
            foreach (var (type, ns, name) in deletes)
            {
                var key = type.Namespaced ? ns : "";
                if (tx.Exists(type, key, name))
                {
                    DeleteIn(tx, type, key, name);
                }
            }

            for (var i = 0; i < upserts.Count; i++)
            {
                if (failed[i] is { } error)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
                }

                var obj = prepared[i] ?? upserts[i];
                var type = TypeOf(obj);
                if (string.IsNullOrEmpty(obj.Metadata.ResourceVersion))
                {
                    CreateIn(tx, obj, prepared: prepared[i] is not null, fromView: true);
                }
                else if (!tx.Exists(type, obj.Namespace, obj.Name))
                {
                    throw new ConflictException(type, obj.Name); // read from the store and deleted since
                }
                else
                {
                    UpdateIn(tx, obj, prepared: prepared[i] is not null);
                }
            }

            return 0;
        });
        Timings?.Invoke(
            FormattableString.Invariant($"store: process CPU during the write {(Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds:F2} s; garbage collections (gen0 {GC.CollectionCount(0) - gen0Before}, gen1 {GC.CollectionCount(1) - gen1Before}, gen2 {GC.CollectionCount(2) - gen2Before}; {(GC.GetTotalAllocatedBytes() - allocatedBefore) >> 20} MiB allocated), paused"),
            GC.GetTotalPauseDuration() - gcPauseBefore);
    }

    /// <inheritdoc />
    public Event RecordEvent(Event ev) => RunWrite(tx => RecordEventIn(tx, ev));

    /// <inheritdoc />
    public IReadOnlyList<Event> ListEvents(string kind, string ns, string name)
    {
        var rt = KindRegistry.ForType(typeof(Event));
        return RunRead(tx => tx.List(rt, ns)
            .Cast<Event>()
            .Where(e => e.InvolvedObject.Kind == kind && e.InvolvedObject.Name == name && (e.InvolvedObject.Namespace ?? "") == ns)
            .OrderBy(e => e.FirstTimestamp ?? e.Metadata.CreationTimestamp)
            .ThenBy(e => e.Name, StringComparer.Ordinal)
            .ToList());
    }

    private static List<KubeObject> Filter(IEnumerable<KubeObject> objects, LabelQuery? selector) =>
        selector is null || selector.IsEmpty ? objects.ToList() : objects.Where(o => selector.Matches(o.Metadata.Labels)).ToList();

    private sealed class Writer(ObjectStoreBase store, StoreTransaction tx) : IObjectWriter
    {
        public KubeObject? Get(ResourceType type, string ns, string name) => tx.Get(type, type.Namespaced ? ns : "", name);

        public bool Exists(ResourceType type, string ns, string name) => tx.Exists(type, type.Namespaced ? ns : "", name);

        public IReadOnlyList<KubeObject> List(ResourceType type, string? ns = null, LabelQuery? selector = null) =>
            Filter(tx.List(type, type.Namespaced ? ns : null), selector);

        public KubeObject Create(KubeObject obj) => store.CreateIn(tx, obj);

        public KubeObject Update(KubeObject obj) => store.UpdateIn(tx, obj);

        public KubeObject Delete(ResourceType type, string ns, string name) => DeleteIn(tx, type, ns, name);

        public Event RecordEvent(Event ev) => store.RecordEventIn(tx, ev);
    }

    private static ResourceType TypeOf(KubeObject obj) =>
        KindRegistry.For(obj) ?? throw new StoreException("NotFound", $"no matches for kind \"{obj.Kind}\" in version \"{obj.ApiVersion}\"");

    private KubeObject Prepare(KubeObject obj, string defaultNamespace = "default")
    {
        var d = ObjectDefaulter.Default(obj, defaultNamespace);
        ObjectValidator.EnsureValid(d, ValidationContext);
        return d;
    }

    private string GenerateName(string prefix)
    {
        var chars = new char[5];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = GenerateNameAlphabet[_random.Next(GenerateNameAlphabet.Length)];
        }

        return prefix + new string(chars);
    }

    private KubeObject CreateIn(StoreTransaction tx, KubeObject obj, bool prepared = false, bool fromView = false)
    {
        if (obj.Metadata.Name.Length == 0 && !string.IsNullOrEmpty(obj.Metadata.GenerateName))
        {
            obj = obj with { Metadata = obj.Metadata with { Name = GenerateName(obj.Metadata.GenerateName) } };
        }

        var uid = fromView && !string.IsNullOrEmpty(obj.Metadata.Uid) ? obj.Metadata.Uid : _newUid();
        if (obj.Metadata.Uid != uid)
        {
            obj = obj with { Metadata = obj.Metadata with { Uid = uid } };
        }
        if (!prepared)
        {
            obj = Prepare(obj);
        }

        var rt = TypeOf(obj);
        if (!fromView && tx.Exists(rt, obj.Namespace, obj.Name))
        {
            throw new AlreadyExistsException(rt, obj.Name);
        }

        var rv = tx.NextRevision();
        var stored = obj with
        {
            Metadata = obj.Metadata with
            {
                Uid = uid,
                ResourceVersion = rv.ToString(CultureInfo.InvariantCulture),
                Generation = KindsWithGeneration.Contains(obj.Kind) ? 1 : null,
                CreationTimestamp = Truncate(_clock()),
                DeletionTimestamp = null,
            },
        };
        if (fromView)
        {
            tx.Insert(rt, stored);
        }
        else
        {
            tx.Put(rt, stored);
        }

        return stored;
    }

    private KubeObject UpdateIn(StoreTransaction tx, KubeObject obj, bool prepared = false) => UpdateIn(tx, obj, prepared, out _);

    private KubeObject UpdateIn(StoreTransaction tx, KubeObject obj, bool prepared, out bool changed)
    {
        changed = false;
        if (!prepared)
        {
            obj = Prepare(obj);
        }

        var rt = TypeOf(obj);
        var existing = tx.Get(rt, obj.Namespace, obj.Name) ?? throw new NotFoundException(rt, obj.Name);
        if (!string.IsNullOrEmpty(obj.Metadata.ResourceVersion) && obj.Metadata.ResourceVersion != existing.Metadata.ResourceVersion)
        {
            throw new ConflictException(rt, obj.Name);
        }

        var candidate = obj with
        {
            Metadata = obj.Metadata with
            {
                Uid = existing.Metadata.Uid,
                CreationTimestamp = existing.Metadata.CreationTimestamp,
                ResourceVersion = existing.Metadata.ResourceVersion,
                Generation = existing.Metadata.Generation,
            },
        };
        if (KubeObjectCodec.SemanticEquals(candidate, existing))
        {
            return existing; // a no-op update does not take a revision, as with etcd
        }

        changed = true;

        var generation = existing.Metadata.Generation;
        if (generation is not null && SpecChanged(existing, candidate))
        {
            generation++;
        }

        var rv = tx.NextRevision();
        var stored = candidate with
        {
            Metadata = candidate.Metadata with { ResourceVersion = rv.ToString(CultureInfo.InvariantCulture), Generation = generation },
        };
        tx.Put(rt, stored);
        return stored;
    }

    private static bool SpecChanged(KubeObject a, KubeObject b)
    {
        var ea = KubeObjectCodec.Encode(a);
        var eb = KubeObjectCodec.Encode(b);
        return !JsonNode.DeepEquals(ea["spec"], eb["spec"]);
    }

    private static KubeObject DeleteIn(StoreTransaction tx, ResourceType type, string ns, string name)
    {
        var key = type.Namespaced ? ns : "";
        var existing = tx.Get(type, key, name) ?? throw new NotFoundException(type, name);
        tx.Remove(type, key, name);
        tx.NextRevision();
        return existing;
    }

    private Event RecordEventIn(StoreTransaction tx, Event ev)
    {
        var rt = KindRegistry.ForType(typeof(Event));
        var ns = ev.InvolvedObject.Namespace ?? (ev.Namespace.Length > 0 ? ev.Namespace : "default");
        var now = Truncate(_clock());
        var existing = tx.List(rt, ns).Cast<Event>().FirstOrDefault(e =>
            e.InvolvedObject.Kind == ev.InvolvedObject.Kind && e.InvolvedObject.Name == ev.InvolvedObject.Name &&
            e.InvolvedObject.Uid == ev.InvolvedObject.Uid && e.Reason == ev.Reason && e.Message == ev.Message &&
            e.Type == ev.Type && e.Source?.Component == ev.Source?.Component);
        if (existing is not null)
        {
            var rv = tx.NextRevision();
            var updated = existing with
            {
                Count = (existing.Count ?? 1) + 1,
                LastTimestamp = now,
                Metadata = existing.Metadata with { ResourceVersion = rv.ToString(CultureInfo.InvariantCulture) },
            };
            tx.Put(rt, updated);
            return updated;
        }

        var name = ev.Name.Length > 0
            ? ev.Name
            : $"{ev.InvolvedObject.Name}.{(now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100 + tx.NextRevision():x}";
        var fresh = ev with
        {
            Metadata = ev.Metadata with { Name = name, Namespace = ns },
            Count = ev.Count ?? 1,
            FirstTimestamp = ev.FirstTimestamp ?? now,
            LastTimestamp = ev.LastTimestamp ?? now,
            Type = ev.Type ?? "Normal",
        };
        return (Event)CreateIn(tx, fresh, prepared: true);
    }

    private static DateTimeOffset Truncate(DateTimeOffset t) =>
        new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    /// <inheritdoc />
    public IReadOnlyList<ApplyResult> Apply(IEnumerable<(KubeObject Object, string? Source)> objects, ApplyOptions? options = null)
    {
        options ??= new ApplyOptions();
        var inputs = objects.ToList();
        var results = new ApplyResult?[inputs.Count];
        var prepared = new KubeObject?[inputs.Count];

        // Phase 1: default and validate everything, outside the transaction.
        for (var i = 0; i < inputs.Count; i++)
        {
            var (obj, source) = inputs[i];
            try
            {
                var rt = TypeOf(obj);
                var withNs = rt.Namespaced && obj.Namespace.Length == 0
                    ? obj with { Metadata = obj.Metadata with { Namespace = options.DefaultNamespace } }
                    : obj;
                if (options.RecordLastApplied && !options.CreateOnly)
                {
                    withNs = WithLastApplied(withNs);
                }

                var d = ObjectDefaulter.Default(withNs, options.DefaultNamespace);
                var errs = ObjectValidator.Validate(d, options.Validation);
                if (errs.Count > 0)
                {
                    var ex = new InvalidObjectException(d, errs);
                    results[i] = new ApplyResult(obj, null, ApplyAction.Failed, ex.KubectlMessage.TrimEnd('\n'), source) { Exception = ex };
                    continue;
                }

                prepared[i] = d;
            }
            catch (StoreException e)
            {
                results[i] = new ApplyResult(obj, null, ApplyAction.Failed, e.KubectlLineFor("creating", source ?? ""), source) { Exception = e };
            }
        }

        // Phase 2: one transaction for every valid object.
        if (prepared.Any(p => p is not null))
        {
            RunBulkWrite(inputs.Count, tx =>
            {
                var nsType = KindRegistry.ForType(typeof(Namespace));
                var knownNamespaces = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < inputs.Count; i++)
                {
                    var d = prepared[i];
                    if (d is null)
                    {
                        continue;
                    }

                    var source = inputs[i].Source;
                    var rt = TypeOf(d);
                    var verb = "creating";
                    try
                    {
                        if (options.RequireNamespaces && rt.Namespaced && !knownNamespaces.Contains(d.Namespace))
                        {
                            if (tx.Get(nsType, "", d.Namespace) is null)
                            {
                                throw new NotFoundException(nsType, d.Namespace);
                            }

                            knownNamespaces.Add(d.Namespace);
                        }

                        var existing = tx.Get(rt, d.Namespace, d.Name);
                        if (existing is null)
                        {
                            var created = CreateIn(tx, d, prepared: true);
                            results[i] = new ApplyResult(inputs[i].Object, created, ApplyAction.Created, null, source);
                        }
                        else if (options.CreateOnly)
                        {
                            throw new AlreadyExistsException(rt, d.Name);
                        }
                        else
                        {
                            verb = "patching";
                            var merged = MergeServerFields(d, existing);
                            var updated = UpdateIn(tx, merged, prepared: true, out var changed);
                            var action = changed ? ApplyAction.Configured : ApplyAction.Unchanged;
                            results[i] = new ApplyResult(inputs[i].Object, updated, action, null, source);
                        }

                        options.AfterWrite?.Invoke(i);
                    }
                    catch (StoreException e)
                    {
                        results[i] = new ApplyResult(inputs[i].Object, null, ApplyAction.Failed, e.KubectlLineFor(verb, source ?? ""), source) { Exception = e };
                    }
                }

                return 0;
            });
        }

        return results.Select(r => r!).ToList();
    }

    /// <summary>
    /// What apply keeps from the live object: identity metadata, status (a subresource apply never writes),
    /// and what the server allocated when the manifest leaves it out (Service clusterIP(s), node ports,
    /// health-check node port).
    /// </summary>
    private static KubeObject MergeServerFields(KubeObject desired, KubeObject existing)
    {
        desired = desired with
        {
            Metadata = desired.Metadata with
            {
                Uid = existing.Metadata.Uid,
                CreationTimestamp = existing.Metadata.CreationTimestamp,
                ResourceVersion = existing.Metadata.ResourceVersion,
            },
        };
        var node = KubeObjectCodec.Encode(desired);
        var live = KubeObjectCodec.Encode(existing);
        if (live["status"] is { } status)
        {
            node["status"] = status.DeepClone();
        }
        else
        {
            node.Remove("status");
        }

        var merged = (KubeObject)node.Deserialize(desired.GetType(), KubeJson.Options)!;
        if (merged is Service s && existing is Service old)
        {
            var spec = s.Spec;
            if (string.IsNullOrEmpty(spec.ClusterIP) && old.Spec.Type != "ExternalName" && spec.Type != "ExternalName")
            {
                spec = spec with { ClusterIP = old.Spec.ClusterIP, ClusterIPs = old.Spec.ClusterIPs };
            }

            if (spec.Type is "NodePort" or "LoadBalancer")
            {
                spec = spec with
                {
                    Ports = spec.Ports.Select(p => p.NodePort is null or 0
                        ? p with { NodePort = old.Spec.Ports.FirstOrDefault(o => o.Port == p.Port && o.Protocol == p.Protocol)?.NodePort }
                        : p).ToList(),
                    HealthCheckNodePort = spec.HealthCheckNodePort ?? old.Spec.HealthCheckNodePort,
                };
            }

            merged = s with { Spec = spec };
        }

        return merged;
    }

    private static KubeObject WithLastApplied(KubeObject obj)
    {
        var annotations = new Dictionary<string, string>(obj.Metadata.Annotations);
        annotations.Remove(LastAppliedAnnotation);
        var clean = obj with { Metadata = obj.Metadata with { Annotations = annotations } };
        var node = KubeObjectCodec.Encode(clean);
        if (node["metadata"] is JsonObject meta && !meta.ContainsKey("annotations"))
        {
            meta["annotations"] = new JsonObject(); // kubectl leaves the emptied map in place
        }

        annotations[LastAppliedAnnotation] = GoJsonWriter.WriteCompact(node) + "\n";
        return obj with { Metadata = obj.Metadata with { Annotations = annotations } };
    }
}

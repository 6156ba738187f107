using Podnet.Cluster.Api.Meta;

namespace Podnet.Cluster.Api.Store;

/// <summary>
/// An in-memory store with the same semantics as <see cref="SqliteObjectStore"/> (for stateless
/// <c>-f PATH</c> commands and tests). Thread-safe; a write transaction holds a lock and is undone on failure.
/// </summary>
public sealed class MemoryObjectStore : ObjectStoreBase
{
    private readonly object _gate = new();
    private readonly Dictionary<string, SortedDictionary<(string Ns, string Name), KubeObject>> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _settings = new(StringComparer.Ordinal);
    private long _revision;

    /// <summary>Creates an empty store.</summary>
    public MemoryObjectStore(Func<DateTimeOffset>? clock = null, Func<string>? newUid = null, Random? random = null)
        : base(clock, newUid, random)
    {
    }

    /// <inheritdoc />
    public override long Revision
    {
        get
        {
            lock (_gate)
            {
                return _revision;
            }
        }
    }

    /// <inheritdoc />
    public override string? GetSetting(string key)
    {
        lock (_gate)
        {
            return _settings.TryGetValue(key, out var v) ? v : null;
        }
    }

    /// <inheritdoc />
    public override void SetSetting(string key, string value)
    {
        lock (_gate)
        {
            _settings[key] = value;
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
    }

    /// <inheritdoc />
    protected override T RunWrite<T>(Func<StoreTransaction, T> body)
    {
        lock (_gate)
        {
            var tx = new Tx(this);
            try
            {
                return body(tx);
            }
            catch
            {
                tx.Undo();
                throw;
            }
        }
    }

    /// <inheritdoc />
    protected override T RunRead<T>(Func<StoreTransaction, T> body)
    {
        lock (_gate)
        {
            return body(new Tx(this));
        }
    }

    private static readonly IComparer<(string Ns, string Name)> KeyOrder = Comparer<(string Ns, string Name)>.Create((a, b) =>
    {
        var c = string.CompareOrdinal(a.Ns, b.Ns);
        return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
    });

    private sealed class Tx(MemoryObjectStore store) : StoreTransaction
    {
        private readonly List<Action> _undo = [];

        public override KubeObject? Get(ResourceType type, string ns, string name) =>
            store._objects.TryGetValue(type.QualifiedPlural, out var m) && m.TryGetValue((ns, name), out var o) ? o : null;

        public override IEnumerable<KubeObject> List(ResourceType type, string? ns)
        {
            if (!store._objects.TryGetValue(type.QualifiedPlural, out var m))
            {
                return [];
            }

            return ns is null ? m.Values.ToList() : m.Where(kv => kv.Key.Ns == ns).Select(kv => kv.Value).ToList();
        }

        public override void Put(ResourceType type, KubeObject obj)
        {
            if (!store._objects.TryGetValue(type.QualifiedPlural, out var m))
            {
                m = new SortedDictionary<(string Ns, string Name), KubeObject>(KeyOrder);
                store._objects[type.QualifiedPlural] = m;
            }

            var key = (obj.Namespace, obj.Name);
            if (m.TryGetValue(key, out var previous))
            {
                _undo.Add(() => m[key] = previous);
            }
            else
            {
                _undo.Add(() => m.Remove(key));
            }

            m[key] = obj;
        }

        public override void Remove(ResourceType type, string ns, string name)
        {
            if (store._objects.TryGetValue(type.QualifiedPlural, out var m) && m.Remove((ns, name), out var previous))
            {
                _undo.Add(() => m[(ns, name)] = previous);
            }
        }

        public override long NextRevision()
        {
            var before = store._revision;
            _undo.Add(() => store._revision = before);
            return ++store._revision;
        }

        public void Undo()
        {
            for (var i = _undo.Count - 1; i >= 0; i--)
            {
                _undo[i]();
            }
        }
    }
}

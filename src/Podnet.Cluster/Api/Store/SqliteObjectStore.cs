using System.Globalization;
using Microsoft.Data.Sqlite;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Serialization;

namespace Podnet.Cluster.Api.Store;

/// <summary>
/// The persistent store: one SQLite database per cluster (etcd's role). Objects are rows keyed by
/// (resource, namespace, name) holding the object's JSON; a one-row table holds the revision counter.
/// WAL journal, a busy timeout so that concurrent CLI invocations wait rather than fail, and every write
/// is one <c>BEGIN IMMEDIATE</c> transaction, so a killed process leaves all or nothing of it.
/// </summary>
public sealed class SqliteObjectStore : ObjectStoreBase
{
    private readonly SqliteConnection _conn;
    private readonly object _gate = new();

    /// <summary>Opens (creating if needed) the database at <paramref name="path"/>.</summary>
    public SqliteObjectStore(string path, Func<DateTimeOffset>? clock = null, Func<string>? newUid = null, Random? random = null)
        : base(clock, newUid, random)
    {
        Path = path;
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        var cs = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 60,
        }.ToString();
        _conn = new SqliteConnection(cs);
        _conn.Open();
        Exec("PRAGMA busy_timeout=60000;");
        Exec("PRAGMA journal_mode=WAL;");
        Exec("PRAGMA synchronous=NORMAL;");
        using var tx = _conn.BeginTransaction();
        Exec("""
            CREATE TABLE IF NOT EXISTS objects (
              resource TEXT NOT NULL,
              namespace TEXT NOT NULL,
              name TEXT NOT NULL,
              uid TEXT NOT NULL,
              resource_version INTEGER NOT NULL,
              body BLOB NOT NULL,
              PRIMARY KEY (resource, namespace, name)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS revision (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
            INSERT OR IGNORE INTO revision (id, value) VALUES (1, 0);
            CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            """, tx);
        tx.Commit();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public override long Revision
    {
        get
        {
            lock (_gate)
            {
                using var cmd = _conn.CreateCommand();
                cmd.CommandText = "SELECT value FROM revision WHERE id = 1";
                return (long)cmd.ExecuteScalar()!;
            }
        }
    }

    /// <inheritdoc />
    public override string? GetSetting(string key)
    {
        lock (_gate)
        {
            using var cmd = _conn.CreateCommand();
            cmd.CommandText = "SELECT value FROM settings WHERE key = $k";
            cmd.Parameters.AddWithValue("$k", key);
            return cmd.ExecuteScalar() as string;
        }
    }

    /// <inheritdoc />
    public override void SetSetting(string key, string value)
    {
        lock (_gate)
        {
            using var cmd = _conn.CreateCommand();
            cmd.CommandText = "INSERT INTO settings (key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
            cmd.Parameters.AddWithValue("$k", key);
            cmd.Parameters.AddWithValue("$v", value);
            cmd.ExecuteNonQuery();
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        lock (_gate)
        {
            _conn.Dispose();
        }
    }

    /// <summary>Runs SQLite's <c>PRAGMA integrity_check</c>; "ok" when the file is sound.</summary>
    public string IntegrityCheck()
    {
        lock (_gate)
        {
            using var cmd = _conn.CreateCommand();
            cmd.CommandText = "PRAGMA integrity_check";
            return (string)cmd.ExecuteScalar()!;
        }
    }

    private void Exec(string sql, SqliteTransaction? tx = null)
    {
        using var cmd = _conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <inheritdoc />
    protected override T RunWrite<T>(Func<StoreTransaction, T> body)
    {
        lock (_gate)
        {
            using var sqlTx = _conn.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: take the write lock now
            using var tx = new Tx(_conn, sqlTx);
            var result = body(tx);
            tx.Flush();
            sqlTx.Commit();
            return result;
        }
    }

    /// <inheritdoc />
    protected override T RunRead<T>(Func<StoreTransaction, T> body)
    {
        lock (_gate)
        {
            using var sqlTx = _conn.BeginTransaction(deferred: true);
            using var tx = new Tx(_conn, sqlTx);
            var result = body(tx);
            sqlTx.Commit();
            return result;
        }
    }

    private sealed class Tx : StoreTransaction, IDisposable
    {
        private readonly SqliteConnection _conn;
        private readonly SqliteTransaction _tx;
        private readonly SqliteCommand _get;
        private readonly SqliteCommand _put;
        private readonly SqliteCommand _remove;
        private long? _revision;
        private bool _revisionDirty;

        public Tx(SqliteConnection conn, SqliteTransaction tx)
        {
            _conn = conn;
            _tx = tx;
            _get = Command("SELECT body FROM objects WHERE resource = $r AND namespace = $ns AND name = $n", "$r", "$ns", "$n");
            _put = Command(
                "INSERT INTO objects (resource, namespace, name, uid, resource_version, body) VALUES ($r, $ns, $n, $uid, $rv, $body) " +
                "ON CONFLICT(resource, namespace, name) DO UPDATE SET uid = excluded.uid, resource_version = excluded.resource_version, body = excluded.body",
                "$r", "$ns", "$n", "$uid", "$rv", "$body");
            _remove = Command("DELETE FROM objects WHERE resource = $r AND namespace = $ns AND name = $n", "$r", "$ns", "$n");
        }

        private SqliteCommand Command(string sql, params string[] parameters)
        {
            var cmd = _conn.CreateCommand();
            cmd.Transaction = _tx;
            cmd.CommandText = sql;
            foreach (var p in parameters)
            {
                cmd.Parameters.Add(new SqliteParameter(p, null));
            }

            cmd.Prepare();
            return cmd;
        }

        public override KubeObject? Get(ResourceType type, string ns, string name)
        {
            _get.Parameters["$r"].Value = type.QualifiedPlural;
            _get.Parameters["$ns"].Value = ns;
            _get.Parameters["$n"].Value = name;
            using var reader = _get.ExecuteReader();
            return reader.Read() ? KubeObjectCodec.Decode((byte[])reader.GetValue(0), type) : null;
        }

        public override IEnumerable<KubeObject> List(ResourceType type, string? ns)
        {
            using var cmd = _conn.CreateCommand();
            cmd.Transaction = _tx;
            cmd.CommandText = ns is null
                ? "SELECT body FROM objects WHERE resource = $r ORDER BY namespace, name"
                : "SELECT body FROM objects WHERE resource = $r AND namespace = $ns ORDER BY name";
            cmd.Parameters.AddWithValue("$r", type.QualifiedPlural);
            if (ns is not null)
            {
                cmd.Parameters.AddWithValue("$ns", ns);
            }

            var bodies = new List<byte[]>();
            using (var reader = cmd.ExecuteReader())
            {
                while (reader.Read())
                {
                    bodies.Add((byte[])reader.GetValue(0));
                }
            }

            // Decoding dominates a large read (a 3000-pod cluster): spread it over the cores, keeping the order.
            var objects = new KubeObject[bodies.Count];
            if (bodies.Count >= 512)
            {
                Parallel.For(0, bodies.Count, i => objects[i] = KubeObjectCodec.Decode(bodies[i], type));
            }
            else
            {
                for (int i = 0; i < bodies.Count; i++)
                {
                    objects[i] = KubeObjectCodec.Decode(bodies[i], type);
                }
            }

            return objects;
        }

        public override void Put(ResourceType type, KubeObject obj)
        {
            _put.Parameters["$r"].Value = type.QualifiedPlural;
            _put.Parameters["$ns"].Value = obj.Namespace;
            _put.Parameters["$n"].Value = obj.Name;
            _put.Parameters["$uid"].Value = obj.Metadata.Uid ?? "";
            _put.Parameters["$rv"].Value = long.Parse(obj.Metadata.ResourceVersion ?? "0", CultureInfo.InvariantCulture);
            _put.Parameters["$body"].Value = KubeObjectCodec.EncodeUtf8(obj);
            _put.ExecuteNonQuery();
        }

        public override void Remove(ResourceType type, string ns, string name)
        {
            _remove.Parameters["$r"].Value = type.QualifiedPlural;
            _remove.Parameters["$ns"].Value = ns;
            _remove.Parameters["$n"].Value = name;
            _remove.ExecuteNonQuery();
        }

        public override long NextRevision()
        {
            if (_revision is null)
            {
                using var cmd = _conn.CreateCommand();
                cmd.Transaction = _tx;
                cmd.CommandText = "SELECT value FROM revision WHERE id = 1";
                _revision = (long)cmd.ExecuteScalar()!;
            }

            _revisionDirty = true;
            _revision = _revision.Value + 1;
            return _revision.Value;
        }

        public void Flush()
        {
            if (_revisionDirty)
            {
                using var cmd = _conn.CreateCommand();
                cmd.Transaction = _tx;
                cmd.CommandText = "UPDATE revision SET value = $v WHERE id = 1";
                cmd.Parameters.AddWithValue("$v", _revision!.Value);
                cmd.ExecuteNonQuery();
            }
        }

        public void Dispose()
        {
            _get.Dispose();
            _put.Dispose();
            _remove.Dispose();
        }
    }
}

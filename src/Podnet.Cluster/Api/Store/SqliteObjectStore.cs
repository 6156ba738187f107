using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Serialization;
using SQLitePCL;

namespace Podnet.Cluster.Api.Store;

/// <summary>
/// The persistent store: one SQLite database per cluster (etcd's role). Objects are rows of an ordinary
/// (rowid) table holding the object's JSON, found through a unique index on (resource, namespace, name);
/// a one-row table holds the revision counter. WAL journal, a busy timeout so that concurrent CLI
/// invocations wait rather than fail, and every write is one <c>BEGIN IMMEDIATE</c> transaction, so a
/// killed process leaves all or nothing of it. Inside a write transaction the objects put are encoded
/// to JSON on the thread pool, a buffer at a time, while the caller goes on; the rows are written in put
/// order before anything lists the table and before the commit.
/// </summary>
/// <remarks>
/// Schema version 2 (<c>PRAGMA user_version</c>). Databases written by version 1 (the objects keyed
/// by a <c>WITHOUT ROWID</c> primary key, which SQLite advises against for rows as large as objects' JSON)
/// are migrated in one transaction the first time they are opened.
/// </remarks>
public sealed class SqliteObjectStore : ObjectStoreBase
{
    /// <summary>The schema version this code writes (<c>PRAGMA user_version</c>).</summary>
    public const int SchemaVersion = 2;

    private const string ObjectsTable = """
        CREATE TABLE objects (
          id INTEGER PRIMARY KEY,
          resource TEXT NOT NULL,
          namespace TEXT NOT NULL,
          name TEXT NOT NULL,
          uid TEXT NOT NULL,
          resource_version INTEGER NOT NULL,
          body BLOB NOT NULL
        );
        CREATE UNIQUE INDEX objects_key ON objects (resource, namespace, name);
        """;

    // How long a connection waits for another's lock (a long apply elsewhere) before failing.
    private const int BusyTimeoutMilliseconds = 60_000;

    private readonly SqliteConnection _conn;
    private readonly object _gate = new();

    /// <summary>
    /// Opens (creating if needed, migrating a version-1 database) the database at <paramref name="path"/>, with a
    /// page cache of up to <paramref name="pageCacheKiB"/> KiB (allocated only as used; the default 128 MiB keeps a
    /// large write's index pages in memory; a smaller one makes a write spill its pages into the file before it
    /// commits, which the crash tests use).
    /// </summary>
    public SqliteObjectStore(string path, Func<DateTimeOffset>? clock = null, Func<string>? newUid = null, Random? random = null, int pageCacheKiB = 131072)
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
        Exec($"PRAGMA busy_timeout={BusyTimeoutMilliseconds};");
        // 8 KiB pages hold several objects each (a pod's JSON is 2-3 KiB); this only takes effect on a new file.
        Exec("PRAGMA page_size=8192;");
        Exec("PRAGMA journal_mode=WAL;");
        Exec("PRAGMA synchronous=NORMAL;");
        Exec(FormattableString.Invariant($"PRAGMA cache_size=-{pageCacheKiB};"));
        if (Convert.ToInt64(Scalar("PRAGMA user_version", null), CultureInfo.InvariantCulture) == SchemaVersion)
        {
            return; // set up already: opening takes no write lock (a long apply elsewhere does not hold up a read)
        }

        using var tx = _conn.BeginTransaction(deferred: false);
        var version = Convert.ToInt64(Scalar("PRAGMA user_version", tx), CultureInfo.InvariantCulture);
        var objectsSql = Scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'objects'", tx) as string;
        if (objectsSql is null)
        {
            Exec(ObjectsTable, tx);
        }
        else if (objectsSql.Contains("WITHOUT ROWID", StringComparison.OrdinalIgnoreCase))
        {
            // version 1: copy the rows into the rowid table in key order, then drop the old table
            Exec("ALTER TABLE objects RENAME TO objects_v1;", tx);
            Exec(ObjectsTable, tx);
            Exec("""
                INSERT INTO objects (resource, namespace, name, uid, resource_version, body)
                  SELECT resource, namespace, name, uid, resource_version, body FROM objects_v1 ORDER BY resource, namespace, name;
                DROP TABLE objects_v1;
                """, tx);
        }

        Exec("""
            CREATE TABLE IF NOT EXISTS revision (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
            INSERT OR IGNORE INTO revision (id, value) VALUES (1, 0);
            CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            """, tx);
        if (version < SchemaVersion)
        {
            Exec($"PRAGMA user_version={SchemaVersion};", tx);
        }

        tx.Commit();
    }

    /// <summary>
    /// How many objects a write transaction buffers before handing them to a background encoder
    /// (bounds the memory a large write holds in encoded JSON).
    /// </summary>
    public int WriteBufferSize { get; init; } = 2048;

    /// <summary>
    /// A write of at least this many objects (a large apply's commit) goes through a rollback journal instead of
    /// the WAL when this is the only connection to the file (see <see cref="RunBulkWrite{T}"/>).
    /// </summary>
    public int BulkWriteObjects { get; init; } = 10_000;

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

    /// <summary>
    /// The identity of every stored Event (key, involved object, reason, message), read with one query and
    /// without decoding any Event: what the event recorder's de-duplication and the garbage collector need
    /// on a cluster whose Events outnumber every other object.
    /// </summary>
    public IReadOnlyList<EventIdentity> ListEventIdentities()
    {
        lock (_gate)
        {
            using var sqlTx = _conn.BeginTransaction(deferred: true);
            var db = _conn.Handle!;
            var result = new List<EventIdentity>();
            var strings = new Dictionary<string, string>(StringComparer.Ordinal);
            CheckRead(db, raw.sqlite3_prepare_v2(db, "SELECT namespace, name, body FROM objects WHERE resource = ?1 ORDER BY namespace, name", out var stmt));
            using (stmt)
            {
                CheckRead(db, raw.sqlite3_bind_text(stmt, 1, EventResource));
                int rc;
                while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
                {
                    var ns = Shared(raw.sqlite3_column_text(stmt, 0).utf8_to_string(), strings);
                    var name = raw.sqlite3_column_text(stmt, 1).utf8_to_string();
                    result.Add(EventIdentity.Read(ns, name, raw.sqlite3_column_blob(stmt, 2), strings));
                }

                CheckRead(db, rc);
            }

            sqlTx.Commit();
            return result;
        }
    }

    /// <summary>
    /// Stored Events whose JSON contains <paramref name="text"/> as a JSON string (for example the name of the
    /// object they are about), ordered by namespace and name: a cheap superset that the caller filters exactly
    /// (<c>describe</c> reads the events of one object this way instead of decoding every Event).
    /// </summary>
    public IReadOnlyList<Core.Event> ListEventsMentioning(string text)
    {
        var needle = JsonSerializer.SerializeToUtf8Bytes(text, KubeJson.Options); // as the encoder wrote it, quotes included
        lock (_gate)
        {
            using var sqlTx = _conn.BeginTransaction(deferred: true);
            var db = _conn.Handle!;
            var bodies = new List<byte[]>();
            CheckRead(db, raw.sqlite3_prepare_v2(db, "SELECT body FROM objects WHERE resource = ?1 AND instr(body, ?2) > 0 ORDER BY namespace, name", out var stmt));
            using (stmt)
            {
                CheckRead(db, raw.sqlite3_bind_text(stmt, 1, EventResource));
                CheckRead(db, raw.sqlite3_bind_blob(stmt, 2, needle));
                int rc;
                while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
                {
                    bodies.Add(raw.sqlite3_column_blob(stmt, 0).ToArray());
                }

                CheckRead(db, rc);
            }

            sqlTx.Commit();
            var type = KindRegistry.ForType(typeof(Core.Event));
            return bodies.Select(b => (Core.Event)KubeObjectCodec.Decode(b, type)).ToList();
        }
    }

    private static string EventResource => KindRegistry.ForType(typeof(Core.Event)).QualifiedPlural;

    private static string Shared(string value, Dictionary<string, string> strings)
    {
        if (strings.TryGetValue(value, out var shared))
        {
            return shared;
        }

        strings[value] = value;
        return value;
    }

    private static void CheckRead(sqlite3 db, int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_ROW or raw.SQLITE_DONE))
        {
            SqliteException.ThrowExceptionForRC(rc, db);
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

    private object? Scalar(string sql, SqliteTransaction? tx)
    {
        using var cmd = _conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
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
            var timer = new StepTimer(Timings, "store: ");
            using var sqlTx = _conn.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: take the write lock now
            timer.Done("write lock");
            using var tx = new Tx(_conn, sqlTx, WriteBufferSize) { Timed = Timings is not null };
            var result = body(tx);
            tx.Flush();
            if (Timings is { } timings)
            {
                timer.Done("rows");
                timings("store: rows: of which waiting for or encoding JSON on the writer's thread", System.Diagnostics.Stopwatch.GetElapsedTime(0, tx.EncodeTicks));
                timings("store: rows: of which binding and inserting rows", System.Diagnostics.Stopwatch.GetElapsedTime(0, tx.InsertTicks));
            }

            sqlTx.Commit();
            timer.Done("commit (SQLite)");
            return result;
        }
    }

    /// <summary>
    /// A large write through a rollback journal: in WAL mode every page of a write is written twice (into the
    /// WAL, then into the database by the checkpoint), while a rollback journal keeps only the original content
    /// of the pages that existed before the write, and pages added at the end of the file (the rows of a large
    /// apply) are written once. The guarantees stay: one transaction, a killed process leaves a hot journal that
    /// the next opener rolls back (SQLite's recovery), and the journal is synced before the database is
    /// overwritten (<c>synchronous=FULL</c> for this write). Leaving WAL mode needs the file to itself, so this
    /// is tried without waiting and only when no other connection has the file open; otherwise (or for a
    /// smaller write) the write goes through the WAL as usual. A reader that opens the file during the write
    /// waits for it (busy timeout) instead of reading the snapshot before it; the next opener, or this
    /// connection after the write, switches the file back to WAL.
    /// </summary>
    protected override T RunBulkWrite<T>(int objects, Func<StoreTransaction, T> body)
    {
        if (objects < BulkWriteObjects)
        {
            return RunWrite(body);
        }

        lock (_gate)
        {
            if (!TryLeaveWal())
            {
                return RunWrite(body); // another connection has the file open
            }

            try
            {
                Exec("PRAGMA synchronous=FULL;");
                return RunWrite(body);
            }
            finally
            {
                Exec("PRAGMA synchronous=NORMAL;");
                try
                {
                    Exec("PRAGMA journal_mode=WAL;");
                }
                catch (SqliteException)
                {
                    // still a rollback journal (a reader held the file for longer than the busy timeout): consistent,
                    // and the next opener switches it back to WAL
                }
            }
        }
    }

    // Switches this connection's file to a rollback journal if nobody else has it open; does not wait.
    private bool TryLeaveWal()
    {
        var db = _conn.Handle!;
        raw.sqlite3_busy_timeout(db, 0);
        try
        {
            if (raw.sqlite3_prepare_v2(db, "PRAGMA journal_mode=DELETE", out var stmt) != raw.SQLITE_OK)
            {
                return false;
            }

            using (stmt)
            {
                return raw.sqlite3_step(stmt) == raw.SQLITE_ROW &&
                    string.Equals(raw.sqlite3_column_text(stmt, 0).utf8_to_string(), "delete", StringComparison.OrdinalIgnoreCase);
            }
        }
        finally
        {
            raw.sqlite3_busy_timeout(db, BusyTimeoutMilliseconds);
        }
    }

    /// <inheritdoc />
    protected override T RunRead<T>(Func<StoreTransaction, T> body)
    {
        lock (_gate)
        {
            using var sqlTx = _conn.BeginTransaction(deferred: true);
            using var tx = new Tx(_conn, sqlTx, int.MaxValue);
            var result = body(tx);
            sqlTx.Commit();
            return result;
        }
    }

    private sealed class Tx : StoreTransaction, IDisposable
    {
        // The largest buffer kept for a chunk's JSON (a chunk of 2048 pods is ≈ 5 MiB).
        private const int MaxArenaBytes = 64 << 20;

        private readonly SqliteConnection _conn;
        private readonly SqliteTransaction _tx;
        private readonly int _bufferSize;
        private readonly sqlite3 _db;
        private sqlite3_stmt? _get;
        private sqlite3_stmt? _exists;
        private sqlite3_stmt? _put;
        private sqlite3_stmt? _insert;
        private sqlite3_stmt? _remove;
        private long? _revision;
        private bool _revisionDirty;
        private ResourceType? _lastType;
        private byte[] _lastResource = [];
        private byte[] _utf8 = new byte[1024];
        private byte[] _arena = [];

        // Objects put but not yet written: the chunk being filled, and the one being encoded in the background.
        private PutChunk _pending = new();
        private PutChunk? _encoding;

        public bool Timed { get; init; }

        public long EncodeTicks { get; private set; }

        public long InsertTicks { get; private set; }

        public Tx(SqliteConnection conn, SqliteTransaction tx, int bufferSize)
        {
            _conn = conn;
            _tx = tx;
            _bufferSize = bufferSize;
            _db = conn.Handle!;
        }

        private sqlite3_stmt Statement(ref sqlite3_stmt? stmt, string sql)
        {
            if (stmt is null)
            {
                Check(raw.sqlite3_prepare_v2(_db, sql, out var prepared));
                stmt = prepared;
            }

            return stmt;
        }

        private void Check(int rc)
        {
            if (rc is not (raw.SQLITE_OK or raw.SQLITE_ROW or raw.SQLITE_DONE))
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }
        }

        // The resource column of a type, as UTF-8 (converted once per type and transaction).
        private ReadOnlySpan<byte> Utf8Of(ResourceType type)
        {
            if (!ReferenceEquals(type, _lastType))
            {
                _lastType = type;
                _lastResource = System.Text.Encoding.UTF8.GetBytes(type.QualifiedPlural);
            }

            return _lastResource;
        }

        private void BindText(sqlite3_stmt stmt, int index, ReadOnlySpan<byte> utf8) => Check(raw.sqlite3_bind_text(stmt, index, utf8));

        // Binds text without the per-call array SQLitePCL's string overload allocates (SQLite copies the bytes).
        private void BindText(sqlite3_stmt stmt, int index, string text)
        {
            var max = System.Text.Encoding.UTF8.GetMaxByteCount(text.Length);
            if (max > _utf8.Length)
            {
                _utf8 = new byte[Math.Max(max, _utf8.Length * 2)];
            }

            var length = System.Text.Encoding.UTF8.GetBytes(text, _utf8);
            Check(raw.sqlite3_bind_text(stmt, index, _utf8.AsSpan(0, length)));
        }

        private void BindKey(sqlite3_stmt stmt, string resource, string ns, string name)
        {
            Check(raw.sqlite3_bind_text(stmt, 1, resource));
            Check(raw.sqlite3_bind_text(stmt, 2, ns));
            Check(raw.sqlite3_bind_text(stmt, 3, name));
        }

        public override KubeObject? Get(ResourceType type, string ns, string name)
        {
            if (Buffered(type, ns, name, out var buffered))
            {
                return buffered;
            }

            var stmt = Statement(ref _get, "SELECT body FROM objects WHERE resource = ?1 AND namespace = ?2 AND name = ?3");
            try
            {
                BindKey(stmt, type.QualifiedPlural, ns, name);
                var rc = raw.sqlite3_step(stmt);
                Check(rc);
                return rc == raw.SQLITE_ROW ? KubeObjectCodec.Decode(raw.sqlite3_column_blob(stmt, 0), type) : null;
            }
            finally
            {
                raw.sqlite3_reset(stmt);
            }
        }

        public override bool Exists(ResourceType type, string ns, string name)
        {
            if (Buffered(type, ns, name, out var buffered))
            {
                return buffered is not null;
            }

            var stmt = Statement(ref _exists, "SELECT 1 FROM objects WHERE resource = ?1 AND namespace = ?2 AND name = ?3");
            try
            {
                BindKey(stmt, type.QualifiedPlural, ns, name);
                var rc = raw.sqlite3_step(stmt);
                Check(rc);
                return rc == raw.SQLITE_ROW;
            }
            finally
            {
                raw.sqlite3_reset(stmt);
            }
        }

        // The newest buffered version of a key, if any (a buffered removal is never kept: removes write through).
        private bool Buffered(ResourceType type, string ns, string name, out KubeObject? obj)
        {
            var key = (type.QualifiedPlural, ns, name);
            if (_pending.TryGet(key, out obj) || (_encoding is not null && _encoding.TryGet(key, out obj)))
            {
                return true;
            }

            obj = null;
            return false;
        }

        public override IEnumerable<KubeObject> List(ResourceType type, string? ns)
        {
            WriteBuffered();
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

        public override void Put(ResourceType type, KubeObject obj) => Buffer(type, obj, isNew: false);

        public override void Insert(ResourceType type, KubeObject obj)
        {
            // A key stored before this transaction, or put earlier in it, fails on the unique index when the
            // row is written (ConflictException); nothing is looked up per object here.
            Buffer(type, obj, isNew: true);
        }

        private void Buffer(ResourceType type, KubeObject obj, bool isNew)
        {
            _pending.Add(type, obj, isNew);
            if (_pending.Count >= _bufferSize)
            {
                // write the chunk encoded meanwhile, then encode this one in the background
                WriteEncoding();
                var chunk = _pending;
                _pending = new PutChunk();
                _encoding = chunk;
                chunk.StartEncoding(_arena);
            }
        }

        public override void Remove(ResourceType type, string ns, string name)
        {
            WriteEncoding(); // a buffered put of this key must not land after the delete
            _pending.Forget((type.QualifiedPlural, ns, name));
            var stmt = Statement(ref _remove, "DELETE FROM objects WHERE resource = ?1 AND namespace = ?2 AND name = ?3");
            try
            {
                BindKey(stmt, type.QualifiedPlural, ns, name);
                Check(raw.sqlite3_step(stmt));
            }
            finally
            {
                raw.sqlite3_reset(stmt);
            }
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

        // Writes the chunk being encoded in the background, if any.
        private void WriteEncoding()
        {
            if (_encoding is null)
            {
                return;
            }

            var chunk = _encoding;
            _encoding = null;
            Finish(chunk);
            WriteRows(chunk);
        }

        private void Finish(PutChunk chunk)
        {
            if (!Timed)
            {
                chunk.FinishEncoding();
                return;
            }

            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            chunk.FinishEncoding();
            EncodeTicks += System.Diagnostics.Stopwatch.GetTimestamp() - start;
        }

        // Writes every buffered put, in put order.
        private void WriteBuffered()
        {
            WriteEncoding();
            if (_pending.Count > 0)
            {
                var chunk = _pending;
                _pending = new PutChunk();
                chunk.StartEncoding(_arena);
                Finish(chunk);
                WriteRows(chunk);
            }
        }

        // Writes an encoded chunk's rows; afterwards its bytes' buffer is free for the next chunk.
        private void WriteRows(PutChunk chunk)
        {
            var start = Timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
            try
            {
                WriteRowsUntimed(chunk);
            }
            finally
            {
                if (Timed)
                {
                    InsertTicks += System.Diagnostics.Stopwatch.GetTimestamp() - start;
                }
            }

            // The next chunk's JSON goes into one reused buffer sized from this one (the first chunk, and a chunk
            // larger than the buffer, get arrays of their own for what does not fit).
            var needed = chunk.EncodedBytes;
            if (needed > _arena.Length && _arena.Length < MaxArenaBytes)
            {
                _arena = new byte[(int)Math.Min(MaxArenaBytes, Math.Max(needed + (needed / 4), 2L * _arena.Length))];
            }
        }

        private void WriteRowsUntimed(PutChunk chunk)
        {
            const string insert = "INSERT INTO objects (resource, namespace, name, uid, resource_version, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
            for (var i = 0; i < chunk.Items.Count; i++)
            {
                var (type, obj, isNew) = chunk.Items[i];
                if (obj is null)
                {
                    continue; // replaced by a later put of the same key in this chunk
                }

                var stmt = isNew
                    ? Statement(ref _insert, insert)
                    : Statement(ref _put, insert + " ON CONFLICT (resource, namespace, name) DO UPDATE SET uid = excluded.uid, resource_version = excluded.resource_version, body = excluded.body");
                try
                {
                    BindText(stmt, 1, Utf8Of(type));
                    BindText(stmt, 2, obj.Namespace);
                    BindText(stmt, 3, obj.Name);
                    BindText(stmt, 4, obj.Metadata.Uid ?? "");
                    Check(raw.sqlite3_bind_int64(stmt, 5, long.Parse(obj.Metadata.ResourceVersion ?? "0", CultureInfo.InvariantCulture)));
                    Check(raw.sqlite3_bind_blob(stmt, 6, chunk.Body(i)));
                    var rc = raw.sqlite3_step(stmt);
                    if (isNew && (rc & 0xFF) == raw.SQLITE_CONSTRAINT)
                    {
                        throw new ConflictException(type, obj.Name); // stored by another writer since the view was read
                    }

                    Check(rc);
                }
                finally
                {
                    raw.sqlite3_reset(stmt);
                }
            }
        }

        public void Flush()
        {
            WriteBuffered();
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
            _encoding?.Abandon(); // a failed transaction: let the encoders finish before the statements go

            _get?.Dispose();
            _exists?.Dispose();
            _put?.Dispose();
            _insert?.Dispose();
            _remove?.Dispose();
        }
    }

    /// <summary>
    /// Objects put in a write transaction and not yet written, in put order (a later put of a key replaces the
    /// earlier). The key index is built only when something looks a key up or puts an existing key (an
    /// update): a transaction of creates only never hashes a key here.
    /// </summary>
    private sealed class PutChunk
    {
        private Dictionary<(string Resource, string Ns, string Name), int>? _index;
        private byte[] _arena = [];
        private long _encodedBytes;
        private (int Offset, int Length)[]? _slices;
        private byte[]?[]? _ownArrays;
        private int _next;
        private int _remaining;
        private ManualResetEventSlim? _done;
        private Exception? _error;

        public List<(ResourceType Type, KubeObject? Object, bool IsNew)> Items { get; } = [];

        public int Count => Items.Count;

        private Dictionary<(string Resource, string Ns, string Name), int> Index()
        {
            if (_index is null)
            {
                _index = new Dictionary<(string, string, string), int>(Items.Count);
                for (var i = 0; i < Items.Count; i++)
                {
                    if (Items[i].Object is { } o)
                    {
                        _index[(Items[i].Type.QualifiedPlural, o.Namespace, o.Name)] = i;
                    }
                }
            }

            return _index;
        }

        public void Add(ResourceType type, KubeObject obj, bool isNew)
        {
            if (isNew && _index is null)
            {
                Items.Add((type, obj, true)); // a duplicate create fails on the unique index when written
                return;
            }

            var index = Index();
            var key = (type.QualifiedPlural, obj.Namespace, obj.Name);
            if (index.TryGetValue(key, out var previous))
            {
                isNew &= Items[previous].IsNew; // still a new row if this transaction inserted it
                Items[previous] = (type, null, false);
            }

            index[key] = Items.Count;
            Items.Add((type, obj, isNew));
        }

        public bool TryGet((string, string, string) key, out KubeObject? obj)
        {
            if (Items.Count > 0 && Index().TryGetValue(key, out var i))
            {
                obj = Items[i].Object;
                return true;
            }

            obj = null;
            return false;
        }

        public void Forget((string, string, string) key)
        {
            if (Items.Count > 0 && Index().Remove(key, out var i))
            {
                Items[i] = (Items[i].Type, null, false);
            }
        }

        /// <summary>How many bytes of JSON the chunk's objects took (after <see cref="FinishEncoding"/>).</summary>
        public long EncodedBytes => _encodedBytes;

        /// <summary>The JSON of item <paramref name="i"/> (after <see cref="FinishEncoding"/>); valid until the buffer is reused.</summary>
        public ReadOnlySpan<byte> Body(int i) =>
            _ownArrays![i] ?? _arena.AsSpan(_slices![i].Offset, _slices[i].Length);

        /// <summary>
        /// Starts encoding the objects on background workers (all cores but the caller's), into
        /// <paramref name="arena"/> as far as it goes (each object's bytes are copied there from the encoder's
        /// per-thread buffer) and into arrays of their own beyond it.
        /// </summary>
        public void StartEncoding(byte[] arena)
        {
            _arena = arena;
            _encodedBytes = 0;
            _slices = new (int, int)[Items.Count];
            _ownArrays = new byte[Items.Count][];
            _next = -1;
            _remaining = Items.Count;
            _done = new ManualResetEventSlim(Items.Count == 0, spinCount: 1);
            var workers = Math.Min(Math.Max(1, Environment.ProcessorCount - 1), (Items.Count + 63) / 64);
            for (var w = 0; w < workers; w++)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static chunk => chunk.EncodeSome(), this, preferLocal: false);
            }
        }

        // Claims and encodes objects until none is left; whoever encodes the last one signals the end.
        private void EncodeSome()
        {
            int i;
            while ((i = Interlocked.Increment(ref _next)) < Items.Count)
            {
                try
                {
                    if (Items[i].Object is { } obj && _error is null)
                    {
                        var json = KubeJsonEncoder.EncodeUtf8Transient(obj);
                        var end = Interlocked.Add(ref _encodedBytes, json.Length);
                        if (end <= _arena.Length)
                        {
                            var at = (int)(end - json.Length);
                            json.CopyTo(_arena.AsSpan(at));
                            _slices![i] = (at, json.Length);
                        }
                        else
                        {
                            _ownArrays![i] = json.ToArray();
                        }
                    }
                }
                catch (Exception e)
                {
                    _error ??= e;
                }

                if (Interlocked.Decrement(ref _remaining) == 0)
                {
                    _done!.Set();
                }
            }
        }

        /// <summary>Completes the encoding: the caller encodes what no worker has claimed yet, then waits for the rest.</summary>
        public void FinishEncoding()
        {
            EncodeSome();
            _done!.Wait(); // (not disposed: a worker may still be returning from Set; it holds no kernel handle)
            if (_error is { } e)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
            }
        }

        /// <summary>Waits for the workers of a transaction that failed (their results are dropped).</summary>
        public void Abandon()
        {
            if (_done is null)
            {
                return;
            }

            _error ??= new OperationCanceledException();
            EncodeSome();
            _done.Wait();
        }
    }
}

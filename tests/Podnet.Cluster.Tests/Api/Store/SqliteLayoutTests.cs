using Microsoft.Data.Sqlite;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.Api.Store;
using Xunit;

namespace Podnet.Cluster.Tests.Api.Store;

/// <summary>The SQLite file's layout: schema version 2, the migration of version-1 files, buffered writes.</summary>
public sealed class SqliteLayoutTests : IDisposable
{
    private static readonly ResourceType CmType = KindRegistry.ForType(typeof(ConfigMap));
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Db => Path.Combine(_dir.Path, "cluster.db");

    private static ConfigMap Cm(string name, string value = "1") => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Data = new Dictionary<string, string> { ["v"] = value },
    };

    [Fact]
    public void A_new_file_has_the_rowid_table_with_a_unique_key_and_8k_pages()
    {
        using (var store = new SqliteObjectStore(Db))
        {
            store.Apply(Manifests.Read(Manifests.App));
        }

        Assert.Equal(2L, SqliteFile.Scalar(Db, "PRAGMA user_version"));
        Assert.Equal(8192L, SqliteFile.Scalar(Db, "PRAGMA page_size"));
        Assert.Equal("wal", SqliteFile.Scalar(Db, "PRAGMA journal_mode"));
        var table = (string)SqliteFile.Scalar(Db, "SELECT sql FROM sqlite_master WHERE name = 'objects'")!;
        Assert.DoesNotContain("WITHOUT ROWID", table, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("UNIQUE", (string)SqliteFile.Scalar(Db, "SELECT sql FROM sqlite_master WHERE name = 'objects_key'")!, StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_1_file_is_migrated_and_keeps_working()
    {
        // a store as the first schema wrote it: objects keyed by a WITHOUT ROWID primary key, user_version 0
        using (var conn = new SqliteConnection($"Data Source={Db};Pooling=False"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = """
                PRAGMA journal_mode=WAL;
                CREATE TABLE objects (
                  resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, uid TEXT NOT NULL,
                  resource_version INTEGER NOT NULL, body BLOB NOT NULL,
                  PRIMARY KEY (resource, namespace, name)
                ) WITHOUT ROWID;
                CREATE TABLE revision (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
                INSERT INTO revision (id, value) VALUES (1, 7);
                CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                INSERT INTO settings (key, value) VALUES ('proxy-mode', 'ipvs');
                """;
            cmd.ExecuteNonQuery();
            foreach (var obj in new KubeObject[]
            {
                new Namespace { Metadata = new ObjectMeta { Name = "default", Uid = "u-ns", ResourceVersion = "1" } },
                Cm("b") with { Metadata = Cm("b").Metadata with { Uid = "u-b", ResourceVersion = "6" } },
                Cm("a") with { Metadata = Cm("a").Metadata with { Uid = "u-a", ResourceVersion = "7" } },
            })
            {
                using var put = conn.CreateCommand();
                put.CommandText = "INSERT INTO objects VALUES ($r, $ns, $n, $uid, $rv, $body)";
                put.Parameters.AddWithValue("$r", KindRegistry.For(obj)!.QualifiedPlural);
                put.Parameters.AddWithValue("$ns", obj.Namespace);
                put.Parameters.AddWithValue("$n", obj.Name);
                put.Parameters.AddWithValue("$uid", obj.Metadata.Uid);
                put.Parameters.AddWithValue("$rv", long.Parse(obj.Metadata.ResourceVersion!));
                put.Parameters.AddWithValue("$body", KubeObjectCodec.EncodeUtf8(obj));
                put.ExecuteNonQuery();
            }
        }

        using (var store = new SqliteObjectStore(Db))
        {
            Assert.Equal("ok", store.IntegrityCheck());
            Assert.Equal(7, store.Revision);
            Assert.Equal("ipvs", store.GetSetting("proxy-mode"));
            Assert.Equal(["a", "b"], store.List(CmType).Select(o => o.Name));
            Assert.Equal("u-a", store.Get(CmType, "default", "a")!.Metadata.Uid);

            // it works as a new file does: update with optimistic concurrency, create, AlreadyExists
            var a = (ConfigMap)store.Get(CmType, "default", "a")!;
            var updated = store.Update(a with { Data = new Dictionary<string, string> { ["v"] = "2" } });
            Assert.Equal("8", updated.Metadata.ResourceVersion);
            Assert.Throws<ConflictException>(() => store.Update(a with { Data = new Dictionary<string, string> { ["v"] = "3" } }));
            store.Create(Cm("c"));
            Assert.Throws<AlreadyExistsException>(() => store.Create(Cm("c")));
        }

        Assert.Equal(2L, SqliteFile.Scalar(Db, "PRAGMA user_version"));
        Assert.DoesNotContain("WITHOUT ROWID", (string)SqliteFile.Scalar(Db, "SELECT sql FROM sqlite_master WHERE name = 'objects'")!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0L, SqliteFile.Scalar(Db, "SELECT count(*) FROM sqlite_master WHERE name = 'objects_v1'"));

        // and it opens again (no second migration) with the same content
        using var again = new SqliteObjectStore(Db);
        Assert.Equal(["a", "b", "c"], again.List(CmType).Select(o => o.Name));
        Assert.Equal("2", ((ConfigMap)again.Get(CmType, "default", "a")!).Data["v"]);
    }

    [Fact]
    public void Buffered_puts_are_seen_by_reads_inside_the_transaction_and_written_in_order()
    {
        using var store = new SqliteObjectStore(Db) { WriteBufferSize = 4 };
        store.Apply(Manifests.Read("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n"));
        var seen = store.WriteTransaction(w =>
        {
            for (var i = 0; i < 10; i++)
            {
                w.Create(Cm($"cm-{i:D2}"));
            }

            // buffered, being encoded, or written: all three are visible
            var got = Enumerable.Range(0, 10).Count(i => w.Exists(CmType, "default", $"cm-{i:D2}") && w.Get(CmType, "default", $"cm-{i:D2}") is not null);
            Assert.Throws<AlreadyExistsException>(() => w.Create(Cm("cm-09")));
            w.Update(((ConfigMap)w.Get(CmType, "default", "cm-09")!) with { Data = new Dictionary<string, string> { ["v"] = "last" } });
            w.Delete(CmType, "default", "cm-08");
            w.Create(Cm("cm-08", "again"));
            Assert.Equal(10, w.List(CmType, "default").Count);
            w.Delete(CmType, "default", "cm-07");
            return got;
        });

        Assert.Equal(10, seen);
        Assert.Equal(9, store.List(CmType).Count);
        Assert.Equal("last", ((ConfigMap)store.Get(CmType, "default", "cm-09")!).Data["v"]);
        Assert.Equal("again", ((ConfigMap)store.Get(CmType, "default", "cm-08")!).Data["v"]);
        Assert.Null(store.Get(CmType, "default", "cm-07"));
        Assert.Equal("ok", store.IntegrityCheck());
    }

    [Fact]
    public void A_large_view_write_is_one_transaction_and_a_late_conflict_undoes_all_of_it()
    {
        using var store = new SqliteObjectStore(Db) { WriteBufferSize = 64 };
        store.Apply(Manifests.Read("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n"));
        store.Create(Cm("cm-0999"));
        var revision = store.Revision;
        var batch = Enumerable.Range(0, 1000).Select(i => (KubeObject)Cm($"cm-{i:D4}")).ToList();

        // cm-0999 exists: found only when its buffered row is written, after 999 rows went in
        Assert.Throws<ConflictException>(() => store.WriteView(batch, []));
        Assert.Equal(revision, store.Revision);
        Assert.Single(store.List(CmType));

        store.Delete(CmType, "default", "cm-0999");
        store.WriteView(batch, []);
        var all = store.List(CmType);
        Assert.Equal(1000, all.Count);
        Assert.Equal(1000, all.Select(o => o.Metadata.ResourceVersion).Distinct().Count());
        Assert.Equal("ok", store.IntegrityCheck());
    }

    [Theory]
    [InlineData(5)] // the same buffered chunk
    [InlineData(500)] // a later chunk, after the first copy's row was written
    public void A_key_created_twice_in_one_view_is_a_conflict_and_nothing_is_written(int distance)
    {
        using var store = new SqliteObjectStore(Db) { WriteBufferSize = 64 };
        store.Apply(Manifests.Read("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n"));
        var revision = store.Revision;
        var batch = Enumerable.Range(0, 700).Select(i => (KubeObject)Cm($"cm-{i:D4}")).ToList();
        batch.Insert(100 + distance, Cm("cm-0100", "second"));

        var e = Assert.Throws<ConflictException>(() => store.WriteView(batch, []));
        Assert.Contains("\"cm-0100\"", e.Message, StringComparison.Ordinal);
        Assert.Equal(revision, store.Revision);
        Assert.Empty(store.List(CmType));
        Assert.Equal("ok", store.IntegrityCheck());
    }
}

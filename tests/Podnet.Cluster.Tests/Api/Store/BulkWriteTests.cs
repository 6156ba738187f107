using FsCheck;
using FsCheck.Fluent;
using Microsoft.Data.Sqlite;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.Api.Store;
using Xunit;

namespace Podnet.Cluster.Tests.Api.Store;

/// <summary>
/// Large writes (<see cref="SqliteObjectStore.BulkWriteObjects"/> objects or more) go through a rollback journal
/// when the writer has the file to itself: the same all-or-nothing guarantee, the file back in WAL mode after.
/// </summary>
public sealed class BulkWriteTests : IDisposable
{
    private const string ChildDbVariable = "PODNET_API_BULK_KILL_TEST_DB";
    private const int Objects = 2000;
    private static readonly ResourceType CmType = KindRegistry.ForType(typeof(ConfigMap));
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Db => Path.Combine(_dir.Path, "cluster.db");

    // ConfigMaps as the CLI's commit writes new objects: a uid already given, no resourceVersion yet.
    private static List<KubeObject> ConfigMaps(int count, string prefix = "cm") =>
        Enumerable.Range(0, count)
            .Select(i => (KubeObject)new ConfigMap
            {
                Metadata = new ObjectMeta { Name = $"{prefix}-{i:D5}", Namespace = "default", Uid = Guid.NewGuid().ToString() },
                Data = new Dictionary<string, string> { ["i"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture), ["pad"] = new string('x', 2000) },
            })
            .ToList();

    private static long CreateWithNamespace(string db)
    {
        using var store = new SqliteObjectStore(db);
        store.Apply(Manifests.Read("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n"));
        return store.Revision;
    }

    /// <summary>Runs inside the child process started by <see cref="A_killed_bulk_write_leaves_nothing_half_written"/>.</summary>
    [Fact]
    public void Child_bulk_write_worker_for_kill_test()
    {
        var db = Environment.GetEnvironmentVariable(ChildDbVariable);
        if (string.IsNullOrEmpty(db))
        {
            Assert.Skip("helper run only as the child process of the bulk kill test");
        }

        // The store reads the clock once per object it creates, inside the transaction: half-way through, stop
        // there. A 64 KiB page cache and a small write buffer: by then, hundreds of rows (≈ 2 MB) have been
        // written, and most of their pages have been spilled into the database file.
        var calls = 0;
        DateTimeOffset Clock()
        {
            if (++calls == Objects / 2)
            {
                File.WriteAllText(db + ".half", "half");
                Thread.Sleep(Timeout.Infinite); // the parent kills us here, mid-transaction
            }

            return DateTimeOffset.UtcNow;
        }

        using var store = new SqliteObjectStore(db, Clock, pageCacheKiB: 64) { WriteBufferSize = 16, BulkWriteObjects = 100 };
        store.WriteView(ConfigMaps(Objects), []);
    }

    [Fact]
    public void A_killed_bulk_write_leaves_nothing_half_written()
    {
        var revisionBefore = CreateWithNamespace(Db);
        var lengthBefore = new FileInfo(Db).Length;

        KilledChild.RunUntilHalfway(typeof(BulkWriteTests), nameof(Child_bulk_write_worker_for_kill_test), ChildDbVariable, Db, "write");

        // The write went through a rollback journal, and pages of the uncommitted rows reached the database file:
        // what is checked below is SQLite's recovery of a hot journal, not merely an untouched file.
        Assert.True(File.Exists(Db + "-journal"), "the killed bulk write left no rollback journal");
        Assert.True(new FileInfo(Db).Length > lengthBefore, "the killed bulk write wrote nothing into the file before it was killed");

        using (var after = new SqliteObjectStore(Db))
        {
            Assert.Equal("ok", after.IntegrityCheck());
            Assert.Empty(after.List(CmType));
            Assert.Equal(revisionBefore, after.Revision);
            Assert.False(File.Exists(Db + "-journal"));
            Assert.Equal(lengthBefore, new FileInfo(Db).Length); // the pages added by the killed write are cut off again

            // usable afterwards: the same write goes through whole
            after.WriteView(ConfigMaps(Objects), []);
            Assert.Equal(Objects, after.List(CmType).Count);
            Assert.Equal(revisionBefore + Objects, after.Revision);
        }

        Assert.Equal("wal", SqliteFile.Scalar(Db, "PRAGMA journal_mode"));
    }

    [Fact]
    public void A_bulk_write_stores_everything_and_leaves_the_file_in_wal_mode()
    {
        var revisionBefore = CreateWithNamespace(Db);
        var objects = ConfigMaps(500);
        using (var store = new SqliteObjectStore(Db, pageCacheKiB: 64) { BulkWriteObjects = 100 })
        {
            store.WriteView(objects, []);
            Assert.Equal("wal", (string?)SqliteFile.Scalar(Db, "PRAGMA journal_mode"));

            // a later small write goes through the WAL as before
            store.WriteView(ConfigMaps(3, "small"), []);
        }

        Assert.False(File.Exists(Db + "-journal"));
        Assert.Equal("wal", SqliteFile.Scalar(Db, "PRAGMA journal_mode"));
        using var check = new SqliteObjectStore(Db);
        Assert.Equal("ok", check.IntegrityCheck());
        Assert.Equal(revisionBefore + 503, check.Revision);
        var stored = check.List(CmType).Where(o => o.Name.StartsWith("cm-", StringComparison.Ordinal)).Cast<ConfigMap>().ToList();
        Assert.Equal(objects.Select(o => (o.Name, o.Metadata.Uid)), stored.Select(o => (o.Name, o.Metadata.Uid)));
        Assert.All(stored, o => Assert.Equal(2000, o.Data["pad"].Length));
    }

    [Fact]
    public void A_bulk_write_while_another_connection_has_the_file_open_goes_through_the_wal()
    {
        var revisionBefore = CreateWithNamespace(Db);
        using var other = new SqliteObjectStore(Db);
        Assert.Equal(revisionBefore, other.Revision); // open and idle: the writer cannot leave WAL mode, and must not wait for it
        using (var store = new SqliteObjectStore(Db) { BulkWriteObjects = 100 })
        {
            store.WriteView(ConfigMaps(300), []);
        }

        Assert.False(File.Exists(Db + "-journal"));
        Assert.Equal(300, other.List(CmType).Count);
        Assert.Equal(revisionBefore + 300, other.Revision);
        Assert.Equal("ok", other.IntegrityCheck());
        Assert.Equal("wal", SqliteFile.Scalar(Db, "PRAGMA journal_mode"));
    }

    [Fact]
    public void A_reader_opening_during_a_bulk_write_sees_all_of_it_or_none()
    {
        CreateWithNamespace(Db);
        const int count = 3000;
        var objects = ConfigMaps(count);
        var writer = new Thread(() =>
        {
            using var store = new SqliteObjectStore(Db, pageCacheKiB: 64) { WriteBufferSize = 16, BulkWriteObjects = 100 };
            store.WriteView(objects, []);
        });
        writer.Start();
        var seen = new List<int>();
        do
        {
            using (var reader = new SqliteObjectStore(Db))
            {
                seen.Add(reader.List(CmType).Count);
            }

            Thread.Sleep(20); // leave the file to the writer now and then, so that it can take the rollback-journal path
        }
        while (writer.IsAlive);
        writer.Join();

        Assert.NotEmpty(seen);
        Assert.All(seen, n => Assert.True(n is 0 or count, $"a reader saw {n} of {count} objects"));
        using var check = new SqliteObjectStore(Db);
        Assert.Equal(count, check.List(CmType).Count);
        Assert.Equal("ok", check.IntegrityCheck());
        Assert.Equal("wal", SqliteFile.Scalar(Db, "PRAGMA journal_mode"));
    }

    /// <summary>
    /// The JSON of the objects of a chunk goes into one buffer reused by the next chunk (sized from the chunk
    /// before; objects that do not fit get arrays of their own): whatever the sizes, every stored body is the
    /// object's own JSON, byte for byte.
    /// </summary>
    [Fact]
    public void Every_stored_body_is_its_objects_json_whatever_the_sizes_and_chunks()
    {
        var sizes = Gen.Frequency(
            (6, Gen.Choose(0, 300)),
            (3, Gen.Choose(300, 20_000)),
            (1, Gen.Choose(100_000, 300_000))).ListOf().Where(l => l.Count > 0).Select(l => l.Take(60).ToList());
        var run = 0;
        Prop.ForAll(Arb.From(sizes), Arb.From(Gen.Choose(1, 8)), (list, buffer) =>
        {
            var db = Path.Combine(_dir.Path, $"prop{run++}.db");
            var objects = list.Select((size, i) => (KubeObject)new ConfigMap
            {
                Metadata = new ObjectMeta { Name = $"cm-{i:D3}", Namespace = "default", Uid = $"uid-{i}" },
                Data = new Dictionary<string, string> { ["pad"] = new string((char)('a' + (i % 26)), size) },
            }).ToList();
            using (var store = new SqliteObjectStore(db, () => DateTimeOffset.UnixEpoch) { WriteBufferSize = buffer })
            {
                store.WriteView(objects, []);
                var stored = store.List(CmType);
                Assert.Equal(objects.Count, stored.Count);
                foreach (var (want, got) in objects.Zip(stored))
                {
                    Assert.Equal(want.Name, got.Name);
                    Assert.Equal(((ConfigMap)want).Data["pad"], ((ConfigMap)got).Data["pad"]);
                }

                // the raw rows are the encoder's bytes for the stored objects
                using var conn = new SqliteConnection($"Data Source={db};Pooling=False");
                conn.Open();
                using var cmd = conn.CreateCommand();
                cmd.CommandText = "SELECT body FROM objects WHERE resource = 'configmaps' ORDER BY namespace, name";
                using var reader = cmd.ExecuteReader();
                foreach (var got in stored)
                {
                    Assert.True(reader.Read());
                    Assert.Equal(KubeObjectCodec.EncodeUtf8(got), (byte[])reader.GetValue(0));
                }
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }
}

using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Store;
using Xunit;

namespace Podnet.Cluster.Tests.Api.Store;

public class CrashAndConcurrencyTests
{
    private const string ChildDbVariable = "PODNET_API_KILL_TEST_DB";
    private const int BatchSize = 400;

    private static List<(KubeObject, string?)> Batch() =>
        Enumerable.Range(0, BatchSize)
            .Select(i => ((KubeObject)new ConfigMap { Metadata = new ObjectMeta { Name = $"cm-{i:D4}", Namespace = "default" }, Data = new Dictionary<string, string> { ["i"] = i.ToString() } }, (string?)"batch.yaml"))
            .ToList();

    /// <summary>Runs inside the child process started by <see cref="A_killed_apply_leaves_nothing_half_applied"/>.</summary>
    [Fact]
    public void Child_apply_worker_for_kill_test()
    {
        var db = Environment.GetEnvironmentVariable(ChildDbVariable);
        if (string.IsNullOrEmpty(db))
        {
            Assert.Skip("helper run only as the child process of the kill test");
        }

        // a small write buffer: by the kill, most of the first half is already written into the open transaction
        using var store = new SqliteObjectStore(db) { WriteBufferSize = 16 };
        store.Apply(Batch(), new ApplyOptions
        {
            AfterWrite = i =>
            {
                if (i == BatchSize / 2)
                {
                    File.WriteAllText(db + ".half", "half");
                    Thread.Sleep(Timeout.Infinite); // the parent kills us here, mid-transaction
                }
            },
        });
    }

    [Fact]
    public void A_killed_apply_leaves_nothing_half_applied()
    {
        using var dir = new TempDir();
        var db = Path.Combine(dir.Path, "cluster.db");
        long revisionBefore;
        using (var store = new SqliteObjectStore(db))
        {
            store.Apply(Manifests.Read("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n"));
            revisionBefore = store.Revision;
        }

        KilledChild.RunUntilHalfway(typeof(CrashAndConcurrencyTests), nameof(Child_apply_worker_for_kill_test), ChildDbVariable, db, "apply");

        using var after = new SqliteObjectStore(db);
        Assert.Equal("ok", after.IntegrityCheck());
        Assert.Empty(after.List(KindRegistry.Resolve("cm")!));
        Assert.Equal(revisionBefore, after.Revision);

        // The database is usable afterwards and the same apply goes through whole.
        var results = after.Apply(Batch());
        Assert.All(results, r => Assert.Equal(ApplyAction.Created, r.Action));
        Assert.Equal(BatchSize, after.List(KindRegistry.Resolve("cm")!).Count);
    }

    [Fact]
    public void Concurrent_writers_on_two_connections_lose_no_update()
    {
        using var dir = new TempDir();
        var db = Path.Combine(dir.Path, "cluster.db");
        var cmType = KindRegistry.Resolve("cm")!;
        using (var setup = new SqliteObjectStore(db))
        {
            setup.Apply(Manifests.Read("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: counter\ndata:\n  count: \"0\"\n"));
        }

        const int perWriter = 40;
        var conflicts = 0;
        void Writer()
        {
            using var store = new SqliteObjectStore(db);
            for (var i = 0; i < perWriter; i++)
            {
                while (true)
                {
                    // read-modify-write with optimistic concurrency, retrying on conflict as controllers do
                    var cm = (ConfigMap)store.Get(cmType, "default", "counter")!;
                    var n = int.Parse(cm.Data["count"]);
                    try
                    {
                        store.Update(cm with { Data = new Dictionary<string, string> { ["count"] = (n + 1).ToString() } });
                        break;
                    }
                    catch (ConflictException)
                    {
                        Interlocked.Increment(ref conflicts);
                    }
                }
            }
        }

        var t1 = new Thread(Writer);
        var t2 = new Thread(Writer);
        t1.Start();
        t2.Start();
        t1.Join();
        t2.Join();

        using var check = new SqliteObjectStore(db);
        Assert.Equal((2 * perWriter).ToString(), ((ConfigMap)check.Get(cmType, "default", "counter")!).Data["count"]);
        Assert.Equal("ok", check.IntegrityCheck());
    }
}

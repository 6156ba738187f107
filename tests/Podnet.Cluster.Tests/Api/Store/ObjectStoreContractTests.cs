using Podnet.Cluster.Api.Apps;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Store;
using Xunit;

namespace Podnet.Cluster.Tests.Api.Store;

/// <summary>The same behaviour from both stores.</summary>
public abstract class ObjectStoreContractTests : IDisposable
{
    protected abstract IObjectStore Store { get; }

    public virtual void Dispose() => Store.Dispose();

    private static readonly ResourceType Svc = KindRegistry.ForType(typeof(Service));
    private static readonly ResourceType Deploy = KindRegistry.ForType(typeof(Deployment));

    [Fact]
    public void Apply_creates_then_reports_unchanged_then_configured()
    {
        var first = Store.Apply(Manifests.Read(Manifests.App));
        Assert.Equal(["namespace/shop created", "service/web created", "deployment.apps/web created"], first.Select(r => r.KubectlLine));
        var again = Store.Apply(Manifests.Read(Manifests.App));
        Assert.Equal(["namespace/shop unchanged", "service/web unchanged", "deployment.apps/web unchanged"], again.Select(r => r.KubectlLine));
        var changed = Store.Apply(Manifests.Read(Manifests.App.Replace("replicas: 2", "replicas: 3")));
        Assert.Equal(["namespace/shop unchanged", "service/web unchanged", "deployment.apps/web configured"], changed.Select(r => r.KubectlLine));
        var d = (Deployment)Store.Get(Deploy, "shop", "web")!;
        Assert.Equal(3, d.Spec.Replicas);
        Assert.Equal(2, d.Metadata.Generation);
        Assert.Equal(first[2].Stored!.Metadata.Uid, d.Metadata.Uid);
    }

    [Fact]
    public void Resource_versions_increase_across_the_cluster()
    {
        var r = Store.Apply(Manifests.Read(Manifests.App));
        var rvs = r.Select(x => long.Parse(x.Stored!.Metadata.ResourceVersion!)).ToList();
        Assert.Equal(rvs.Order(), rvs);
        Assert.Equal(rvs.Count, rvs.Distinct().Count());
        Assert.Equal(rvs[^1], Store.Revision);
    }

    [Fact]
    public void Stale_update_is_a_conflict_with_kubectls_message()
    {
        Store.Apply(Manifests.Read(Manifests.App));
        var svc = (Service)Store.Get(Svc, "shop", "web")!;
        var updated = Store.Update(svc with { Metadata = svc.Metadata with { Labels = new Dictionary<string, string> { ["a"] = "b" } } });
        Assert.NotEqual(svc.Metadata.ResourceVersion, updated.Metadata.ResourceVersion);
        var e = Assert.Throws<ConflictException>(() => Store.Update(svc with { Metadata = svc.Metadata with { Labels = new Dictionary<string, string> { ["a"] = "c" } } }));
        Assert.Equal("Operation cannot be fulfilled on services \"web\": the object has been modified; please apply your changes to the latest version and try again", e.Message);
    }

    [Fact]
    public void Invalid_objects_fail_and_valid_ones_are_still_applied()
    {
        var yaml = Manifests.App + "\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: bad\n  namespace: shop\nspec:\n  ports:\n  - port: 70000\n    targetPort: 80\n";
        var results = Store.Apply(Manifests.Read(yaml));
        Assert.Equal(3, results.Count(r => r.Succeeded));
        var bad = results.Single(r => !r.Succeeded);
        Assert.Equal("The Service \"bad\" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive", bad.Error);
        Assert.Null(Store.Get(Svc, "shop", "bad"));
    }

    [Fact]
    public void Missing_namespace_is_not_found()
    {
        var results = Store.Apply(Manifests.Read("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: nowhere\n", "c.yaml"));
        Assert.Equal("Error from server (NotFound): error when creating \"c.yaml\": namespaces \"nowhere\" not found", Assert.Single(results).Error);
    }

    [Fact]
    public void Create_only_reports_already_exists()
    {
        Store.Apply(Manifests.Read(Manifests.App));
        var results = Store.Apply(Manifests.Read(Manifests.App), new ApplyOptions { CreateOnly = true });
        Assert.Equal("Error from server (AlreadyExists): error when creating \"app.yaml\": services \"web\" already exists", results[1].Error);
    }

    [Fact]
    public void Apply_keeps_allocated_cluster_ip_and_status()
    {
        Store.Apply(Manifests.Read(Manifests.App));
        var svc = (Service)Store.Get(Svc, "shop", "web")!;
        Store.Update(svc with { Spec = svc.Spec with { ClusterIP = "10.96.0.20", ClusterIPs = ["10.96.0.20"] } });
        var again = Store.Apply(Manifests.Read(Manifests.App));
        Assert.Equal(ApplyAction.Unchanged, again[1].Action);
        Assert.Equal("10.96.0.20", ((Service)Store.Get(Svc, "shop", "web")!).Spec.ClusterIP);
    }

    [Fact]
    public void Last_applied_configuration_is_recorded_as_kubectl_does()
    {
        Store.Apply(Manifests.Read("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"));
        var ns = Store.Get(KindRegistry.Resolve("ns")!, "", "shop")!;
        Assert.Equal("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"annotations\":{},\"name\":\"shop\"}}\n",
            ns.Metadata.Annotations[ObjectStoreBase.LastAppliedAnnotation]);
    }

    [Fact]
    public void List_filters_by_namespace_and_labels_in_name_order()
    {
        Store.Apply(Manifests.Read(Manifests.App));
        var cmType = KindRegistry.Resolve("cm")!;
        foreach (var n in new[] { "b", "a", "c" })
        {
            Store.Create(new ConfigMap { Metadata = new ObjectMeta { Name = n, Namespace = "shop", Labels = new Dictionary<string, string> { ["tier"] = n == "c" ? "x" : "y" } } });
        }

        Assert.Equal(["a", "b", "c"], Store.List(cmType, "shop").Select(o => o.Name));
        Assert.Equal(["a", "b"], Store.List(cmType, null, LabelQuery.Parse("tier in (y)")).Select(o => o.Name));
        Assert.Empty(Store.List(cmType, "default"));
    }

    [Fact]
    public void Events_aggregate_and_list_per_object()
    {
        var involved = new ObjectReference { Kind = "Pod", Namespace = "shop", Name = "web-1", Uid = "u1" };
        Store.RecordEvent(new Event { InvolvedObject = involved, Reason = "Scheduled", Message = "Successfully assigned shop/web-1 to node-1", Type = "Normal", Source = new EventSource { Component = "default-scheduler" } });
        Store.RecordEvent(new Event { InvolvedObject = involved, Reason = "BackOff", Message = "Back-off", Type = "Warning" });
        Store.RecordEvent(new Event { InvolvedObject = involved, Reason = "BackOff", Message = "Back-off", Type = "Warning" });
        var events = Store.ListEvents("Pod", "shop", "web-1");
        Assert.Equal(2, events.Count);
        Assert.Equal(2, events.Single(e => e.Reason == "BackOff").Count);
        Assert.Empty(Store.ListEvents("Pod", "shop", "other"));
    }

    [Fact]
    public void Write_transaction_is_all_or_nothing()
    {
        Store.Apply(Manifests.Read(Manifests.App));
        var before = Store.Revision;
        var cmType = KindRegistry.Resolve("cm")!;
        Assert.Throws<InvalidOperationException>(() => Store.WriteTransaction<int>(w =>
        {
            w.Create(new ConfigMap { Metadata = new ObjectMeta { Name = "one", Namespace = "shop" } });
            throw new InvalidOperationException("boom");
        }));
        Assert.Null(Store.Get(cmType, "shop", "one"));
        Assert.Equal(before, Store.Revision);
    }

    [Fact]
    public void Delete_removes_and_missing_is_not_found()
    {
        Store.Apply(Manifests.Read(Manifests.App));
        Store.Delete(Svc, "shop", "web");
        Assert.Null(Store.Get(Svc, "shop", "web"));
        var e = Assert.Throws<NotFoundException>(() => Store.Delete(Svc, "shop", "web"));
        Assert.Equal("Error from server (NotFound): services \"web\" not found", e.KubectlLine);
    }

    private static ConfigMap Cm(string name, string? uid = null, string? rv = null, string value = "1") => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default", Uid = uid, ResourceVersion = rv },
        Data = new Dictionary<string, string> { ["v"] = value },
    };

    private static readonly ResourceType CmType = KindRegistry.ForType(typeof(ConfigMap));

    [Fact]
    public void Write_view_creates_keeping_uids_and_updates_by_resource_version()
    {
        Store.Apply(Manifests.Read("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n"));
        Store.WriteView([Cm("a", uid: "uid-a"), Cm("b", uid: "uid-b")], []);
        var a = Store.Get(CmType, "default", "a")!;
        Assert.Equal("uid-a", a.Metadata.Uid);
        Assert.False(string.IsNullOrEmpty(a.Metadata.ResourceVersion));

        Store.WriteView([((ConfigMap)a) with { Data = new Dictionary<string, string> { ["v"] = "2" } }], [(CmType, "default", "b")]);
        var a2 = (ConfigMap)Store.Get(CmType, "default", "a")!;
        Assert.Equal("2", a2.Data["v"]);
        Assert.Equal("uid-a", a2.Metadata.Uid);
        Assert.True(long.Parse(a2.Metadata.ResourceVersion!) > long.Parse(a.Metadata.ResourceVersion!));
        Assert.Null(Store.Get(CmType, "default", "b"));
    }

    [Fact]
    public void Write_view_from_a_stale_view_is_a_conflict_and_writes_nothing()
    {
        Store.Apply(Manifests.Read("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n"));
        Store.WriteView([Cm("a")], []);
        var a = Store.Get(CmType, "default", "a")!;
        var revision = Store.Revision;

        // created by someone else since this view was read
        var created = Assert.Throws<ConflictException>(() => Store.WriteView([Cm("fresh"), Cm("a")], []));
        Assert.Equal("Error from server (Conflict): Operation cannot be fulfilled on configmaps \"a\": the object has been modified; please apply your changes to the latest version and try again", created.KubectlLine);

        // changed by someone else since it was read
        Store.Update(((ConfigMap)a) with { Data = new Dictionary<string, string> { ["v"] = "other" } });
        revision = Store.Revision;
        Assert.Throws<ConflictException>(() => Store.WriteView([Cm("fresh2"), ((ConfigMap)a) with { Data = new Dictionary<string, string> { ["v"] = "mine" } }], []));

        // deleted by someone else since it was read
        var current = Store.Get(CmType, "default", "a")!;
        Store.Delete(CmType, "default", "a");
        revision = Store.Revision;
        Assert.Throws<ConflictException>(() => Store.WriteView([Cm("fresh3"), current], []));

        Assert.Equal(revision, Store.Revision);
        Assert.Empty(Store.List(CmType, "default"));
    }
}

public sealed class MemoryObjectStoreTests : ObjectStoreContractTests
{
    protected override IObjectStore Store { get; } = new MemoryObjectStore();
}

public sealed class SqliteObjectStoreTests : ObjectStoreContractTests
{
    private readonly TempDir _dir = new();

    public SqliteObjectStoreTests()
    {
        Store = new SqliteObjectStore(Path.Combine(_dir.Path, "cluster.db"));
    }

    protected override IObjectStore Store { get; }

    public override void Dispose()
    {
        base.Dispose();
        _dir.Dispose();
    }
}

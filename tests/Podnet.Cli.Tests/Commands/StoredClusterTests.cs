using Xunit;

namespace Podnet.Cli.Tests.Commands;

/// <summary>The commands against stored clusters (SQLite under a private <c>$PODNET_HOME</c>).</summary>
public sealed class StoredClusterTests
{
    private static string Manifest(string name, string text)
    {
        var dir = Path.Combine(Path.GetTempPath(), "podnet-cli-manifests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void ClusterLifecycle_CreateListUseDelete()
    {
        using var cli = new CliHarness();
        Assert.Equal(0, cli.Run("cluster", "create", "one", "--workers", "1").Code);
        Assert.Equal(0, cli.Run("cluster", "create", "two", "--proxy-mode", "nftables", "--overlay", "vxlan").Code);
        Assert.Equal("one\ntwo *\n", cli.Run("cluster", "list").Out);
        Assert.Equal(0, cli.Run("cluster", "use", "one").Code);
        Assert.Equal("one *\ntwo\n", cli.Run("cluster", "list").Out);
        Assert.Equal(2, cli.Run("get", "nodes", "--no-headers").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("mode: nftables", cli.Run("get", "configmap", "kube-proxy", "-n", "kube-system", "-o", "yaml", "--cluster", "two").Out, StringComparison.Ordinal);
        var again = cli.Run("cluster", "create", "one");
        Assert.Equal(1, again.Code);
        Assert.Equal("error: cluster \"one\" already exists\n", again.Err);
        Assert.Equal(0, cli.Run("cluster", "delete", "one").Code);
        Assert.Equal("two\n", cli.Run("cluster", "list").Out);
        var none = cli.Run("get", "pods");
        Assert.Equal(1, none.Code);
        Assert.StartsWith("error: no current cluster", none.Err, StringComparison.Ordinal);
        var bad = cli.Run("cluster", "create", "x", "--proxy-mode", "userspace");
        Assert.Equal(1, bad.Code);
        Assert.Contains("--proxy-mode", bad.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_ReportsCreatedUnchangedConfigured_AndAgeFollowsTheClock()
    {
        using var cli = new CliHarness();
        cli.Run("cluster", "create");
        var first = cli.Run("apply", "-f", CliHarness.Examples, "-R");
        Assert.Equal(0, first.Code);
        Assert.Contains("deployment.apps/backend created\n", first.Out, StringComparison.Ordinal);
        Assert.Contains("networkpolicy.networking.k8s.io/backend-from-frontend created\n", first.Out, StringComparison.Ordinal);
        var second = cli.Run("apply", "-f", CliHarness.Examples, "-R");
        Assert.Equal(0, second.Code);
        Assert.DoesNotContain("created", second.Out, StringComparison.Ordinal);
        Assert.Contains("service/backend unchanged\n", second.Out, StringComparison.Ordinal);
        cli.Now = CliHarness.Start.AddMinutes(10);
        var changed = Manifest("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: backend\n  namespace: shop\nspec:\n  selector:\n    app: backend\n  ports:\n  - name: http\n    port: 8080\n    targetPort: http\n");
        var third = cli.Run("apply", "-f", changed);
        Assert.Equal("service/backend configured\n", third.Out);
        var svc = cli.Run("get", "svc", "backend", "-n", "shop").Out;
        Assert.Equal("NAME      TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)    AGE\nbackend   ClusterIP   10.96.142.53   <none>        8080/TCP   10m\n", svc);
    }

    [Fact]
    public void Apply_ValidObjectsApply_InvalidOnesAreReported()
    {
        using var cli = new CliHarness();
        cli.Run("cluster", "create");
        var path = Manifest("mixed.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: good\nspec:\n  selector:\n    app: x\n  ports:\n  - port: 80\n---\n" +
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: x\n  ports:\n  - port: 70000\n    targetPort: 80\n");
        var r = cli.Run("apply", "-f", path);
        Assert.Equal(1, r.Code);
        Assert.Equal("service/good created\n", r.Out);
        Assert.Equal("The Service \"web\" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive\n", r.Err);
        Assert.Equal(0, cli.Run("get", "svc", "good").Code);
        Assert.Equal(1, cli.Run("get", "svc", "web").Code);
    }

    [Fact]
    public void Apply_DuplicateClusterIpAndTakenNodePort_AreRefused()
    {
        using var cli = new CliHarness();
        cli.Run("cluster", "create");
        var a = Manifest("a.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  type: NodePort\n  clusterIP: 10.96.0.50\n  selector:\n    app: a\n  ports:\n  - port: 80\n    nodePort: 30080\n");
        Assert.Equal(0, cli.Run("apply", "-f", a).Code);
        var b = Manifest("b.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: b\nspec:\n  clusterIP: 10.96.0.50\n  selector:\n    app: b\n  ports:\n  - port: 80\n");
        var rb = cli.Run("apply", "-f", b);
        Assert.Equal(1, rb.Code);
        Assert.Equal("The Service \"b\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.96.0.50\"}: failed to allocate IP 10.96.0.50: provided IP is already allocated\n", rb.Err);
        var c = Manifest("c.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: c\nspec:\n  type: NodePort\n  selector:\n    app: c\n  ports:\n  - port: 80\n    nodePort: 30080\n");
        var rc = cli.Run("apply", "-f", c);
        Assert.Equal(1, rc.Code);
        Assert.Equal("The Service \"c\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated\n", rc.Err);
    }

    [Fact]
    public void Create_OfAnExistingObject_IsAlreadyExists_AndAMissingNamespaceIsNotFound()
    {
        using var cli = new CliHarness();
        cli.Run("cluster", "create");
        var path = Path.Combine(CliHarness.Examples, "00-namespace.yaml");
        Assert.Equal("namespace/shop created\n", cli.Run("create", "-f", path).Out);
        var again = cli.Run("create", "-f", path);
        Assert.Equal(1, again.Code);
        Assert.Equal($"Error from server (AlreadyExists): error when creating \"{path}\": namespaces \"shop\" already exists\n", again.Err);
        var orphan = Manifest("o.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: nowhere\n");
        var r = cli.Run("apply", "-f", orphan);
        Assert.Equal(1, r.Code);
        Assert.Equal($"Error from server (NotFound): error when creating \"{orphan}\": namespaces \"nowhere\" not found\n", r.Err);
    }

    [Fact]
    public void YamlSyntaxError_AppliesNothing()
    {
        using var cli = new CliHarness();
        cli.Run("cluster", "create");
        var path = Manifest("broken.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [bad\n");
        var r = cli.Run("apply", "-f", path);
        Assert.Equal(1, r.Code);
        Assert.Equal("", r.Out);
        Assert.Contains("broken.yaml", r.Err, StringComparison.Ordinal);
        Assert.Equal(1, cli.Run("get", "configmap", "ok").Code);
    }

    [Fact]
    public void ScaleLabelDelete_DriveTheControllers()
    {
        using var cli = new CliHarness();
        cli.Run("cluster", "create");
        cli.Run("apply", "-f", CliHarness.Examples);
        Assert.Equal("deployment.apps/backend scaled\n", cli.Run("scale", "deployment/backend", "--replicas=5", "-n", "shop").Out);
        Assert.Equal(5, cli.Run("get", "pods", "-n", "shop", "-l", "app=backend", "--no-headers").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal("pod/web labeled\n", cli.Run("label", "pod", "web", "-n", "shop", "tier=cache").Out);
        var clash = cli.Run("label", "pod", "web", "-n", "shop", "app=other");
        Assert.Equal(1, clash.Code);
        Assert.Equal("error: 'app' already has a value (web), and --overwrite is false\n", clash.Err);
        // a re-apply keeps the label added by `label` (three-way merge of labels)
        cli.Run("apply", "-f", CliHarness.Examples);
        Assert.Contains("tier=cache", cli.Run("get", "pod", "web", "-n", "shop", "--show-labels").Out, StringComparison.Ordinal);
        Assert.Equal("deployment.apps \"backend\" deleted\n", cli.Run("delete", "deploy", "backend", "-n", "shop").Out);
        Assert.Equal("", cli.Run("get", "pods", "-n", "shop", "-l", "app=backend").Out);
        Assert.Equal("", cli.Run("get", "rs", "-n", "shop", "-l", "app=backend").Out);
        var missing = cli.Run("delete", "svc", "nope", "-n", "shop");
        Assert.Equal(1, missing.Code);
        Assert.Equal("Error from server (NotFound): services \"nope\" not found\n", missing.Err);
    }

    [Fact]
    public void Logs_ChecksPodAndContainerLikeKubectl()
    {
        using var cli = new CliHarness();
        cli.Run("cluster", "create");
        cli.Run("apply", "-f", CliHarness.Examples);
        var which = cli.Run("logs", "web", "-n", "shop");
        Assert.Equal(1, which.Code);
        Assert.Equal("error: a container name must be specified for pod web, choose one of: [web cache]\n", which.Err);
        var none = cli.Run("logs", "nope", "-n", "shop");
        Assert.Equal("Error from server (NotFound): pods \"nope\" not found\n", none.Err);
        var cache = cli.Run("logs", "web", "-c", "cache", "-n", "shop");
        Assert.Equal(0, cache.Code);
        Assert.Contains("Redis is starting", cache.Out, StringComparison.Ordinal);
        Assert.EndsWith("* Ready to accept connections tcp\n", cache.Out, StringComparison.Ordinal);
        var wrong = cli.Run("logs", "web", "-c", "nope", "-n", "shop");
        Assert.Equal("error: container nope is not valid for pod web\n", wrong.Err);
    }

    [Fact]
    public void Exec_FlagsAfterDoubleDash_BelongToTheTool()
    {
        using var cli = new CliHarness();
        var manifest = Path.Combine(cli.Home, "web.yaml");
        Directory.CreateDirectory(cli.Home);
        File.WriteAllText(manifest, """
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
              - {name: web, image: nginx:1.27, ports: [{containerPort: 80}]}
            """);
        // `-sI` is curl's (bundled -s -I), not podnet's: kubectl passes everything after `--` through.
        var r = cli.Run("exec", "web", "-f", manifest, "--seed", "1", "--", "curl", "-sI", "http://localhost/");
        Assert.Equal(0, r.Code);
        Assert.StartsWith("HTTP/1.1 200 OK", r.Out, StringComparison.Ordinal);
        // Before `--`, an undeclared flag is still podnet's error.
        var bad = cli.Run("exec", "web", "-f", manifest, "--bogus", "--", "curl", "-s", "http://localhost/");
        Assert.Equal(1, bad.Code);
        Assert.Contains("unknown flag: --bogus", bad.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Reach_WithoutManifests_AnalyzesTheCurrentClustersLivePods()
    {
        using var cli = new CliHarness();
        Assert.Equal(0, cli.Run("cluster", "create", "shop", "--workers", "2").Code);
        Assert.Equal(0, cli.Run("apply", "-f", CliHarness.Examples, "-R").Code);
        var r = cli.Run("reach", "-n", "shop");
        Assert.Equal(0, r.Code);
        var lines = r.Out.Split('\n');
        // backend-from-frontend: only the frontend's pods reach the backend's pods, on TCP 8080.
        Assert.Single(lines, l => l.Contains("=> shop/backend-", StringComparison.Ordinal) && l.StartsWith("shop/", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("shop/frontend-", StringComparison.Ordinal) && l.Contains("=> shop/backend-", StringComparison.Ordinal) && l.EndsWith(": TCP 8080", StringComparison.Ordinal));
        // live pods are grouped by their owners once: no Deployment template counted beside its ReplicaSet.
        Assert.DoesNotContain("[Deployment]", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownFlag_IsAnErrorWithUsageHint()
    {
        using var cli = new CliHarness();
        var r = cli.Run("get", "pods", "--bogus");
        Assert.Equal(1, r.Code);
        Assert.StartsWith("error: ", r.Err, StringComparison.Ordinal);
        Assert.Equal("error: unknown flag: --bogus\nSee 'podnet get --help' for usage.\n", r.Err);
    }
}

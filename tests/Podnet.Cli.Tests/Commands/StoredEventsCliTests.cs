using Podnet.Cli.Commands;
using Podnet.Cli.Printers;
using Xunit;

namespace Podnet.Cli.Tests.Commands;

/// <summary>
/// A stored cluster's Events are not decoded to converge it (identities only) nor to describe one object
/// (only the Events that mention it): the results must be those of the full load.
/// </summary>
public sealed class StoredEventsCliTests
{
    private static string Manifest(string text)
    {
        var dir = Path.Combine(Path.GetTempPath(), "podnet-cli-manifests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "m.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Applying_into_a_stored_cluster_records_no_event_twice_and_collects_events_of_deleted_objects()
    {
        using var cli = new CliHarness();
        Assert.Equal(0, cli.Run("cluster", "create", "--workers", "2").Code);
        Assert.Equal(0, cli.Run("apply", "-f", CliHarness.Examples, "-R").Code);
        var before = cli.Run("get", "events", "-A", "--no-headers").Out;
        Assert.Contains("Scheduled", before, StringComparison.Ordinal);

        cli.Now = CliHarness.Start.AddMinutes(3);
        var ns = cli.Run("apply", "-f", Manifest("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: extra\n"));
        Assert.Equal("namespace/extra created\n", ns.Out);
        cli.Now = CliHarness.Start;
        Assert.Equal(before, cli.Run("get", "events", "-A", "--no-headers").Out);

        // a new Deployment's events are added; a replaced one's pods take their events along
        cli.Now = CliHarness.Start.AddMinutes(5);
        var deploy = Manifest("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: extra-web\n  namespace: extra\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: extra-web\n  template:\n    metadata:\n      labels:\n        app: extra-web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n");
        Assert.Equal(0, cli.Run("apply", "-f", deploy).Code);
        var withDeploy = cli.Run("get", "events", "-n", "extra", "--no-headers").Out;
        Assert.Contains("ScalingReplicaSet", withDeploy, StringComparison.Ordinal);
        var podEvents = withDeploy.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains("pod/extra-web-", StringComparison.Ordinal));
        Assert.True(podEvents > 0);

        var pods = cli.Run("get", "pods", "-n", "extra", "--no-headers", "-o", "name").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var scaled = Manifest("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: extra-web\n  namespace: extra\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: extra-web\n  template:\n    metadata:\n      labels:\n        app: extra-web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n");
        Assert.Equal(0, cli.Run("apply", "-f", scaled).Code);
        // the garbage collector runs first in a convergence: the next one drops the scaled-down pod's events
        Assert.Contains("pod/", cli.Run("get", "events", "-n", "extra", "--no-headers").Out, StringComparison.Ordinal);
        Assert.Equal(0, cli.Run("apply", "-f", Manifest("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: extra2\n")).Code);
        var after = cli.Run("get", "events", "-n", "extra", "--no-headers").Out;
        var left = cli.Run("get", "pods", "-n", "extra", "--no-headers", "-o", "name").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(left);
        var gone = pods.Except(left).Single()["pod/".Length..];
        Assert.DoesNotContain("pod/" + gone + " ", after, StringComparison.Ordinal); // the removed pod's events were collected
        cli.Now = CliHarness.Start;
        static string Cells(string line) => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries)); // column widths vary
        var others = cli.Run("get", "events", "-A", "--no-headers").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith("extra ", StringComparison.Ordinal)).Select(Cells);
        Assert.Equal(before.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Cells), others);
    }

    [Fact]
    public void Describe_on_a_stored_cluster_shows_the_events_the_full_load_shows()
    {
        using var cli = new CliHarness();
        Assert.Equal(0, cli.Run("cluster", "create", "--workers", "2").Code);
        Assert.Equal(0, cli.Run("apply", "-f", CliHarness.Examples, "-R").Code);
        cli.Now = CliHarness.Start.AddMinutes(7);

        var context = new CliContext(TextWriter.Null, TextWriter.Null, new StringReader(""), () => cli.Now, cli.Home);
        using var session = ClusterSession.Open(context, null);
        var full = new Describer(session.Objects, cli.Now);
        var described = 0;
        foreach (var kind in new[] { "Pod", "Node", "Service", "EndpointSlice", "Endpoints", "Ingress", "NetworkPolicy", "Deployment" })
        {
            foreach (var obj in session.Objects.OfKind<Podnet.Cluster.Api.Meta.KubeObject>(kind))
            {
                var type = kind.ToLowerInvariant();
                var args = obj.Namespace.Length > 0 ? new[] { "describe", type, obj.Name, "-n", obj.Namespace } : ["describe", type, obj.Name];
                var r = cli.Run(args);
                Assert.Equal(0, r.Code);
                Assert.Equal(full.Describe(obj), r.Out);
                described++;
            }
        }

        Assert.True(described > 10);
        Assert.Contains(session.Objects.OfKind<Podnet.Cluster.Api.Core.Pod>("Pod"), p => full.Describe(p).Contains("Scheduled", StringComparison.Ordinal));
    }
}

using Xunit;

namespace Podnet.Cli.Tests.Commands;

/// <summary>The commit of a command's changes into the cluster's store.</summary>
public sealed class StoreCommitTests
{
    [Fact]
    public void AClusterWithItsOwnServiceCidr_StoresAndAdmitsServicesInIt()
    {
        // the store validates ClusterIPs against the cluster's range, not the default 10.96.0.0/16
        using var cli = new CliHarness();
        var created = cli.Run("cluster", "create", "own", "--service-cidr", "10.100.0.0/16");
        Assert.Equal("", created.Err);
        Assert.Equal(0, created.Code);
        var dir = Path.Combine(Path.GetTempPath(), "podnet-cli-commit-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var path = Path.Combine(dir, "svc.yaml");
            File.WriteAllText(path, "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n");
            var applied = cli.Run("apply", "-f", path);
            Assert.Equal("service/web created\n", applied.Out);
            Assert.Equal(0, applied.Code);
            var ips = cli.Run("get", "svc", "-A", "--no-headers").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3]).ToList();
            Assert.Equal(3, ips.Count); // kubernetes, kube-dns, web
            Assert.All(ips, ip => Assert.StartsWith("10.100.", ip, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

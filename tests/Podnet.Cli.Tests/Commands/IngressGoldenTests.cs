using Xunit;

namespace Podnet.Cli.Tests.Commands;

/// <summary><c>cluster create --ingress</c>, the ingress example applied, and <c>get</c>/<c>describe ingress</c> in kubectl's shapes.</summary>
public sealed class IngressGoldenTests
{
    private static string Example => Path.Combine(Path.GetDirectoryName(CliHarness.Examples)!, "ingress", "myapp.yaml");

    [Fact]
    public void ClusterCreateIngress_InstallsTheController_AndIngressPrintsAsKubectl()
    {
        using var cli = new CliHarness();
        var (code, stdout, stderr) = cli.Run("cluster", "create", "--ingress");
        Assert.True(code == 0, stderr);
        Assert.Contains(" ✓ ingress-nginx controller 1.12.1, IngressClass nginx (default), Service ingress-nginx-controller 80:3", stdout);
        var applied = cli.Run("apply", "-f", Example);
        Assert.True(applied.Code == 0, applied.Err);
        cli.Now = CliHarness.Start.AddMinutes(5);
        Golden.Assert("get-ingressclass.txt", cli.Run("get", "ingressclass").Out);
        Golden.Assert("get-pods-ingress-nginx.txt", cli.Run("get", "pods,svc", "-n", "ingress-nginx").Out);
        Golden.Assert("get-ingress.txt", cli.Run("get", "ingress").Out);
        Golden.Assert("describe-ingress-myapp.txt", cli.Run("describe", "ingress", "myapp").Out);
    }
}

using Podnet.Cluster.Api.Store;
using Podnet.Cluster.Api.Serialization;
using Xunit;

namespace Podnet.Cluster.Tests.Api;

public class ExamplesTests
{
    private static string Basic => Path.GetFullPath(Path.Combine(TestData.ApiTestsDir(), "..", "..", "..", "examples", "basic"));

    [Fact]
    public void Basic_example_reads_validates_and_applies()
    {
        var set = ManifestReader.ReadPath(Basic, recursive: false);
        Assert.Empty(set.Errors);
        Assert.Equal(
            ["Namespace/shop", "Deployment/backend", "Service/backend", "Deployment/web", "Service/web", "ConfigMap/web-config", "NetworkPolicy/backend-from-frontend", "IngressClass/nginx", "Ingress/shop"],
            set.Objects.Select(o => o.Kind + "/" + o.Name));
        using var store = new MemoryObjectStore();
        var results = store.Apply(set.Items.Select(i => (i.Object, (string?)i.Source)));
        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
    }
}

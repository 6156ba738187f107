using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Controllers;
using Xunit;

namespace Podnet.Cluster.Tests.Controllers;

public sealed class ServiceAllocatorTests
{
    private static readonly ClusterConfig Config = new();

    [Fact]
    public void RequestedClusterIp_IsHonoured_AndADuplicateIsRejected()
    {
        var set = TestObjects.NewCluster();
        var web = TestObjects.Admit(set, TestObjects.Service("default", "web", "web", clusterIp: "10.96.0.50"));
        Assert.Equal("10.96.0.50", web.Spec.ClusterIP);
        Assert.Equal(["10.96.0.50"], web.Spec.ClusterIPs);
        var result = ServiceAllocator.Admit(TestObjects.Service("default", "web2", "web", clusterIp: "10.96.0.50"), set, Config, out var error);
        Assert.Null(result);
        Assert.Equal("The Service \"web2\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.96.0.50\"}: failed to allocate IP 10.96.0.50: provided IP is already allocated", error);
    }

    [Fact]
    public void ClusterIpOutsideTheRange_IsRejected()
    {
        var set = TestObjects.NewCluster();
        Assert.Null(ServiceAllocator.Admit(TestObjects.Service("default", "x", "x", clusterIp: "10.0.0.5"), set, Config, out var error));
        Assert.Equal("The Service \"x\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.0.0.5\"}: failed to allocate IP 10.0.0.5: the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/16", error);
    }

    [Fact]
    public void AllocatedClusterIp_IsDeterministicInRangeAndKeptOnUpdate()
    {
        var a = TestObjects.Admit(TestObjects.NewCluster(), TestObjects.Service("shop", "backend", "backend"));
        var b = TestObjects.Admit(TestObjects.NewCluster(), TestObjects.Service("shop", "backend", "backend"));
        Assert.Equal(a.Spec.ClusterIP, b.Spec.ClusterIP);
        Assert.True(Ipv4Cidr.Parse("10.96.0.0/16").Contains(a.Spec.ClusterIP!));
        Assert.NotEqual("10.96.0.1", a.Spec.ClusterIP);
        var set = TestObjects.NewCluster();
        var first = TestObjects.Admit(set, TestObjects.Service("shop", "backend", "backend"));
        var again = TestObjects.Admit(set, TestObjects.Service("shop", "backend", "backend", 81));
        Assert.Equal(first.Spec.ClusterIP, again.Spec.ClusterIP);
    }

    [Fact]
    public void Headless_KeepsNone_AndExternalNameGetsNoIp()
    {
        var set = TestObjects.NewCluster();
        Assert.Equal("None", TestObjects.Admit(set, TestObjects.Service("default", "db", "db", clusterIp: "None")).Spec.ClusterIP);
        var ext = TestObjects.Service("default", "ext", "x", type: "ExternalName");
        ext = ext with { Spec = ext.Spec with { ExternalName = "example.com", Selector = new Dictionary<string, string>() } };
        Assert.Null(TestObjects.Admit(set, ext).Spec.ClusterIP);
    }

    [Fact]
    public void NodePorts_AreAllocatedHonouredAndConflictsRejected()
    {
        var set = TestObjects.NewCluster();
        var auto = TestObjects.Admit(set, TestObjects.Service("default", "auto", "a", type: "NodePort"));
        Assert.InRange(auto.Spec.Ports[0].NodePort!.Value, 30000, 32767);
        var fixedPort = TestObjects.Service("default", "fixed", "f", type: "NodePort");
        fixedPort = fixedPort with { Spec = fixedPort.Spec with { Ports = [fixedPort.Spec.Ports[0] with { NodePort = 30080 }] } };
        Assert.Equal(30080, TestObjects.Admit(set, fixedPort).Spec.Ports[0].NodePort);
        var clash = fixedPort with { Metadata = fixedPort.Metadata with { Name = "clash" } };
        Assert.Null(ServiceAllocator.Admit(clash, set, Config, out var error));
        Assert.Equal("The Service \"clash\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated", error);
        var low = fixedPort with { Metadata = fixedPort.Metadata with { Name = "low" }, Spec = fixedPort.Spec with { Ports = [fixedPort.Spec.Ports[0] with { NodePort = 80 }] } };
        Assert.Null(ServiceAllocator.Admit(low, set, Config, out error));
        Assert.Equal("The Service \"low\" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767", error);
        // re-applying keeps the allocated port
        Assert.Equal(auto.Spec.Ports[0].NodePort, TestObjects.Admit(set, TestObjects.Service("default", "auto", "a", type: "NodePort")).Spec.Ports[0].NodePort);
    }
}

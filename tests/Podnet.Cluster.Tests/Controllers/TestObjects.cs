using Podnet.Cluster.Api.Apps;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Controllers;

namespace Podnet.Cluster.Tests.Controllers;

/// <summary>Builders for the objects controller tests use.</summary>
internal static class TestObjects
{
    public static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    public static ObjectSet NewCluster(ClusterConfig? config = null) =>
        new(ClusterBootstrap.Objects(config ?? new ClusterConfig(), Now));

    public static Namespace Ns(string name) => ClusterBootstrap.NamespaceObject(name, Now);

    public static Container Container(string name, string image, params (string Name, int Port)[] ports) => new()
    {
        Name = name,
        Image = image,
        Ports = ports.Select(p => new ContainerPort { Name = p.Name, ContainerPortNumber = p.Port, Protocol = "TCP" }).ToList(),
    };

    public static Deployment Deployment(string ns, string name, int replicas, IReadOnlyDictionary<string, string>? nodeSelector = null, params Container[] containers) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns, CreationTimestamp = Now, Generation = 1 },
        Spec = new DeploymentSpec
        {
            Replicas = replicas,
            Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new PodTemplateSpec
            {
                Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new PodSpec
                {
                    Containers = containers.Length > 0 ? containers : [Container(name, "nginx:1.27", ("http", 80))],
                    NodeSelector = nodeSelector ?? Empty.Map,
                },
            },
        },
    };

    public static Service Service(string ns, string name, string app, int port = 80, IntOrString? target = null, string type = "ClusterIP", string? clusterIp = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns, CreationTimestamp = Now },
        Spec = new ServiceSpec
        {
            Type = type,
            ClusterIP = clusterIp,
            Selector = new Dictionary<string, string> { ["app"] = app },
            Ports = [new ServicePort { Name = "http", Port = port, Protocol = "TCP", TargetPort = target ?? IntOrString.FromInt(port) }],
            SessionAffinity = "None",
        },
    };

    public static Pod Pod(string ns, string name, IReadOnlyDictionary<string, string> labels, string? nodeName = null, params Container[] containers) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns, CreationTimestamp = Now, Labels = labels },
        Spec = new PodSpec { Containers = containers.Length > 0 ? containers : [Container("main", "nginx", ("http", 80))], NodeName = nodeName },
    };

    /// <summary>Admits a Service (allocating its ClusterIP) and stores it; throws on an admission error.</summary>
    public static Service Admit(ObjectSet set, Service svc, ClusterConfig? config = null)
    {
        var admitted = ServiceAllocator.Admit(svc, set, config ?? new ClusterConfig(), out var error)
            ?? throw new InvalidOperationException(error);
        set.Put(admitted);
        return admitted;
    }
}

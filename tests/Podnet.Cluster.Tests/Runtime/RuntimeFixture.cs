using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Serialization;
using Podnet.Cluster.Controllers;
using Podnet.Cluster.Runtime;

namespace Podnet.Cluster.Tests.Runtime;

/// <summary>Builds a converged cluster from manifest text and realizes it.</summary>
internal static class RuntimeFixture
{
    public static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    public static ObjectSet Converged(string yaml, ClusterConfig? config = null)
    {
        config ??= new ClusterConfig();
        var set = new ObjectSet(ClusterBootstrap.Objects(config, Now));
        var manifests = ManifestReader.ReadText(yaml, "test.yaml");
        foreach (var item in manifests.Items)
        {
            var o = item.Object with { Metadata = item.Object.Metadata with { Namespace = string.IsNullOrEmpty(item.Object.Namespace) ? "default" : item.Object.Namespace, CreationTimestamp = Now } };
            if (o is Service svc)
            {
                var admitted = ServiceAllocator.Admit(svc, set, config, out var error) ?? throw new InvalidOperationException(error);
                set.Put(admitted);
            }
            else set.Put(o);
        }
        ControlPlane.Converge(set, config, Now);
        return set;
    }

    public static ClusterRuntime Realize(string yaml, ClusterConfig? config = null, RuntimeOptions? options = null)
    {
        config ??= new ClusterConfig();
        var set = Converged(yaml, config);
        return new ClusterRuntime(set.All, config, options ?? new RuntimeOptions { Seed = 7, Epoch = Now });
    }

    public static string PodIp(ClusterRuntime rt, string name) => rt.PodObject("default", name)!.Status!.PodIP!;

    public static string Pod(string name, string node, string image, int port, string? extraContainers = null) => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {name}
          labels:
            app: {name}
        spec:
          nodeName: {node}
          containers:
          - name: main
            image: {image}
            ports:
            - containerPort: {port}
        {extraContainers ?? ""}
        ---

        """;
}

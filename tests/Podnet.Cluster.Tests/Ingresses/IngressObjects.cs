using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Networking;

namespace Podnet.Cluster.Tests.Ingresses;

/// <summary>Small builders for Ingress objects in tests.</summary>
internal static class IngressObjects
{
    public static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    public static IngressClass NginxClass(bool isDefault = true) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = "nginx",
            Annotations = isDefault ? new Dictionary<string, string> { [IngressClass.IsDefaultClassAnnotation] = "true" } : new Dictionary<string, string>(),
        },
        Spec = new IngressClassSpec { Controller = "k8s.io/ingress-nginx" },
    };

    public static HttpIngressPath Path(string path, string type, string service, int port = 80) => new()
    {
        Path = path,
        PathType = type,
        Backend = new IngressBackend { Service = new IngressServiceBackend { Name = service, Port = new ServiceBackendPort { Number = port } } },
    };

    public static Ingress Ing(string name, string? host, IEnumerable<HttpIngressPath> paths, Dictionary<string, string>? annotations = null,
        string? className = "nginx", int ageSeconds = 0, string? defaultBackend = null, IReadOnlyList<IngressTls>? tls = null, string ns = "default") => new()
    {
        Metadata = new ObjectMeta
        {
            Name = name,
            Namespace = ns,
            CreationTimestamp = Now.AddSeconds(-ageSeconds),
            Annotations = annotations ?? new Dictionary<string, string>(),
        },
        Spec = new IngressSpec
        {
            IngressClassName = className,
            DefaultBackend = defaultBackend is null ? null : new IngressBackend { Service = new IngressServiceBackend { Name = defaultBackend, Port = new ServiceBackendPort { Number = 80 } } },
            Rules = paths is null ? [] : [new IngressRule { Host = host, Http = new HttpIngressRuleValue { Paths = paths.ToList() } }],
            Tls = tls ?? [],
        },
    };
}

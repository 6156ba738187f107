using Podnet.Cluster.Api.Apps;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Defaulting;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Networking;
using Podnet.Cluster.Controllers;

namespace Podnet.Cluster.Ingresses;

/// <summary>
/// ingress-nginx's install manifest (the cloud provider's <c>deploy.yaml</c>, trimmed to the objects
/// that carry traffic): namespace <c>ingress-nginx</c>, its ConfigMap, the controller Deployment
/// (<c>registry.k8s.io/ingress-nginx/controller:v1.12.1</c>, ports http 80 / https 443), the IngressClass
/// <c>nginx</c> marked default, and the Service <c>ingress-nginx-controller</c> of type LoadBalancer
/// (http 80 / https 443 with node ports, <c>externalTrafficPolicy: Local</c> so client addresses are kept).
/// RBAC objects, the admission webhook and its Jobs are not emulated.
/// </summary>
public static class IngressNginxInstall
{
    /// <summary>The namespace.</summary>
    public const string Namespace = "ingress-nginx";

    /// <summary>Name of the Deployment, Service and ConfigMap.</summary>
    public const string ControllerName = "ingress-nginx-controller";

    /// <summary>The controller image.</summary>
    public const string Image = "registry.k8s.io/ingress-nginx/controller:v1.12.1";

    /// <summary>The release the image is.</summary>
    public const string Version = "1.12.1";

    /// <summary>The labels of the controller's pods (the Deployment's selector is all but part-of and version).</summary>
    public static IReadOnlyDictionary<string, string> Labels { get; } = new Dictionary<string, string>
    {
        ["app.kubernetes.io/component"] = "controller",
        ["app.kubernetes.io/instance"] = "ingress-nginx",
        ["app.kubernetes.io/name"] = "ingress-nginx",
        ["app.kubernetes.io/part-of"] = "ingress-nginx",
        ["app.kubernetes.io/version"] = Version,
    };

    private static Dictionary<string, string> Selector() => new()
    {
        ["app.kubernetes.io/component"] = "controller",
        ["app.kubernetes.io/instance"] = "ingress-nginx",
        ["app.kubernetes.io/name"] = "ingress-nginx",
    };

    /// <summary>True for the controller image (any tag or digest).</summary>
    public static bool IsControllerImage(string image) => Images.ImageCatalog.Repository(image) == "ingress-nginx/controller";

    /// <summary>The objects, as the apiserver stores them after defaulting (Service allocations not yet made).</summary>
    public static IReadOnlyList<KubeObject> Objects(DateTimeOffset now)
    {
        var meta = (string name, string? ns) => new ObjectMeta
        {
            Name = name,
            Namespace = ns ?? "",
            CreationTimestamp = now,
            Labels = new Dictionary<string, string>(Labels),
        };
        var ns = ClusterBootstrap.NamespaceObject(Namespace, now);
        ns = ns with { Metadata = ns.Metadata with { Labels = new Dictionary<string, string>(ns.Metadata.Labels) { ["app.kubernetes.io/instance"] = "ingress-nginx", ["app.kubernetes.io/name"] = "ingress-nginx" } } };
        var cm = new ConfigMap { Metadata = meta(ControllerName, Namespace), Data = new Dictionary<string, string> { ["allow-snippet-annotations"] = "false" } };
        var ic = new IngressClass
        {
            Metadata = meta(IngressClassFilter.DefaultClassName, null) with
            {
                Annotations = new Dictionary<string, string> { [IngressClass.IsDefaultClassAnnotation] = "true" },
            },
            Spec = new IngressClassSpec { Controller = IngressClassFilter.DefaultController },
        };
        var deploy = new Deployment
        {
            Metadata = meta(ControllerName, Namespace) with { Generation = 1 },
            Spec = new DeploymentSpec
            {
                Replicas = 1,
                MinReadySeconds = 0,
                RevisionHistoryLimit = 10,
                Selector = new LabelSelector { MatchLabels = Selector() },
                Strategy = new DeploymentStrategy
                {
                    Type = "RollingUpdate",
                    RollingUpdate = new RollingUpdateParameters { MaxUnavailable = IntOrString.FromInt(1) },
                },
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = new Dictionary<string, string>(Labels) },
                    Spec = new PodSpec
                    {
                        Containers =
                        [
                            new Container
                            {
                                Name = "controller",
                                Image = Image,
                                ImagePullPolicy = "IfNotPresent",
                                Args =
                                [
                                    "/nginx-ingress-controller",
                                    "--publish-service=" + Namespace + "/" + ControllerName,
                                    "--election-id=ingress-nginx-leader",
                                    "--controller-class=" + IngressClassFilter.DefaultController,
                                    "--ingress-class=" + IngressClassFilter.DefaultClassName,
                                    "--configmap=" + Namespace + "/" + ControllerName,
                                ],
                                Ports =
                                [
                                    new ContainerPort { Name = "http", ContainerPortNumber = 80, Protocol = "TCP" },
                                    new ContainerPort { Name = "https", ContainerPortNumber = 443, Protocol = "TCP" },
                                ],
                                ReadinessProbe = new Probe
                                {
                                    HttpGet = new HttpGetAction { Path = "/healthz", Port = IntOrString.FromInt(10254), Scheme = "HTTP" },
                                    InitialDelaySeconds = 10, TimeoutSeconds = 1, PeriodSeconds = 10, SuccessThreshold = 1, FailureThreshold = 3,
                                },
                                LivenessProbe = new Probe
                                {
                                    HttpGet = new HttpGetAction { Path = "/healthz", Port = IntOrString.FromInt(10254), Scheme = "HTTP" },
                                    InitialDelaySeconds = 10, TimeoutSeconds = 1, PeriodSeconds = 10, SuccessThreshold = 1, FailureThreshold = 5,
                                },
                            },
                        ],
                        DnsPolicy = "ClusterFirst",
                        RestartPolicy = "Always",
                        ServiceAccountName = "ingress-nginx",
                        NodeSelector = new Dictionary<string, string> { ["kubernetes.io/os"] = "linux" },
                        TerminationGracePeriodSeconds = 300,
                    },
                },
            },
        };
        var svc = new Service
        {
            Metadata = meta(ControllerName, Namespace),
            Spec = new ServiceSpec
            {
                Type = "LoadBalancer",
                ExternalTrafficPolicy = "Local",
                IpFamilyPolicy = "SingleStack",
                IpFamilies = ["IPv4"],
                Selector = Selector(),
                Ports =
                [
                    new ServicePort { Name = "http", Port = 80, Protocol = "TCP", AppProtocol = "http", TargetPort = IntOrString.FromString("http") },
                    new ServicePort { Name = "https", Port = 443, Protocol = "TCP", AppProtocol = "https", TargetPort = IntOrString.FromString("https") },
                ],
            },
        };
        return new KubeObject[] { ns, cm, ic, deploy, svc }.Select(o => ObjectIdentity.WithUid(ObjectDefaulter.Default(o, Namespace))).ToList();
    }

    /// <summary>
    /// Installs the controller into <paramref name="objects"/> as <c>kubectl apply -f deploy.yaml</c>
    /// would: objects created (existing ones kept), the Service admitted by the apiserver's allocators
    /// (ClusterIP, node ports, health-check node port), then the control plane converged and the
    /// Ingress statuses published. Returns the apiserver's error for an object it refused, else null.
    /// </summary>
    public static string? Install(ObjectSet objects, ClusterConfig config, DateTimeOffset now)
    {
        foreach (var o in Objects(now))
        {
            if (objects.Get(o.Kind, o.Namespace, o.Name) is not null) continue;
            var obj = o;
            if (obj is Service s)
            {
                var admitted = ServiceAllocator.Admit(s, objects, config, out var error);
                if (admitted is null) return error;
                obj = admitted;
            }
            objects.Put(obj);
        }
        ControlPlane.Converge(objects, config, now);
        IngressStatusController.Sync(objects);
        return null;
    }
}

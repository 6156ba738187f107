using System.Globalization;
using System.Text;
using Podnet.Cluster.Api.Apps;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Api.Networking;
using Podnet.Cluster.Controllers;

namespace Podnet.Bench.Cli;

/// <summary>
/// A generator of large clusters: namespaces, Deployments, Services and NetworkPolicies spread over
/// them, as typed objects or as one multi-document YAML text a user could apply.
/// </summary>
public sealed class LargeCluster
{
    /// <summary>Creates the description of a cluster.</summary>
    public LargeCluster(int nodes, int namespaces, int deployments, int replicas, int services, int policies)
    {
        Nodes = nodes;
        Namespaces = namespaces;
        Deployments = deployments;
        Replicas = replicas;
        Services = services;
        Policies = policies;
    }

    /// <summary>Number of nodes (control plane included).</summary>
    public int Nodes { get; }

    /// <summary>Number of application namespaces.</summary>
    public int Namespaces { get; }

    /// <summary>Number of Deployments.</summary>
    public int Deployments { get; }

    /// <summary>Replicas per Deployment.</summary>
    public int Replicas { get; }

    /// <summary>Number of Services (one per Deployment while they last, then extra selectors).</summary>
    public int Services { get; }

    /// <summary>Number of NetworkPolicies.</summary>
    public int Policies { get; }

    /// <summary>The cluster settings: enough pod CIDR for every node's /24.</summary>
    public ClusterConfig Config => new() { Name = "big", Workers = Nodes - 1, PodCidr = "10.0.0.0/8", ServiceCidr = "10.96.0.0/12" };

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private string NamespaceOf(int i) => "ns" + I(i % Namespaces);

    /// <summary>The user's objects (namespaces, Deployments, Services, NetworkPolicies).</summary>
    public IEnumerable<KubeObject> UserObjects(DateTimeOffset now)
    {
        for (int n = 0; n < Namespaces; n++)
        {
            yield return ClusterBootstrap.NamespaceObject("ns" + I(n), now);
        }
        for (int d = 0; d < Deployments; d++)
        {
            var labels = new Dictionary<string, string> { ["app"] = "app" + I(d) };
            yield return new Deployment
            {
                Metadata = new ObjectMeta { Name = "app" + I(d), Namespace = NamespaceOf(d), CreationTimestamp = now, Generation = 1 },
                Spec = new DeploymentSpec
                {
                    Replicas = Replicas,
                    Selector = new LabelSelector { MatchLabels = labels },
                    Template = new PodTemplateSpec
                    {
                        Metadata = new ObjectMeta { Labels = labels },
                        Spec = new PodSpec
                        {
                            Containers = [new Container { Name = "web", Image = "nginx:1.27", Ports = [new ContainerPort { Name = "http", ContainerPortNumber = 8080, Protocol = "TCP" }] }],
                        },
                    },
                },
            };
        }
        for (int s = 0; s < Services; s++)
        {
            var target = s % Deployments;
            yield return new Service
            {
                Metadata = new ObjectMeta { Name = "svc" + I(s), Namespace = NamespaceOf(target), CreationTimestamp = now },
                Spec = new ServiceSpec
                {
                    Type = "ClusterIP",
                    Selector = new Dictionary<string, string> { ["app"] = "app" + I(target) },
                    Ports = [new ServicePort { Name = "http", Port = 80, Protocol = "TCP", TargetPort = IntOrString.FromString("http") }],
                    SessionAffinity = "None",
                },
            };
        }
        for (int p = 0; p < Policies; p++)
        {
            yield return new NetworkPolicy
            {
                Metadata = new ObjectMeta { Name = "allow" + I(p), Namespace = NamespaceOf(p), CreationTimestamp = now },
                Spec = new NetworkPolicySpec
                {
                    PodSelector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "app" + I(p % Deployments) } },
                    PolicyTypes = ["Ingress"],
                    Ingress = [new NetworkPolicyIngressRule { From = [new NetworkPolicyPeer { PodSelector = new LabelSelector() }] }],
                },
            };
        }
    }

    /// <summary>The same user objects as one multi-document YAML text.</summary>
    public string Yaml()
    {
        var sb = new StringBuilder();
        for (int n = 0; n < Namespaces; n++)
        {
            sb.Append("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns").Append(n).Append("\n---\n");
        }
        for (int d = 0; d < Deployments; d++)
        {
            sb.Append("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app").Append(d).Append("\n  namespace: ").Append(NamespaceOf(d))
              .Append("\nspec:\n  replicas: ").Append(Replicas)
              .Append("\n  selector:\n    matchLabels:\n      app: app").Append(d)
              .Append("\n  template:\n    metadata:\n      labels:\n        app: app").Append(d)
              .Append("\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        ports:\n        - name: http\n          containerPort: 8080\n---\n");
        }
        for (int s = 0; s < Services; s++)
        {
            var target = s % Deployments;
            sb.Append("apiVersion: v1\nkind: Service\nmetadata:\n  name: svc").Append(s).Append("\n  namespace: ").Append(NamespaceOf(target))
              .Append("\nspec:\n  selector:\n    app: app").Append(target)
              .Append("\n  ports:\n  - name: http\n    port: 80\n    targetPort: http\n---\n");
        }
        for (int p = 0; p < Policies; p++)
        {
            sb.Append("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow").Append(p).Append("\n  namespace: ").Append(NamespaceOf(p))
              .Append("\nspec:\n  podSelector:\n    matchLabels:\n      app: app").Append(p % Deployments)
              .Append("\n  policyTypes: [Ingress]\n  ingress:\n  - from:\n    - podSelector: {}\n---\n");
        }
        return sb.ToString();
    }

    /// <summary>A new cluster with the user objects applied (Service IPs admitted), not yet converged.</summary>
    public ObjectSet Snapshot(DateTimeOffset now)
    {
        var config = Config;
        var set = new ObjectSet(ClusterBootstrap.Objects(config, now));
        var allocator = new ServiceAllocator.Batch(set, config);
        foreach (var o in UserObjects(now))
        {
            if (o is Service svc)
            {
                set.Put(allocator.Admit(svc, out var error) ?? throw new InvalidOperationException(error));
            }
            else
            {
                set.Put(o);
            }
        }
        return set;
    }
}

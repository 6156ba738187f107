using System.Globalization;
using System.Text;

namespace Podnet.Bench.Api;

/// <summary>
/// Generates large, valid cluster manifests as YAML (what a user of a big cluster would apply): nodes with
/// pod CIDRs and addresses, namespaces, Deployments with Services in front of them, NetworkPolicies, and
/// optionally explicit Pods. Deterministic for a given size.
/// </summary>
public static class ClusterGenerator
{
    /// <summary>Cluster shape.</summary>
    public sealed record Shape(int Nodes, int Namespaces, int Deployments, int ReplicasPerDeployment, int NetworkPolicies);

    /// <summary>5000 nodes, 100 namespaces, 10,000 Deployments × 15 replicas (150,000 pods) each behind a Service, 1000 NetworkPolicies.</summary>
    public static Shape Large { get; } = new(5000, 100, 10_000, 15, 1000);

    /// <summary>Writes the cluster (nodes, namespaces, deployments, services, policies) as one multi-document YAML stream.</summary>
    public static string ClusterYaml(Shape shape)
    {
        var sb = new StringBuilder(shape.Nodes * 700 + shape.Deployments * 1400);
        for (var i = 0; i < shape.Nodes; i++)
        {
            Node(sb, i);
        }

        for (var n = 0; n < shape.Namespaces; n++)
        {
            sb.Append("---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-").Append(n).Append('\n');
        }

        for (var d = 0; d < shape.Deployments; d++)
        {
            var ns = "ns-" + (d % shape.Namespaces).ToString(CultureInfo.InvariantCulture);
            var app = "app-" + d.ToString(CultureInfo.InvariantCulture);
            sb.Append("---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ").Append(app).Append("\n  namespace: ").Append(ns)
              .Append("\n  labels:\n    app: ").Append(app).Append("\nspec:\n  replicas: ").Append(shape.ReplicasPerDeployment)
              .Append("\n  selector:\n    matchLabels:\n      app: ").Append(app)
              .Append("\n  template:\n    metadata:\n      labels:\n        app: ").Append(app).Append("\n        tier: ").Append(d % 3 == 0 ? "frontend" : "backend")
              .Append("\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n        ports:\n        - containerPort: 8080\n          name: http\n        readinessProbe:\n          httpGet:\n            path: /healthz\n            port: http\n");
            sb.Append("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ").Append(app).Append("\n  namespace: ").Append(ns)
              .Append("\nspec:\n  selector:\n    app: ").Append(app).Append("\n  ports:\n  - name: http\n    port: 80\n    targetPort: http\n");
        }

        for (var p = 0; p < shape.NetworkPolicies; p++)
        {
            var ns = "ns-" + (p % shape.Namespaces).ToString(CultureInfo.InvariantCulture);
            sb.Append("---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np-").Append(p).Append("\n  namespace: ").Append(ns)
              .Append("\nspec:\n  podSelector:\n    matchLabels:\n      tier: backend\n  policyTypes:\n  - Ingress\n  - Egress\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          tier: frontend\n    - namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: ")
              .Append(ns).Append("\n    ports:\n    - protocol: TCP\n      port: 8080\n  egress:\n  - to:\n    - ipBlock:\n        cidr: 10.0.0.0/8\n        except:\n        - 10.96.0.0/12\n    ports:\n    - port: 53\n      protocol: UDP\n");
        }

        return sb.ToString();
    }

    /// <summary>Writes <paramref name="count"/> explicit Pods (scheduled, with IPs and status, as <c>get -o yaml</c> would show them).</summary>
    public static string PodsYaml(int count, int nodes = 5000, int namespaces = 100)
    {
        var sb = new StringBuilder(count * 1100);
        for (var i = 0; i < count; i++)
        {
            var node = i % nodes;
            var ns = "ns-" + (i % namespaces).ToString(CultureInfo.InvariantCulture);
            var ip = $"10.{(node >> 8) & 0xff}.{node & 0xff}.{(i / nodes % 250) + 2}";
            if (i > 0)
            {
                sb.Append("---\n");
            }

            sb.Append("apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-").Append(i).Append("\n  namespace: ").Append(ns)
              .Append("\n  labels:\n    app: app-").Append(i / 15).Append("\n    pod-template-hash: 5d4f8b7c9\nspec:\n  nodeName: node-").Append(node)
              .Append("\n  containers:\n  - name: web\n    image: nginx:1.25\n    ports:\n    - containerPort: 8080\n      name: http\n      protocol: TCP\n    resources:\n      requests:\n        cpu: 100m\n        memory: 64Mi\nstatus:\n  phase: Running\n  podIP: ")
              .Append(ip).Append("\n  podIPs:\n  - ip: ").Append(ip).Append("\n  hostIP: 172.18.").Append(node / 250).Append('.').Append((node % 250) + 2)
              .Append("\n  conditions:\n  - type: Ready\n    status: \"True\"\n  containerStatuses:\n  - name: web\n    ready: true\n    restartCount: 0\n    state:\n      running:\n        startedAt: \"2024-05-01T10:00:00Z\"\n");
        }

        return sb.ToString();
    }

    private static void Node(StringBuilder sb, int i)
    {
        if (i > 0)
        {
            sb.Append("---\n");
        }

        var cidr = $"10.{(i >> 8) & 0xff}.{i & 0xff}.0/24";
        sb.Append("apiVersion: v1\nkind: Node\nmetadata:\n  name: node-").Append(i)
          .Append("\n  labels:\n    kubernetes.io/hostname: node-").Append(i).Append("\n    kubernetes.io/os: linux\nspec:\n  podCIDR: ").Append(cidr)
          .Append("\n  podCIDRs:\n  - ").Append(cidr).Append("\nstatus:\n  addresses:\n  - type: InternalIP\n    address: 172.18.").Append(i / 250).Append('.').Append((i % 250) + 2)
          .Append("\n  - type: Hostname\n    address: node-").Append(i)
          .Append("\n  conditions:\n  - type: Ready\n    status: \"True\"\n  nodeInfo:\n    kubeletVersion: v1.31.0\n    osImage: Debian GNU/Linux 12 (bookworm)\n");
    }
}

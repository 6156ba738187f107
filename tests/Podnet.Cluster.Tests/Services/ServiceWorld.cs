using System.Text;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Controllers;
using Podnet.Cluster.Runtime;
using Podnet.Cluster.Tests.Runtime;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Stack;
using Podnet.Kernel.Wire;

namespace Podnet.Cluster.Tests.Services;

/// <summary>One HTTP exchange made with kernel sockets: the connect error (or none), the body, and the virtual time it took.</summary>
internal sealed record Reply(Errno Error, string Body, TimeSpan Took)
{
    public bool Ok => Error == Errno.None && Body.Length > 0;
}

/// <summary>
/// A realized cluster for the Service tests (RuntimeFixture-style): converged objects, the live
/// runtime in one kube-proxy mode, helpers to open TCP connections from any namespace with the
/// kernel's sockets, and <see cref="Reconverge"/> to change objects, run the controllers and
/// deliver the result to the live runtime.
/// </summary>
internal sealed class ServiceWorld
{
    public const string Worker = "podnet-worker";
    public const string Worker2 = "podnet-worker2";
    public const string ControlPlaneNode = "podnet-control-plane";

    private ServiceWorld(ObjectSet set, ClusterConfig config, ClusterRuntime rt)
    {
        Set = set;
        Config = config;
        Rt = rt;
    }

    public ObjectSet Set { get; }

    public ClusterConfig Config { get; }

    public ClusterRuntime Rt { get; }

    public DateTimeOffset Now { get; private set; } = RuntimeFixture.Now;

    public static ServiceWorld Build(string yaml, string mode, int seed = 7)
    {
        var config = new ClusterConfig { ProxyMode = mode };
        var set = RuntimeFixture.Converged(yaml, config);
        var rt = new ClusterRuntime(set.All, config, new RuntimeOptions { Seed = seed, Epoch = RuntimeFixture.Now });
        rt.EnsureAll();
        return new ServiceWorld(set, config, rt);
    }

    /// <summary>Changes objects, converges the control plane, and delivers the new snapshot to the live runtime.</summary>
    public void Reconverge(Action<ObjectSet> change)
    {
        Now += TimeSpan.FromSeconds(1);
        change(Set);
        ControlPlane.Converge(Set, Config, Now);
        Rt.Update(Set.All);
    }

    public Service Svc(string name) => Set.Get<Service>("Service", "default", name)!;

    public string ClusterIp(string svc) => Svc(svc).Spec.ClusterIP!;

    public int NodePort(string svc) => Svc(svc).Spec.Ports[0].NodePort!.Value;

    public string? LbIp(string svc) => Svc(svc).Status?.LoadBalancer?.Ingress.FirstOrDefault()?.Ip;

    public string NodeIp(string node) => Rt.EnsureNode(node)!.Ip;

    public string PodIp(string pod) => Set.Get<Pod>("Pod", "default", pod)!.Status!.PodIP!;

    public NetNamespace PodNs(string pod) => Rt.EnsurePod("default", pod, out _)!.Namespace;

    public NetNamespace NodeNs(string node) => Rt.EnsureNode(node)!.Namespace;

    public NetNamespace Outside => Rt.Outside.Client.Namespace;

    /// <summary>One connection: connect (5 s virtual timeout), <c>GET path</c>, read the reply to its end.</summary>
    public Reply Get(NetNamespace from, string ip, int port, string path = "/hostname")
    {
        Errno err = Errno.None;
        var body = "";
        var start = Rt.World.Loop.Now;
        var took = TimeSpan.Zero;
        Rt.World.Run(async () =>
        {
            var s = from.Tcp.Open();
            err = await s.ConnectAsync(Ipv4Address.Parse(ip), (ushort)port, new TcpConnectOptions { Timeout = TimeSpan.FromSeconds(5) });
            took = Rt.World.Loop.Now - start;
            if (err != Errno.None)
            {
                s.Close();
                return;
            }
            s.Send(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {ip}\r\nConnection: close\r\n\r\n"));
            var bytes = await s.ReadToEndAsync(TimeSpan.FromSeconds(5));
            s.Close();
            var text = Encoding.ASCII.GetString(bytes);
            var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            body = split < 0 ? "" : text[(split + 4)..].Trim();
        }, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(60));
        return new Reply(err, body, took);
    }

    /// <summary>The pod name answering each of <paramref name="n"/> connections (agnhost <c>/hostname</c>).</summary>
    public Dictionary<string, int> Spread(NetNamespace from, string ip, int port, int n)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < n; i++)
        {
            var r = Get(from, ip, port);
            var key = r.Ok ? r.Body : "error:" + r.Error;
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return counts;
    }

    /// <summary>An agnhost netexec pod on <paramref name="node"/> labelled <c>app: APP</c>.</summary>
    public static string Backend(string name, string node, string app = "web") => $$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: {{name}}, labels: {app: {{app}} } }
        spec:
          nodeName: {{node}}
          containers: [{name: main, image: registry.k8s.io/e2e-test-images/agnhost:2.52, args: [netexec, --http-port=8080], ports: [{containerPort: 8080}] }]
        ---

        """;

    /// <summary>A busybox client pod on <paramref name="node"/>.</summary>
    public static string Client(string name, string node) => $$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: {{name}} }
        spec:
          nodeName: {{node}}
          containers: [{name: main, image: busybox, command: [sleep, "3600"] }]
        ---

        """;

    /// <summary>A Service selecting <c>app: APP</c>, port 80 → 8080, with extra spec lines.</summary>
    public static string Service(string name, string app = "web", string extraSpec = "") => $$"""
        apiVersion: v1
        kind: Service
        metadata: {name: {{name}} }
        spec:
          selector: {app: {{app}} }
          ports: [{port: 80, targetPort: 8080}]
        {{extraSpec}}
        ---

        """;
}

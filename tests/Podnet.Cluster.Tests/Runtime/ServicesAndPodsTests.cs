using Xunit;

namespace Podnet.Cluster.Tests.Runtime;

public sealed class ServicesAndPodsTests
{
    private const string Shop = """
        apiVersion: v1
        kind: Pod
        metadata: {name: shop, labels: {app: shop}}
        spec:
          nodeName: podnet-worker
          containers:
          - {name: web, image: example/shop-web:1.0, ports: [{containerPort: 8080}]}
          - {name: cache, image: redis:7, ports: [{containerPort: 6379}]}
          - {name: web2, image: example/shop-web:1.0, ports: [{containerPort: 8080}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: client, labels: {app: client}}
        spec:
          nodeName: podnet-worker2
          containers: [{name: main, image: nicolaka/netshoot, command: [sleep, infinity]}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          replicas: 2
          selector: {matchLabels: {app: backend}}
          template:
            metadata: {labels: {app: backend}}
            spec:
              containers: [{name: main, image: registry.k8s.io/e2e-test-images/agnhost:2.52, args: [netexec, --http-port=8080], ports: [{containerPort: 8080}]}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend}
        spec:
          selector: {app: backend}
          ports: [{port: 80, targetPort: 8080}]
        """;

    [Fact]
    public void Containers_ShareLocalhost_AndASecondBindOfAPortFails()
    {
        var rt = RuntimeFixture.Realize(Shop);
        var r = rt.ExecInPod("default", "shop", "web", ["redis-cli", "-h", "localhost", "SET", "k", "v"], false, out var err);
        Assert.Null(err);
        Assert.Equal("OK\n", r!.Stdout);
        var sb = rt.EnsurePod("default", "shop", out _)!;
        Assert.Equal("Running", sb.Container("web")!.State);
        Assert.Equal("CrashLoopBackOff", sb.Container("web2")!.State);
        Assert.Contains("bind: address already in use", sb.Container("web2")!.Log.Text);
        // another pod reaches both containers on the pod IP
        var ip = RuntimeFixture.PodIp(rt, "shop");
        var g = rt.ExecInPod("default", "client", null, ["redis-cli", "-h", ip, "GET", "k"], false, out _);
        Assert.Equal("\"v\"\n", g!.Stdout);
        var w = rt.ExecInPod("default", "client", null, ["curl", "-s", $"http://{ip}:8080/"], false, out _);
        Assert.StartsWith("pod default/shop port 8080: client " + RuntimeFixture.PodIp(rt, "client") + ":", w!.Stdout);
    }

    [Fact]
    public void ClusterIp_IsDnatedToABackendByKubeProxysRules()
    {
        var rt = RuntimeFixture.Realize(Shop);
        var svc = rt.Objects.OfType<Podnet.Cluster.Api.Core.Service>().Single(s => s.Name == "backend");
        var r = rt.ExecInPod("default", "client", null, ["curl", "-s", $"http://{svc.Spec.ClusterIP}/hostname"], true, out var err);
        Assert.Null(err);
        Assert.Equal(0, r!.ExitCode);
        Assert.StartsWith("backend-", r.Stdout);
        var trace = r.Traces[0].Trace;
        Assert.Contains(trace.Steps, s => s.Kind == Podnet.Kernel.Tracing.TraceStepKind.Nat);
        Assert.Contains("KUBE-SVC-", trace.ToText());
    }

    [Fact]
    public void ServiceEnvironment_IsInjected_AndNamesResolveThroughCoreDns()
    {
        var rt = RuntimeFixture.Realize(Shop);
        var env = rt.ExecInPod("default", "client", null, ["env"], false, out _)!.Stdout;
        var svc = rt.Objects.OfType<Podnet.Cluster.Api.Core.Service>().Single(s => s.Name == "backend");
        Assert.Contains($"BACKEND_SERVICE_HOST={svc.Spec.ClusterIP}\n", env);
        Assert.Contains($"BACKEND_PORT_80_TCP_ADDR={svc.Spec.ClusterIP}\n", env);
        var r = rt.ExecInPod("default", "client", null, ["curl", "-s", "http://backend/hostname"], false, out _);
        Assert.Equal(0, r!.ExitCode);
        Assert.StartsWith("backend-", r.Stdout);
        var e = rt.ExecInPod("default", "client", null, ["curl", "-s", "http://example.com/"], false, out _);
        Assert.Equal(0, e!.ExitCode);
        Assert.Contains("Example Domain", e.Stdout);
    }
}

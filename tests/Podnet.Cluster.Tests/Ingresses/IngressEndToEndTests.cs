using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Networking;
using Podnet.Cluster.Controllers;
using Podnet.Cluster.Ingresses;
using Podnet.Cluster.Runtime;
using Podnet.Cluster.Tests.Runtime;
using Xunit;

namespace Podnet.Cluster.Tests.Ingresses;

/// <summary>
/// The controller installed into a cluster, the example manifest applied, and curl from the
/// outside client to a node's http node port (the Service is externalTrafficPolicy Local, so the
/// node running the controller pod).
/// </summary>
public sealed class IngressEndToEndTests
{
    private static readonly string Example = File.ReadAllText(Path.Combine(RepoRoot(), "examples", "ingress", "myapp.yaml"));

    private const string Extra = """
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: empty}
        spec:
          selector: {app: nobody}
          ports: [{port: 80, targetPort: 8080}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: outside-web}
        spec:
          type: ExternalName
          externalName: example.com
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: other
        spec:
          rules:
          - host: plain.example.com
            http:
              paths:
              - {path: /hostname, pathType: Prefix, backend: {service: {name: app1, port: {number: 80}}}}
              - {path: /header, pathType: Exact, backend: {service: {name: app2, port: {number: 80}}}}
              - {path: /empty, pathType: Prefix, backend: {service: {name: empty, port: {number: 80}}}}
              - {path: /, pathType: Prefix, backend: {service: {name: outside-web, port: {number: 80}}}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: guarded
          annotations:
            nginx.ingress.kubernetes.io/whitelist-source-range: 10.0.0.0/8
        spec:
          ingressClassName: nginx
          tls:
          - hosts: [secure.example.com]
            secretName: secure-tls
          rules:
          - host: guarded.example.com
            http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: app1, port: {number: 80}}}}
          - host: secure.example.com
            http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: app1, port: {number: 80}}}}
        """;

    private static string RepoRoot([System.Runtime.CompilerServices.CallerFilePath] string file = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "..", "..", ".."));

    private sealed record Cluster(ClusterRuntime Runtime, string NodeIp, int NodePort, Pod Controller);

    private static Cluster Build()
    {
        var config = new ClusterConfig();
        var set = RuntimeFixture.Converged(Example + Extra, config);
        Assert.Null(IngressNginxInstall.Install(set, config, RuntimeFixture.Now));
        var controller = set.OfKind<Pod>("Pod").Single(p => p.Namespace == IngressNginxInstall.Namespace);
        Assert.Equal("Running", controller.Status?.Phase);
        var svc = set.Get<Service>("Service", IngressNginxInstall.Namespace, IngressNginxInstall.ControllerName)!;
        var nodePort = svc.Spec.Ports.Single(p => p.Name == "http").NodePort!.Value;
        var node = set.Get<Node>("Node", "", controller.Spec.NodeName!)!;
        var rt = new ClusterRuntime(set.All, config, new RuntimeOptions { Seed = 3, Epoch = RuntimeFixture.Now });
        return new Cluster(rt, ClusterBootstrap.NodeInternalIp(node)!, nodePort, controller);
    }

    private static ExecResult Curl(Cluster c, string host, string path, bool trace = false, params string[] extra) =>
        c.Runtime.ExecOutside(["curl", "-s", "-H", "Host: " + host, .. extra, $"http://{c.NodeIp}:{c.NodePort}{path}"], trace);

    [Fact]
    public void HostAndPath_ReachApp1AndApp2Pods_UnknownHostGets404_NoEndpointsGets503()
    {
        var c = Build();
        var a1 = Curl(c, "myapp.example.com", "/app1/hostname");
        Assert.Equal(0, a1.ExitCode);
        Assert.StartsWith("app1-", a1.Stdout);
        var a2 = Curl(c, "myapp.example.com", "/app2/hostname");
        Assert.StartsWith("app2-", a2.Stdout);
        // round-robin over app1's two pods
        var second = Curl(c, "myapp.example.com", "/app1/hostname");
        Assert.StartsWith("app1-", second.Stdout);
        Assert.NotEqual(a1.Stdout, second.Stdout);

        var u = c.Runtime.ExecOutside(["curl", "-s", "-w", "%{http_code}", "-H", "Host: unknown.example.com", $"http://{c.NodeIp}:{c.NodePort}/"], false);
        Assert.Equal("<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n404", u.Stdout);

        var empty = c.Runtime.ExecOutside(["curl", "-s", "-w", "%{http_code}", "-H", "Host: plain.example.com", $"http://{c.NodeIp}:{c.NodePort}/empty"], false);
        Assert.EndsWith("<title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n503", empty.Stdout);
    }

    [Fact]
    public void PrefixPath_IsProxiedUnchanged_WithForwardedHeaders_AndTheAccessLogLine()
    {
        var c = Build();
        var h = Curl(c, "plain.example.com", "/hostname");
        Assert.StartsWith("app1-", h.Stdout);
        // externalTrafficPolicy Local keeps the outside client's address
        Assert.Equal("198.51.100.100", Curl(c, "plain.example.com", "/header?key=X-Forwarded-For").Stdout);
        Assert.Equal("198.51.100.100", Curl(c, "plain.example.com", "/header?key=X-Real-IP").Stdout);
        Assert.Equal("http", Curl(c, "plain.example.com", "/header?key=X-Forwarded-Proto").Stdout);
        Assert.Equal("plain.example.com", Curl(c, "plain.example.com", "/header?key=X-Forwarded-Host").Stdout);
        var log = c.Runtime.Logs(IngressNginxInstall.Namespace, c.Controller.Name, null, out var err);
        Assert.Null(err);
        var line = log!.Split('\n').First(l => l.Contains("\"GET /hostname HTTP/1.1\"", StringComparison.Ordinal));
        Assert.Matches(@"^198\.51\.100\.100 - - \[21/Nov/2026:12:00:\d\d \+0000\] ""GET /hostname HTTP/1\.1"" 200 \d+ ""-"" ""curl/8\.5\.0"" \d+ \d\.\d\d\d \[default-app1-80\] \[\] 10\.244\.\d+\.\d+:8080 \d+ \d\.\d\d\d 200 [0-9a-f]{32}$", line);
    }

    [Fact]
    public void Whitelist403_SslRedirect308_InTheControllersOwnWords()
    {
        var c = Build();
        var forbidden = c.Runtime.ExecOutside(["curl", "-s", "-w", "%{http_code}", "-H", "Host: guarded.example.com", $"http://{c.NodeIp}:{c.NodePort}/hostname"], false);
        Assert.EndsWith("<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n403", forbidden.Stdout);
        var redirect = c.Runtime.ExecOutside(["curl", "-sI", "-H", "Host: secure.example.com", $"http://{c.NodeIp}:{c.NodePort}/a?b=1"], false);
        Assert.StartsWith("HTTP/1.1 308 Permanent Redirect\r\nServer: nginx\r\n", redirect.Stdout);
        Assert.Contains("\r\nLocation: https://secure.example.com/a?b=1\r\n", redirect.Stdout);
        var log = c.Runtime.Logs(IngressNginxInstall.Namespace, c.Controller.Name, null, out _)!;
        Assert.Contains("\"GET /hostname HTTP/1.1\" 403 146 \"-\" \"curl/8.5.0\"", log);
        Assert.Contains("access forbidden by rule, client: 198.51.100.100, server: guarded.example.com", log);
        Assert.Contains("\"HEAD /a?b=1 HTTP/1.1\" 308 0 ", log);
    }

    [Fact]
    public void ExternalNameBackend_ProxiesToTheOutsideHost()
    {
        var c = Build();
        var r = Curl(c, "plain.example.com", "/");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Example Domain", r.Stdout);
    }

    [Fact]
    public void Trace_ShowsTheL7DecisionBetweenTheTwoConnections()
    {
        var c = Build();
        var r = Curl(c, "myapp.example.com", "/app2/hostname", trace: true);
        var text = r.Traces.Single(t => t.Label.StartsWith("curl", StringComparison.Ordinal)).Trace.ToText();
        var decision = text.IndexOf("ingress-nginx L7: server myapp.example.com location ~* \"^/app2(/|$)(.*)\" (Ingress default/myapp rule 0 path 1", StringComparison.Ordinal);
        Assert.True(decision > 0, text);
        var peer = text.IndexOf("ingress-nginx: upstream default-app2-80 peer 10.244.", StringComparison.Ordinal);
        Assert.True(peer > decision, text);
        Assert.Contains("(pod default/app2-", text[peer..]);
        // the first connection reached the controller pod before the decision; the upstream connection's SYN comes after it
        Assert.Contains("SYN to listening socket 0.0.0.0:80", text[..decision]);
        Assert.Contains(":8080", text[peer..]);
    }

    [Fact]
    public void Events_SyncForServedIngresses_AndAWarningForAMissingTlsSecret()
    {
        var config = new ClusterConfig();
        var set = RuntimeFixture.Converged(Example + Extra, config);
        Assert.Null(IngressNginxInstall.Install(set, config, RuntimeFixture.Now));
        var events = set.OfKind<Event>("Event").Where(e => e.InvolvedObject.Kind == "Ingress").ToList();
        Assert.Contains(events, e => e.InvolvedObject.Name == "myapp" && e.Reason == "Sync" && e.Message == "Scheduled for sync" && e.Type == "Normal");
        var warning = Assert.Single(events, e => e.Type == "Warning");
        Assert.Equal(("guarded", "InvalidTLSSecret"), (warning.InvolvedObject.Name, warning.Reason));
        Assert.Equal("Error getting SSL certificate \"default/secure-tls\": local SSL certificate default/secure-tls was not found. Using default certificate", warning.Message);
        // converging again records nothing new
        var before = set.CountOf("Event");
        ControlPlane.Converge(set, config, RuntimeFixture.Now);
        Assert.Equal(before, set.CountOf("Event"));
    }

    [Fact]
    public void IngressStatus_PublishesTheControllerServiceAddress()
    {
        var config = new ClusterConfig();
        var set = RuntimeFixture.Converged(Example, config);
        Assert.Null(IngressNginxInstall.Install(set, config, RuntimeFixture.Now));
        var svc = set.Get<Service>("Service", IngressNginxInstall.Namespace, IngressNginxInstall.ControllerName)!;
        var lb = Assert.Single(svc.Status!.LoadBalancer!.Ingress).Ip;
        var ing = set.Get<Ingress>("Ingress", "default", "myapp")!;
        Assert.Equal(lb, Assert.Single(ing.Status!.LoadBalancer!.Ingress).Ip);
        // the Ingress status follows the Service's load-balancer status
        set.Put(svc with { Status = new ServiceStatus { LoadBalancer = new LoadBalancerStatus { Ingress = [new LoadBalancerIngress { Ip = "203.0.113.240", IpMode = "VIP" }] } } });
        Assert.Equal(1, IngressStatusController.Sync(set));
        ing = set.Get<Ingress>("Ingress", "default", "myapp")!;
        Assert.Equal("203.0.113.240", Assert.Single(ing.Status!.LoadBalancer!.Ingress).Ip);
        Assert.Equal(0, IngressStatusController.Sync(set));
    }

    [Fact]
    public void TheLoadBalancerAddress_ReachesApp1AndApp2()
    {
        var c = Build();
        var ing = c.Runtime.Objects.OfType<Ingress>().Single(i => i.Name == "myapp");
        var address = Assert.Single(ing.Status!.LoadBalancer!.Ingress).Ip;
        var a1 = c.Runtime.ExecOutside(["curl", "-s", "-H", "Host: myapp.example.com", $"http://{address}/app1/hostname"], false);
        Assert.True(a1.ExitCode == 0, a1.Stderr);
        Assert.StartsWith("app1-", a1.Stdout);
        var a2 = c.Runtime.ExecOutside(["curl", "-s", "-H", "Host: myapp.example.com", $"http://{address}/app2/hostname"], false);
        Assert.StartsWith("app2-", a2.Stdout);
        var unknown = c.Runtime.ExecOutside(["curl", "-s", "-w", "%{http_code}", "-H", "Host: nothing.example.com", $"http://{address}/"], false);
        Assert.EndsWith("404", unknown.Stdout);
    }
}

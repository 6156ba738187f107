using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Discovery;
using Podnet.Cluster.Controllers;
using Podnet.Cluster.Tests.Runtime;
using Xunit;

namespace Podnet.Cluster.Tests.Kubelet;

/// <summary>
/// The kubelet's probes and container failures decide a pod's status (READY, STATUS, RESTARTS), its
/// events, and so the EndpointSlices: each case starts real programs in virtual time.
/// </summary>
public sealed class ProbeTests
{
    private static Pod PodNamed(ObjectSet set, string name) => set.OfKind<Pod>("Pod").Single(p => p.Namespace == "default" && p.Name == name);

    private static List<Event> EventsOf(ObjectSet set, string pod) =>
        set.OfKind<Event>("Event").Where(e => e.InvolvedObject.Name == pod).ToList();

    private const string WebService = """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector:
            app: web
          ports:
          - port: 80
        ---

        """;

    private static string WebPod(string probes) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          labels:
            app: web
        spec:
          nodeName: podnet-worker
          containers:
          - name: nginx
            image: nginx
            ports:
            - containerPort: 80
              name: http
        {{probes}}
        ---

        """;

    [Fact]
    public void A_passing_http_readiness_probe_leaves_the_pod_ready_and_its_endpoint_ready()
    {
        var set = RuntimeFixture.Converged(WebService + WebPod("""
                readinessProbe:
                  httpGet:
                    path: /
                    port: http
            """));
        var pod = PodNamed(set, "web");
        Assert.True(pod.Status!.ContainerStatuses[0].Ready);
        Assert.Contains(pod.Status.Conditions, c => c.Type == "Ready" && c.Status == "True");
        var slice = set.OfKind<EndpointSlice>("EndpointSlice").Single(s => s.Metadata.Labels.GetValueOrDefault("kubernetes.io/service-name") == "web");
        Assert.True(slice.Endpoints.Single().Conditions.Ready);
    }

    [Fact]
    public void A_failing_http_readiness_probe_makes_the_pod_unready_with_kubelets_event_and_its_endpoint_not_ready()
    {
        var set = RuntimeFixture.Converged(WebService + WebPod("""
                readinessProbe:
                  httpGet:
                    path: /missing
                    port: 80
                  periodSeconds: 5
            """));
        var pod = PodNamed(set, "web");
        var status = pod.Status!;
        Assert.False(status.ContainerStatuses[0].Ready);
        Assert.Equal("Running", status.Phase);
        var ready = status.Conditions.Single(c => c.Type == "Ready");
        Assert.Equal("False", ready.Status);
        Assert.Equal("ContainersNotReady", ready.Reason);
        Assert.Equal("containers with unready status: [nginx]", ready.Message);
        Assert.Contains(EventsOf(set, "web"), e => e.Reason == "Unhealthy" && e.Type == "Warning" && e.Message == "Readiness probe failed: HTTP probe failed with statuscode: 404");
        var slice = set.OfKind<EndpointSlice>("EndpointSlice").Single(s => s.Metadata.Labels.GetValueOrDefault("kubernetes.io/service-name") == "web");
        Assert.False(slice.Endpoints.Single().Conditions.Ready);
    }

    [Fact]
    public void A_tcp_readiness_probe_on_a_port_nothing_listens_on_fails_with_connection_refused()
    {
        var set = RuntimeFixture.Converged(WebPod("""
                readinessProbe:
                  tcpSocket:
                    port: 9999
            """));
        var pod = PodNamed(set, "web");
        Assert.False(pod.Status!.ContainerStatuses[0].Ready);
        var ip = pod.Status.PodIP;
        Assert.Contains(EventsOf(set, "web"), e => e.Message == $"Readiness probe failed: dial tcp {ip}:9999: connect: connection refused");
    }

    [Fact]
    public void A_failing_liveness_probe_restarts_the_container_and_records_killing()
    {
        var set = RuntimeFixture.Converged(WebPod("""
                livenessProbe:
                  httpGet:
                    path: /healthz-missing
                    port: 80
                  periodSeconds: 10
                  failureThreshold: 3
            """));
        var st = PodNamed(set, "web").Status!.ContainerStatuses[0];
        Assert.True(st.RestartCount >= 1);
        Assert.Equal(137, st.LastState!.Terminated!.ExitCode);
        Assert.True(st.Ready); // no readiness probe: ready while running
        Assert.Contains(EventsOf(set, "web"), e => e.Reason == "Killing" && e.Message == "Container nginx failed liveness probe, will be restarted");
        Assert.Contains(EventsOf(set, "web"), e => e.Reason == "Unhealthy" && e.Message == "Liveness probe failed: HTTP probe failed with statuscode: 404");
    }

    [Fact]
    public void An_exec_probe_passes_when_the_command_succeeds_and_fails_with_its_output_otherwise()
    {
        var ok = RuntimeFixture.Converged(WebPod("""
                readinessProbe:
                  exec:
                    command: ["cat", "/etc/hostname"]
            """));
        Assert.True(PodNamed(ok, "web").Status!.ContainerStatuses[0].Ready);

        var shell = RuntimeFixture.Converged(WebPod("""
                readinessProbe:
                  exec:
                    command: ["/bin/sh", "-c", "cat /etc/hostname"]
            """));
        Assert.True(PodNamed(shell, "web").Status!.ContainerStatuses[0].Ready);

        var bad = RuntimeFixture.Converged(WebPod("""
                readinessProbe:
                  exec:
                    command: ["cat", "/tmp/healthy"]
            """));
        Assert.False(PodNamed(bad, "web").Status!.ContainerStatuses[0].Ready);
        Assert.Contains(EventsOf(bad, "web"), e => e.Reason == "Unhealthy" && e.Message!.StartsWith("Readiness probe failed: cat: /tmp/healthy", StringComparison.Ordinal));
    }

    [Fact]
    public void A_second_container_binding_a_taken_port_is_in_crash_loop_back_off_and_the_pod_is_one_of_two_ready()
    {
        var set = RuntimeFixture.Converged("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: clash
            spec:
              nodeName: podnet-worker
              containers:
              - name: web
                image: registry.k8s.io/e2e-test-images/agnhost:2.53
                args: ["netexec", "--http-port=8080"]
              - name: web2
                image: registry.k8s.io/e2e-test-images/agnhost:2.53
                args: ["netexec", "--http-port=8080"]
            ---
            """);
        var status = PodNamed(set, "clash").Status!;
        var web = status.ContainerStatuses.Single(c => c.Name == "web");
        var web2 = status.ContainerStatuses.Single(c => c.Name == "web2");
        Assert.True(web.Ready);
        Assert.False(web2.Ready);
        Assert.Equal("CrashLoopBackOff", web2.State!.Waiting!.Reason);
        Assert.Equal(255, web2.LastState!.Terminated!.ExitCode); // klog.Fatalf exits 255
        Assert.Contains("address already in use", web2.LastState.Terminated.Message, StringComparison.Ordinal);
        Assert.True(web2.RestartCount >= 1);
        Assert.Contains(EventsOf(set, "clash"), e => e.Reason == "BackOff" && e.Message!.StartsWith("Back-off restarting failed container web2 in pod clash_default(", StringComparison.Ordinal));
    }

    [Fact]
    public void CoreDns_pods_pass_their_health_and_ready_probes()
    {
        var set = RuntimeFixture.Converged("");
        var coredns = set.OfKind<Pod>("Pod").Where(p => p.Namespace == "kube-system" && p.Name.StartsWith("coredns-", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, coredns.Count);
        Assert.All(coredns, p => Assert.True(p.Status!.ContainerStatuses.Single().Ready));
    }

    [Fact]
    public void Replicas_of_one_spec_each_report_their_own_address_in_probe_failures()
    {
        // One ReplicaSet's pods are started once per spec; every replica's event names its own IP.
        var set = RuntimeFixture.Converged("""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 4
              selector:
                matchLabels:
                  app: web
              template:
                metadata:
                  labels:
                    app: web
                spec:
                  containers:
                  - name: nginx
                    image: nginx
                    readinessProbe:
                      tcpSocket:
                        port: 9999
            """);
        var pods = set.OfKind<Pod>("Pod").Where(p => p.Namespace == "default" && p.Name.StartsWith("web-", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, pods.Count);
        Assert.Equal(4, pods.Select(p => p.Status!.PodIP).Distinct().Count());
        foreach (var pod in pods)
        {
            Assert.False(pod.Status!.ContainerStatuses[0].Ready);
            var unhealthy = EventsOf(set, pod.Name).Where(e => e.Reason == "Unhealthy").ToList();
            Assert.Equal($"Readiness probe failed: dial tcp {pod.Status.PodIP}:9999: connect: connection refused", Assert.Single(unhealthy).Message);
        }
    }

    [Theory]
    [InlineData("dial tcp 10.0.0.1:80: refused", "dial tcp 10.9.9.9:80: refused")]
    [InlineData("Get \"http://10.0.0.1/\"", "Get \"http://10.9.9.9/\"")]
    [InlineData("listening on 10.0.0.12:80", "listening on 10.0.0.12:80")]
    [InlineData("from 110.0.0.1 and 10.0.0.1.", "from 110.0.0.1 and 10.9.9.9.")]
    [InlineData("10.0.0.1.5 is not it", "10.0.0.1.5 is not it")]
    [InlineData("10.0.0.1", "10.9.9.9")]
    public void A_report_for_another_replica_replaces_whole_addresses_only(string text, string expected) =>
        Assert.Equal(expected, Podnet.Cluster.Kubelet.PodStartupReport.ReplaceWord(text, "10.0.0.1", "10.9.9.9"));

    [Fact]
    public void Starting_hundreds_of_pods_in_parallel_gives_the_same_cluster_every_time()
    {
        // More than 256 pods to start: the kubelet reports are computed on several threads; the
        // result (names, addresses, statuses, events and their order) must not depend on that.
        var yaml = string.Join("---\n", Enumerable.Range(0, 30).Select(d => $$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: app{{d}}
            spec:
              replicas: 10
              selector:
                matchLabels:
                  app: app{{d}}
              template:
                metadata:
                  labels:
                    app: app{{d}}
                spec:
                  containers:
                  - name: web
                    image: nginx
                    readinessProbe:
                      tcpSocket:
                        port: {{(d % 2 == 0 ? 80 : 9999)}}

            """));
        var config = new ClusterConfig { Name = "podnet", Workers = 4 };
        var first = RuntimeFixture.Converged(yaml, config);
        var second = RuntimeFixture.Converged(yaml, config);
        Assert.Equal(first.All.Select(ObjectComparer.Canonical), second.All.Select(ObjectComparer.Canonical));
        var pods = first.OfKind<Pod>("Pod").Where(p => p.Name.StartsWith("app", StringComparison.Ordinal)).ToList();
        Assert.Equal(300, pods.Count);
        Assert.Equal(150, pods.Count(p => p.Status!.ContainerStatuses[0].Ready));
        foreach (var pod in pods.Where(p => !p.Status!.ContainerStatuses[0].Ready))
        {
            Assert.Equal($"Readiness probe failed: dial tcp {pod.Status!.PodIP}:9999: connect: connection refused",
                Assert.Single(EventsOf(first, pod.Name), e => e.Reason == "Unhealthy").Message);
        }
    }
}

using System.Text.RegularExpressions;
using Podnet.Cluster.Api.Apps;
using Podnet.Cluster.Api.Batch;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Discovery;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Controllers;
using Xunit;

namespace Podnet.Cluster.Tests.Controllers;

public sealed partial class ControlPlaneTests
{
    private static readonly ClusterConfig Config = new();

    private static ObjectSet ShopCluster()
    {
        var set = TestObjects.NewCluster();
        set.Put(TestObjects.Ns("shop"));
        set.Put(TestObjects.Deployment("shop", "backend", 3, null, TestObjects.Container("backend", "agnhost", ("http", 8080))));
        TestObjects.Admit(set, TestObjects.Service("shop", "backend", "backend", 80, IntOrString.FromString("http")));
        ControlPlane.Converge(set, Config, TestObjects.Now);
        return set;
    }

    [GeneratedRegex("^backend-[bcdfghjklmnpqrstvwxz2456789]{6,10}$")]
    private static partial Regex ReplicaSetName();

    [GeneratedRegex("^backend-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$")]
    private static partial Regex PodName();

    [Fact]
    public void Deployment_MakesReplicaSetAndPodsWithKubernetesNameShapes()
    {
        var set = ShopCluster();
        var rs = set.OfKind<ReplicaSet>("ReplicaSet").Single(r => r.Namespace == "shop");
        Assert.Matches(ReplicaSetName(), rs.Name);
        Assert.Equal(rs.Name["backend-".Length..], rs.Metadata.Labels[DeploymentController.PodTemplateHashLabel]);
        var pods = set.OfKind<Pod>("Pod").Where(p => p.Namespace == "shop").ToList();
        Assert.Equal(3, pods.Count);
        Assert.All(pods, p => Assert.Matches(PodName(), p.Name));
        Assert.All(pods, p => Assert.StartsWith(rs.Name + "-", p.Name));
        Assert.All(pods, p => Assert.Equal("Running", p.Status!.Phase));
        Assert.All(pods, p => Assert.True(PodTemplates.IsReady(p)));
        // spread over both workers, never on the tainted control plane
        Assert.Equal(["podnet-worker", "podnet-worker2"], pods.Select(p => p.Spec.NodeName!).Distinct().Order());
        var d = set.Get<Deployment>("Deployment", "shop", "backend")!;
        Assert.Equal(3, d.Status!.ReadyReplicas);
        Assert.Equal(3, d.Status.AvailableReplicas);
    }

    [Fact]
    public void Converge_IsIdempotentAndDeterministic()
    {
        var a = ShopCluster();
        a.ClearChanges();
        var again = ControlPlane.Converge(a, Config, TestObjects.Now.AddMinutes(5));
        Assert.Equal(0, again.Written);
        Assert.Equal(0, again.Removed);
        var b = ShopCluster();
        Assert.Equal(a.All.Select(ObjectComparer.Canonical), b.All.Select(ObjectComparer.Canonical));
    }

    [Fact]
    public void EndpointSlice_ResolvesNamedTargetPortAndCarriesKubernetesLabels()
    {
        var set = ShopCluster();
        var slice = set.OfKind<EndpointSlice>("EndpointSlice").Single(s => s.Namespace == "shop");
        Assert.StartsWith("backend-", slice.Name);
        Assert.Equal(5 + "backend-".Length, slice.Name.Length);
        Assert.Equal("backend", slice.Metadata.Labels[EndpointSlice.ServiceNameLabel]);
        Assert.Equal(EndpointSlice.ControllerName, slice.Metadata.Labels[EndpointSlice.ManagedByLabel]);
        Assert.Equal(8080, slice.Ports.Single().Port);
        Assert.Equal("http", slice.Ports.Single().Name);
        Assert.Equal(3, slice.Endpoints.Count);
        Assert.All(slice.Endpoints, e => Assert.True(e.Conditions.Ready));
        var ep = set.Get<Endpoints>("Endpoints", "shop", "backend")!;
        Assert.Equal(3, ep.Subsets.Single().Addresses.Count);
        Assert.Equal(8080, ep.Subsets.Single().Ports.Single().Port);
    }

    [Fact]
    public void NamedTargetPort_IsResolvedPerPod()
    {
        var set = TestObjects.NewCluster();
        set.Put(TestObjects.Pod("default", "a", new Dictionary<string, string> { ["app"] = "x" }, null, TestObjects.Container("c", "img", ("web", 8080))));
        set.Put(TestObjects.Pod("default", "b", new Dictionary<string, string> { ["app"] = "x" }, null, TestObjects.Container("c", "img", ("web", 9090))));
        TestObjects.Admit(set, TestObjects.Service("default", "x", "x", 80, IntOrString.FromString("web")));
        ControlPlane.Converge(set, Config, TestObjects.Now);
        var slices = set.OfKind<EndpointSlice>("EndpointSlice").Where(s => s.Metadata.Labels.GetValueOrDefault(EndpointSlice.ServiceNameLabel) == "x").ToList();
        Assert.Equal([8080, 9090], slices.Select(s => s.Ports.Single().Port!.Value).Order());
        Assert.All(slices, s => Assert.Single(s.Endpoints));
    }

    [Fact]
    public void PublishNotReadyAddresses_ListsPodsThatAreNotReadyAsReady()
    {
        var set = TestObjects.NewCluster();
        var gated = TestObjects.Pod("default", "gated", new Dictionary<string, string> { ["app"] = "g" });
        set.Put(gated with { Spec = gated.Spec with { ReadinessGates = [new PodReadinessGate { ConditionType = "example.com/ready" }] } });
        TestObjects.Admit(set, TestObjects.Service("default", "plain", "g"));
        var publishing = TestObjects.Service("default", "publishing", "g");
        TestObjects.Admit(set, publishing with { Spec = publishing.Spec with { PublishNotReadyAddresses = true } });
        ControlPlane.Converge(set, Config, TestObjects.Now);
        Assert.False(PodTemplates.IsReady(set.Get<Pod>("Pod", "default", "gated")!));
        EndpointSlice SliceOf(string svc) => set.OfKind<EndpointSlice>("EndpointSlice").Single(s => s.Metadata.Labels.GetValueOrDefault(EndpointSlice.ServiceNameLabel) == svc);
        var plain = SliceOf("plain").Endpoints.Single();
        Assert.False(plain.Conditions.Ready);
        Assert.False(plain.Conditions.Serving);
        var pub = SliceOf("publishing").Endpoints.Single();
        Assert.True(pub.Conditions.Ready);
        Assert.Empty(set.Get<Endpoints>("Endpoints", "default", "plain")!.Subsets.Single().Addresses);
        Assert.Single(set.Get<Endpoints>("Endpoints", "default", "plain")!.Subsets.Single().NotReadyAddresses);
    }

    [Fact]
    public void EndpointSlices_HoldAtMost100Endpoints()
    {
        var set = new ObjectSet(ClusterBootstrap.Objects(new ClusterConfig { Workers = 3 }, TestObjects.Now));
        set.Put(TestObjects.Deployment("default", "big", 250));
        TestObjects.Admit(set, TestObjects.Service("default", "big", "big"));
        ControlPlane.Converge(set, new ClusterConfig { Workers = 3 }, TestObjects.Now);
        var slices = set.OfKind<EndpointSlice>("EndpointSlice").Where(s => s.Metadata.Labels.GetValueOrDefault(EndpointSlice.ServiceNameLabel) == "big").ToList();
        Assert.Equal([50, 100, 100], slices.Select(s => s.Endpoints.Count).Order());
        Assert.Equal(250, slices.SelectMany(s => s.Endpoints).Select(e => e.Addresses[0]).Distinct().Count());
    }

    [Fact]
    public void StatefulSet_MakesOrdinalPodsWithHostnameAndSubdomain()
    {
        var set = TestObjects.NewCluster();
        var labels = new Dictionary<string, string> { ["app"] = "db" };
        set.Put(new StatefulSet
        {
            Metadata = new ObjectMeta { Name = "db", Namespace = "default", CreationTimestamp = TestObjects.Now },
            Spec = new StatefulSetSpec
            {
                Replicas = 3,
                ServiceName = "db",
                Selector = new LabelSelector { MatchLabels = labels },
                Template = new PodTemplateSpec { Metadata = new ObjectMeta { Labels = labels }, Spec = new PodSpec { Containers = [TestObjects.Container("redis", "redis:7", ("redis", 6379))] } },
            },
        });
        var headless = TestObjects.Service("default", "db", "db", 6379, clusterIp: "None");
        TestObjects.Admit(set, headless);
        ControlPlane.Converge(set, Config, TestObjects.Now);
        var pods = set.OfKind<Pod>("Pod").Where(p => p.Metadata.Labels.GetValueOrDefault("app") == "db").ToList();
        Assert.Equal(["db-0", "db-1", "db-2"], pods.Select(p => p.Name));
        Assert.All(pods, p => Assert.Equal(p.Name, p.Spec.Hostname));
        Assert.All(pods, p => Assert.Equal("db", p.Spec.Subdomain));
        var slice = set.OfKind<EndpointSlice>("EndpointSlice").Single(s => s.Metadata.Labels.GetValueOrDefault(EndpointSlice.ServiceNameLabel) == "db");
        Assert.Equal(["db-0", "db-1", "db-2"], slice.Endpoints.Select(e => e.Hostname!).Order());
        Assert.True(slice.Metadata.Labels.ContainsKey(EndpointSliceController.HeadlessLabel));
        // scale down removes the highest ordinal
        var sts = set.Get<StatefulSet>("StatefulSet", "default", "db")!;
        set.Put(sts with { Spec = sts.Spec with { Replicas = 2 } });
        ControlPlane.Converge(set, Config, TestObjects.Now);
        Assert.Equal(["db-0", "db-1"], set.OfKind<Pod>("Pod").Where(p => p.Metadata.Labels.GetValueOrDefault("app") == "db").Select(p => p.Name));
    }

    [Fact]
    public void DaemonSet_RunsOnNodesItToleratesOnly()
    {
        var set = TestObjects.NewCluster();
        var labels = new Dictionary<string, string> { ["app"] = "agent" };
        set.Put(new DaemonSet
        {
            Metadata = new ObjectMeta { Name = "agent", Namespace = "default", CreationTimestamp = TestObjects.Now },
            Spec = new DaemonSetSpec
            {
                Selector = new LabelSelector { MatchLabels = labels },
                Template = new PodTemplateSpec { Metadata = new ObjectMeta { Labels = labels }, Spec = new PodSpec { Containers = [TestObjects.Container("a", "busybox")] } },
            },
        });
        ControlPlane.Converge(set, Config, TestObjects.Now);
        var nodes = set.OfKind<Pod>("Pod").Where(p => p.Name.StartsWith("agent-", StringComparison.Ordinal)).Select(p => p.Spec.NodeName!).Order().ToList();
        Assert.Equal(["podnet-worker", "podnet-worker2"], nodes);
        Assert.Equal(2, set.Get<DaemonSet>("DaemonSet", "default", "agent")!.Status!.DesiredNumberScheduled);
    }

    [Fact]
    public void Job_RunsParallelismPods()
    {
        var set = TestObjects.NewCluster();
        set.Put(new Job
        {
            Metadata = new ObjectMeta { Name = "batch", Namespace = "default", CreationTimestamp = TestObjects.Now },
            Spec = new JobSpec
            {
                Parallelism = 2,
                Completions = 5,
                Template = new PodTemplateSpec { Spec = new PodSpec { Containers = [TestObjects.Container("w", "busybox")], RestartPolicy = "Never" } },
            },
        });
        ControlPlane.Converge(set, Config, TestObjects.Now);
        var pods = set.OfKind<Pod>("Pod").Where(p => p.Metadata.Labels.GetValueOrDefault("job-name") == "batch").ToList();
        Assert.Equal(2, pods.Count);
        Assert.Equal(2, set.Get<Job>("Job", "default", "batch")!.Status!.Active);
    }

    [Fact]
    public void Scheduler_HonoursNodeNameAndNodeSelectorAndReportsUnschedulable()
    {
        var set = TestObjects.NewCluster();
        set.Put(TestObjects.Pod("default", "pinned", Empty.Map, "podnet-control-plane"));
        set.Put(TestObjects.Deployment("default", "picky", 1, new Dictionary<string, string> { ["kubernetes.io/hostname"] = "podnet-worker2" }));
        set.Put(TestObjects.Deployment("default", "impossible", 1, new Dictionary<string, string> { ["disk"] = "ssd" }));
        ControlPlane.Converge(set, Config, TestObjects.Now);
        Assert.Equal("podnet-control-plane", set.Get<Pod>("Pod", "default", "pinned")!.Spec.NodeName);
        Assert.Equal("Running", set.Get<Pod>("Pod", "default", "pinned")!.Status!.Phase);
        Assert.All(set.OfKind<Pod>("Pod").Where(p => p.Name.StartsWith("picky-", StringComparison.Ordinal)), p => Assert.Equal("podnet-worker2", p.Spec.NodeName));
        var stuck = set.OfKind<Pod>("Pod").Single(p => p.Name.StartsWith("impossible-", StringComparison.Ordinal));
        Assert.Null(stuck.Spec.NodeName);
        Assert.Equal("Pending", stuck.Status!.Phase);
        var ev = EventRecorder.For(set, stuck).Single(e => e.Reason == "FailedScheduling");
        Assert.Equal("Warning", ev.Type);
        Assert.Equal("0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.", ev.Message);
    }

    [Fact]
    public void Scheduler_StopsAtMaxPodsPerNode()
    {
        var config = new ClusterConfig { Workers = 1, MaxPodsPerNode = 5 };
        var set = TestObjects.NewCluster(config);
        set.Put(TestObjects.Deployment("default", "many", 8));
        ControlPlane.Converge(set, config, TestObjects.Now);
        var pods = set.OfKind<Pod>("Pod").Where(p => p.Name.StartsWith("many-", StringComparison.Ordinal)).ToList();
        // the worker already runs kube-proxy (hostNetwork) and the two CoreDNS pods go first
        var onWorker = set.OfKind<Pod>("Pod").Count(p => p.Spec.NodeName == "podnet-worker");
        Assert.Equal(5, onWorker);
        var pending = pods.Where(p => p.Spec.NodeName is null).ToList();
        Assert.NotEmpty(pending);
        Assert.Contains(EventRecorder.For(set, pending[0]), e => e.Reason == "FailedScheduling" && e.Message!.Contains("1 Too many pods", StringComparison.Ordinal));
    }

    [Fact]
    public void Ipam_ExhaustionLeavesPodPendingWithSandboxEvent()
    {
        var set = TestObjects.NewCluster(new ClusterConfig { Workers = 1 });
        var worker = set.Get<Node>("Node", "", "podnet-worker")!;
        set.Put(worker with { Spec = worker.Spec with { PodCIDR = "10.244.1.0/29", PodCIDRs = ["10.244.1.0/29"] } });
        for (int i = 0; i < 7; i++)
        {
            set.Put(TestObjects.Pod("default", $"p{i}", Empty.Map, "podnet-worker"));
        }
        ControlPlane.Converge(set, new ClusterConfig { Workers = 1 }, TestObjects.Now);
        var pods = Enumerable.Range(0, 7).Select(i => set.Get<Pod>("Pod", "default", $"p{i}")!).ToList();
        var addressed = pods.Where(p => p.Status?.PodIP is not null).ToList();
        Assert.Equal(5, addressed.Count); // .2 .. .6 of a /29
        Assert.Equal(["10.244.1.2", "10.244.1.3", "10.244.1.4", "10.244.1.5", "10.244.1.6"], addressed.Select(p => p.Status!.PodIP!).Order());
        var starved = pods.Where(p => p.Status?.PodIP is null).ToList();
        Assert.Equal(2, starved.Count);
        Assert.All(starved, p => Assert.Equal("Pending", p.Status!.Phase));
        Assert.All(starved, p => Assert.Equal("ContainerCreating", p.Status!.ContainerStatuses.Single().State!.Waiting!.Reason));
        var ev = EventRecorder.For(set, starved[0]).Single(e => e.Reason == "FailedCreatePodSandBox");
        Assert.Contains("no IP addresses available in range set: 10.244.1.1-10.244.1.6", ev.Message, StringComparison.Ordinal);
        // freeing an address lets a waiting pod start, and the freed address is the one reused
        set.Remove("Pod", "default", addressed[0].Name);
        ControlPlane.Converge(set, new ClusterConfig { Workers = 1 }, TestObjects.Now);
        Assert.Single(starved, p => set.Get<Pod>("Pod", "default", p.Name)!.Status!.PodIP == addressed[0].Status!.PodIP);
    }

    [Fact]
    public void GarbageCollector_RemovesWhatADeletedDeploymentOwned()
    {
        var set = ShopCluster();
        set.Remove("Deployment", "shop", "backend");
        ControlPlane.Converge(set, Config, TestObjects.Now);
        Assert.DoesNotContain(set.OfKind<ReplicaSet>("ReplicaSet"), r => r.Namespace == "shop");
        Assert.DoesNotContain(set.OfKind<Pod>("Pod"), p => p.Namespace == "shop");
        var slice = set.OfKind<EndpointSlice>("EndpointSlice").Single(s => s.Namespace == "shop");
        Assert.Empty(slice.Endpoints);
        Assert.Empty(set.Get<Endpoints>("Endpoints", "shop", "backend")!.Subsets);
    }

    [Fact]
    public void DeletedPod_IsReplacedWithANewName()
    {
        var set = ShopCluster();
        var victim = set.OfKind<Pod>("Pod").First(p => p.Namespace == "shop");
        set.Remove("Pod", "shop", victim.Name);
        ControlPlane.Converge(set, Config, TestObjects.Now.AddMinutes(1));
        var pods = set.OfKind<Pod>("Pod").Where(p => p.Namespace == "shop").ToList();
        Assert.Equal(3, pods.Count);
        Assert.DoesNotContain(pods, p => p.Name == victim.Name);
    }

    [Fact]
    public void Events_DescribeSchedulingAndStart()
    {
        var set = ShopCluster();
        var pod = set.OfKind<Pod>("Pod").First(p => p.Namespace == "shop");
        var reasons = EventRecorder.For(set, pod).Select(e => e.Reason).ToList();
        Assert.Equal(["Scheduled", "Pulled", "Created", "Started"], reasons);
        var scheduled = EventRecorder.For(set, pod)[0];
        Assert.Equal($"Successfully assigned shop/{pod.Name} to {pod.Spec.NodeName}", scheduled.Message);
        Assert.Equal("default-scheduler", scheduled.Source!.Component);
    }
}

using FsCheck;
using FsCheck.Fluent;
using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Api.Discovery;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Controllers;
using Xunit;

namespace Podnet.Cluster.Tests.Controllers;

/// <summary>Invariants of the control plane over random clusters and workloads (FsCheck).</summary>
public sealed class ControllerPropertyTests
{
    /// <summary>One generated workload: a Deployment and a Service selecting it.</summary>
    public sealed record Workload(int Replicas, int NodeChoice, bool NamedPort, bool Gated, bool PublishNotReady, bool RequestIp);

    /// <summary>One generated cluster.</summary>
    public sealed record Scenario(int Workers, IReadOnlyList<Workload> Workloads, IReadOnlyList<int> DeletedPods);

    private static readonly Gen<Workload> WorkloadGen =
        from replicas in Gen.Choose(0, 12)
        from node in Gen.Choose(0, 3)
        from named in Gen.Elements(true, false)
        from gated in Gen.Frequency((1, Gen.Constant(true)), (3, Gen.Constant(false)))
        from publish in Gen.Elements(true, false)
        from request in Gen.Frequency((1, Gen.Constant(true)), (4, Gen.Constant(false)))
        select new Workload(replicas, node, named, gated, publish, request);

    private static readonly Gen<Scenario> ScenarioGen =
        from workers in Gen.Choose(1, 4)
        from count in Gen.Choose(1, 6)
        from workloads in Gen.ListOf(WorkloadGen, count)
        from deleted in Gen.ListOf(Gen.Choose(0, 40), 3)
        select new Scenario(workers, workloads.ToList(), deleted.ToList());

    private static Config Quick => Config.QuickThrowOnFailure.WithMaxTest(40);

    private static (ObjectSet Set, ClusterConfig Config) Build(Scenario s, bool deleteAndReconverge = true)
    {
        var config = new ClusterConfig { Workers = s.Workers };
        var set = new ObjectSet(ClusterBootstrap.Objects(config, TestObjects.Now));
        var nodeNames = config.NodeNames();
        for (int i = 0; i < s.Workloads.Count; i++)
        {
            var w = s.Workloads[i];
            var name = "app" + i;
            IReadOnlyDictionary<string, string>? selector = w.NodeChoice == 0 ? null
                : new Dictionary<string, string> { ["kubernetes.io/hostname"] = nodeNames[Math.Min(w.NodeChoice, nodeNames.Count - 1)] };
            var d = TestObjects.Deployment("default", name, w.Replicas, selector, TestObjects.Container("c", "img", ("web", 8000 + i)));
            if (w.Gated)
            {
                d = d with { Spec = d.Spec with { Template = d.Spec.Template with { Spec = d.Spec.Template.Spec with { ReadinessGates = [new PodReadinessGate { ConditionType = "x/ready" }] } } } };
            }
            set.Put(d);
            var svc = TestObjects.Service("default", name, name, 80, w.NamedPort ? IntOrString.FromString("web") : IntOrString.FromInt(8000 + i),
                clusterIp: w.RequestIp ? $"10.96.5.{i + 1}" : null);
            svc = svc with { Spec = svc.Spec with { PublishNotReadyAddresses = w.PublishNotReady } };
            TestObjects.Admit(set, svc, config);
        }
        ControlPlane.Converge(set, config, TestObjects.Now);
        if (deleteAndReconverge)
        {
            var pods = set.OfKind<Pod>("Pod");
            foreach (var idx in s.DeletedPods.Where(x => x < pods.Count).Distinct())
            {
                set.Remove("Pod", pods[idx].Namespace, pods[idx].Name);
            }
            ControlPlane.Converge(set, config, TestObjects.Now.AddMinutes(1));
        }
        return (set, config);
    }

    [Fact]
    public void PodIps_AreUniqueAndInsideTheirNodesCidr()
    {
        Prop.ForAll(ScenarioGen.ToArbitrary(), s =>
        {
            var (set, _) = Build(s);
            var nodes = set.OfKind<Node>("Node").ToDictionary(n => n.Name);
            var pods = set.OfKind<Pod>("Pod").Where(p => p.Spec.HostNetwork != true && p.Status?.PodIP is not null).ToList();
            var ips = pods.Select(p => p.Status!.PodIP!).ToList();
            if (ips.Count != ips.Distinct().Count())
            {
                return false;
            }
            foreach (var p in pods)
            {
                var cidr = Ipv4Cidr.Parse(nodes[p.Spec.NodeName!].Spec.PodCIDR!);
                Ipv4Cidr.TryParseAddress(p.Status!.PodIP!, out var a);
                if (!cidr.Contains(a) || a <= cidr.At(1) || a >= cidr.At(cidr.Size - 1))
                {
                    return false;
                }
            }
            return true;
        }).Check(Quick);
    }

    [Fact]
    public void EndpointSlices_MatchSelectorsAndReadiness()
    {
        Prop.ForAll(ScenarioGen.ToArbitrary(), s =>
        {
            var (set, _) = Build(s);
            var pods = set.OfKind<Pod>("Pod");
            foreach (var svc in set.OfKind<Service>("Service").Where(x => x.Spec.Selector.Count > 0))
            {
                var slices = set.OfKind<EndpointSlice>("EndpointSlice")
                    .Where(x => x.Namespace == svc.Namespace && x.Metadata.Labels.GetValueOrDefault(EndpointSlice.ServiceNameLabel) == svc.Name).ToList();
                if (slices.Count == 0 || slices.Any(x => x.Endpoints.Count > EndpointSliceController.MaxEndpointsPerSlice))
                {
                    return false;
                }
                var expected = pods.Where(p => p.Namespace == svc.Namespace && p.Status?.PodIP is not null
                        && svc.Spec.Selector.All(kv => p.Metadata.Labels.GetValueOrDefault(kv.Key) == kv.Value))
                    .ToDictionary(p => p.Status!.PodIP!);
                var endpoints = slices.SelectMany(x => x.Endpoints).ToList();
                if (endpoints.Count != expected.Count || !endpoints.Select(e => e.Addresses[0]).ToHashSet().SetEquals(expected.Keys))
                {
                    return false;
                }
                foreach (var e in endpoints)
                {
                    var pod = expected[e.Addresses[0]];
                    var ready = PodTemplates.IsReady(pod);
                    if (e.Conditions.Serving != ready || e.Conditions.Ready != (ready || svc.Spec.PublishNotReadyAddresses == true))
                    {
                        return false;
                    }
                }
                var ep = set.Get<Endpoints>("Endpoints", svc.Namespace, svc.Name)!;
                var readyInEndpoints = ep.Subsets.SelectMany(x => x.Addresses).Select(a => a.Ip).ToHashSet();
                if (!readyInEndpoints.SetEquals(endpoints.Where(e => e.Conditions.Ready == true).Select(e => e.Addresses[0])))
                {
                    return false;
                }
            }
            return true;
        }).Check(Quick);
    }

    [Fact]
    public void ClusterIps_AreUniqueAndInTheServiceRange()
    {
        Prop.ForAll(ScenarioGen.ToArbitrary(), s =>
        {
            var (set, config) = Build(s, deleteAndReconverge: false);
            var range = Ipv4Cidr.Parse(config.ServiceCidr);
            var ips = set.OfKind<Service>("Service").Select(x => x.Spec.ClusterIP!).Where(ip => ip != "None").ToList();
            return ips.Count == ips.Distinct().Count() && ips.All(ip => range.Contains(ip));
        }).Check(Quick);
    }

    [Fact]
    public void Convergence_IsDeterministic()
    {
        Prop.ForAll(ScenarioGen.ToArbitrary(), s =>
        {
            var a = Build(s).Set.All.Select(ObjectComparer.Canonical).ToList();
            var b = Build(s).Set.All.Select(ObjectComparer.Canonical).ToList();
            return a.SequenceEqual(b);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(15));
    }
}

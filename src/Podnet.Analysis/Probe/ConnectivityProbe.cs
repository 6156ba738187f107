using System.Text;
using Podnet.Analysis.NetworkPolicies;
using Podnet.Cluster.Api.Meta;
using Podnet.Cluster.Controllers;
using Podnet.Cluster.Kubelet;
using Podnet.Cluster.NetworkPolicies;
using Podnet.Cluster.Runtime;
using Podnet.Kernel.Sockets;
using Podnet.Kernel.Tracing;
using Podnet.Kernel.Wire;

namespace Podnet.Analysis.Probe;

/// <summary>
/// Measures NetworkPolicy connectivity the way Cyclonus's probe does on a real cluster, but in the
/// emulated data plane: every node is realized with its NetworkPolicy agent's rules, then every probed
/// pod opens a connection to every probed pod's IP on one port (TCP connect, or a UDP datagram) with a
/// short virtual timeout. Connected or refused (RST / ICMP port unreachable: the packet reached the
/// pod's own kernel, so policy let it through) = allowed; no answer = blocked (dropped). The analyzer's
/// prediction (<see cref="ReachAnalysis"/>) is computed on the same objects for comparison.
/// </summary>
public static class ConnectivityProbe
{
    private static readonly HashSet<string> WorkloadKinds = ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"];

    /// <summary>
    /// Probes the converged <paramref name="objects"/> of a cluster configured by <paramref name="config"/>.
    /// Throws <see cref="NotSupportedException"/> for SCTP (the emulated kernel has no SCTP sockets).
    /// </summary>
    public static ProbeResult Run(IReadOnlyList<KubeObject> objects, ClusterConfig config, ProbeOptions options)
    {
        if (options.Protocol == PolicyProtocol.Sctp)
        {
            throw new NotSupportedException("SCTP is not emulated by the kernel's sockets, so it cannot be probed; `podnet reach -o matrix --protocol SCTP` gives the analyzer's answer");
        }

        // The analyzer sees the pods themselves (a live cluster's workload templates would count them twice).
        var analysis = ReachAnalysis.FromObjects(objects.Where(o => !WorkloadKinds.Contains(o.Kind)), AnalysisMode.Kubernetes);
        var pods = analysis.Model.Pods
            .Where(p => !p.HostNetwork && p.Ip is not null)
            .Where(p => options.Namespace is { } ns ? p.Namespace == ns : p.Namespace != "kube-system")
            .OrderBy(p => p.FullName, StringComparer.Ordinal)
            .ToList();

        var runtime = new ClusterRuntime(objects, config, new RuntimeOptions { Seed = options.Seed, Epoch = options.Epoch, EnforceNetworkPolicies = true });
        runtime.EnsureAll();
        var sandboxes = new PodSandbox?[pods.Count];
        for (var i = 0; i < pods.Count; i++)
        {
            sandboxes[i] = runtime.EnsurePod(pods[i].Namespace, pods[i].Name, out _);
        }

        var n = pods.Count;
        var measured = new (ProbeVerdict Verdict, string Detail)[n * n];
        var tasks = new List<Task>(n * n);
        var run = runtime.World.Loop.Run(
            async () =>
            {
                for (var s = 0; s < n; s++)
                {
                    for (var d = 0; d < n; d++)
                    {
                        var index = (s * n) + d;
                        var src = sandboxes[s];
                        var dst = sandboxes[d];
                        if (src is null || dst is null)
                        {
                            measured[index] = (ProbeVerdict.Failed, (src is null ? pods[s].FullName : pods[d].FullName) + " is not running");
                            continue;
                        }

                        var address = Ipv4Address.Parse(dst.Ip);
                        tasks.Add(options.Protocol == PolicyProtocol.Udp
                            ? ProbeUdp(src, dst, address, options, measured, index)
                            : ProbeTcp(src, address, options, measured, index));
                    }
                }

                await Task.WhenAll(tasks);
            },
            options.Timeout + options.Timeout + TimeSpan.FromSeconds(30),
            TimeSpan.FromMinutes(2));
        if (!run.Completed)
        {
            throw new InvalidOperationException($"the probe did not finish in the emulation ({run.Outcome})", run.Exception);
        }

        var cells = new List<ProbeCell>(n * n);
        for (var s = 0; s < n; s++)
        {
            for (var d = 0; d < n; d++)
            {
                var (verdict, detail) = measured[(s * n) + d];
                var predicted = analysis.Matrix.Get(pods[s], pods[d]).Contains(options.Protocol, options.Port);
                cells.Add(new ProbeCell(pods[s].FullName, pods[d].FullName, verdict, predicted, detail));
            }
        }

        var problems = analysis.Errors.Select(e => "analyzer: " + e).Concat(runtime.Problems).ToList();
        return new ProbeResult(options, pods.Select(p => p.FullName).ToList(), cells, problems);
    }

    private static async Task ProbeTcp(PodSandbox src, uint address, ProbeOptions options, (ProbeVerdict, string)[] measured, int index)
    {
        var socket = src.Namespace.Tcp.Open();
        var err = await socket.ConnectAsync(address, (ushort)options.Port, new TcpConnectOptions { Timeout = options.Timeout });
        socket.Abort();
        measured[index] = (Classify(err), err == Errno.None ? "connected" : err.Message());
    }

    private static async Task ProbeUdp(PodSandbox src, PodSandbox dst, uint address, ProbeOptions options, (ProbeVerdict, string)[] measured, int index)
    {
        // A UDP server may stay silent, so an unanswered datagram is judged by where it went: the trace
        // says whether it was delivered to the destination pod's stack (allowed) or never got there.
        var trace = new FlowTrace();
        var socket = src.Namespace.Udp.Open();
        socket.Trace = trace;
        var err = socket.Connect(address, (ushort)options.Port);
        if (err == Errno.None)
        {
            err = socket.Send(Encoding.ASCII.GetBytes("podnet probe\n"));
        }

        if (err != Errno.None)
        {
            socket.Close();
            measured[index] = (ProbeVerdict.Failed, err.Message());
            return;
        }

        var r = await socket.ReceiveAsync(options.Timeout);
        socket.Close();
        if (r.Ok)
        {
            measured[index] = (ProbeVerdict.Connected, "answered");
        }
        else if (r.Error == Errno.ECONNREFUSED)
        {
            measured[index] = (ProbeVerdict.Refused, r.Error.Message());
        }
        else if (trace.Steps.Any(st => st.Kind == TraceStepKind.Deliver && st.Namespace == dst.Namespace.Name))
        {
            measured[index] = (ProbeVerdict.Connected, "delivered (no answer)");
        }
        else
        {
            measured[index] = (Classify(r.Error == Errno.None ? Errno.ETIMEDOUT : r.Error), "no answer");
        }
    }

    private static ProbeVerdict Classify(Errno err) => err switch
    {
        Errno.None => ProbeVerdict.Connected,
        Errno.ECONNREFUSED or Errno.ECONNRESET => ProbeVerdict.Refused,
        Errno.ETIMEDOUT or Errno.EAGAIN => ProbeVerdict.Blocked,
        _ => ProbeVerdict.Failed,
    };
}

using Podnet.Cluster.Api.Core;
using Podnet.Kernel.Stack;

namespace Podnet.Cluster.Kubelet;

/// <summary>
/// The kubelet's probe workers for one container (<c>pkg/kubelet/prober/worker.go</c>), in virtual
/// time: the startup probe gates the others; readiness starts false when a readiness probe exists
/// and flips after <c>successThreshold</c> successes or <c>failureThreshold</c> failures in a row;
/// <c>failureThreshold</c> liveness (or startup) failures in a row kill the container, which the
/// kubelet restarts (the restart count grows and the probes start again after
/// <c>initialDelaySeconds</c>). Every failure is an <c>Unhealthy</c> event with kubelet's text.
/// </summary>
public sealed class ProbeWorker
{
    private readonly ContainerInstance _container;
    private readonly PodSandbox _sandbox;
    private readonly NetNamespace _node;
    private readonly Action<string, string, string> _event;
    private bool _started;
    private int _generation;

    private ProbeWorker(ContainerInstance container, PodSandbox sandbox, NetNamespace node, Action<string, string, string> recordEvent)
    {
        _container = container;
        _sandbox = sandbox;
        _node = node;
        _event = recordEvent;
    }

    /// <summary>Starts the probes of <paramref name="container"/>; <paramref name="recordEvent"/> gets (type, reason, message).</summary>
    public static void Start(ContainerInstance container, PodSandbox sandbox, NetNamespace node, Action<string, string, string> recordEvent)
    {
        var spec = container.Spec;
        container.Ready = spec.ReadinessProbe is null;
        if (spec.ReadinessProbe is null && spec.LivenessProbe is null && spec.StartupProbe is null) return;
        var worker = new ProbeWorker(container, sandbox, node, recordEvent);
        worker.Begin();
    }

    private void Begin()
    {
        var generation = ++_generation;
        var spec = _container.Spec;
        _started = spec.StartupProbe is null;
        if (spec.StartupProbe is { } startup) _node.World.Loop.Start(() => LoopAsync(startup, "Startup", generation));
        if (spec.ReadinessProbe is { } readiness) _node.World.Loop.Start(() => LoopAsync(readiness, "Readiness", generation));
        if (spec.LivenessProbe is { } liveness) _node.World.Loop.Start(() => LoopAsync(liveness, "Liveness", generation));
    }

    private async Task LoopAsync(Probe probe, string kind, int generation)
    {
        var loop = _node.World.Loop;
        var period = TimeSpan.FromSeconds(Math.Max(1, probe.PeriodSeconds ?? 10));
        var successThreshold = Math.Max(1, probe.SuccessThreshold ?? 1);
        var failureThreshold = Math.Max(1, probe.FailureThreshold ?? 3);
        await loop.Delay(TimeSpan.FromSeconds(Math.Max(0, probe.InitialDelaySeconds ?? 0)));
        int successes = 0, failures = 0;
        while (generation == _generation && !_container.Stopped)
        {
            if (kind != "Startup" && !_started)
            {
                await loop.Delay(period);
                continue;
            }
            if (_container.ExitCode is not null)
            {
                if (kind == "Readiness") _container.Ready = false;
                return;
            }
            var result = await Prober.RunAsync(probe, _container, _sandbox, _node);
            if (generation != _generation) return;
            if (result.Success)
            {
                successes++;
                failures = 0;
                if (kind == "Startup" && successes >= successThreshold)
                {
                    _started = true;
                    return;
                }
                if (kind == "Readiness" && successes >= successThreshold) _container.Ready = true;
            }
            else
            {
                failures++;
                successes = 0;
                _event("Warning", "Unhealthy", $"{kind} probe failed: {result.Message}");
                if (kind == "Readiness" && failures >= failureThreshold) _container.Ready = false;
                if (kind is "Liveness" or "Startup" && failures >= failureThreshold)
                {
                    _event("Normal", "Killing", $"Container {_container.Spec.Name} failed {kind.ToLowerInvariant()} probe, will be restarted");
                    _container.RestartCount++;
                    _container.LastTermination = 137;
                    _container.Ready = _container.Spec.ReadinessProbe is null;
                    Begin();
                    return;
                }
            }
            await loop.Delay(period);
        }
    }
}

using Podnet.Cluster.Api.Core;
using Podnet.Cluster.Images;

namespace Podnet.Cluster.Kubelet;

/// <summary>One running (or failed) container of a pod: its program, process context, log and state as <c>kubectl get pod</c> would report it.</summary>
public sealed class ContainerInstance(Container spec, ContainerProgram program, ProcessContext context, string? note)
{
    /// <summary>The container's spec.</summary>
    public Container Spec { get; } = spec;

    /// <summary>The program the image runs.</summary>
    public ContainerProgram Program { get; } = program;

    /// <summary>The process's view (namespace, env, files).</summary>
    public ProcessContext Context { get; } = context;

    /// <summary>The container's log.</summary>
    public ContainerLog Log => Context.Log;

    /// <summary>A note for <c>describe pod</c> (e.g. that the image is not emulated), or null.</summary>
    public string? Note { get; } = note;

    /// <summary>The program's task once started.</summary>
    public Task<int>? Task { get; internal set; }

    /// <summary>The exit code once the process ended.</summary>
    public int? ExitCode => Task is { IsCompletedSuccessfully: true } t ? t.Result : Task is { IsFaulted: true } ? 2 : null;

    /// <summary>Whether the container is ready (its readiness probe passes, or it has none and runs).</summary>
    public bool Ready { get; set; } = true;

    /// <summary>How often the kubelet restarted it (liveness or startup probe failures).</summary>
    public int RestartCount { get; set; }

    /// <summary>The exit code of the last killed instance (137 after a probe kill), or null.</summary>
    public int? LastTermination { get; set; }

    /// <summary>Set when the pod is deleted: its probe workers stop.</summary>
    public bool Stopped { get; set; }

    /// <summary>The state: Running, Completed, or CrashLoopBackOff after a failure (the kubelet restarts it with back-off).</summary>
    public string State => ExitCode switch
    {
        null => "Running",
        0 => "Completed",
        _ => "CrashLoopBackOff",
    };
}

using Podnet.Kernel.Simulation;
using Podnet.Kernel.Stack;

namespace Podnet.Cluster.Images;

/// <summary>
/// What a process started in a container sees: its network namespace (shared by the pod's
/// containers), hostname, environment, argv, the files the kubelet mounted (<c>/etc/resolv.conf</c>,
/// <c>/etc/hosts</c>) and its log. The Linux equivalent is the task's <c>nsproxy</c> plus its mount
/// namespace and fds 1/2.
/// </summary>
public sealed class ProcessContext
{
    /// <summary>A process in <paramref name="ns"/>.</summary>
    public ProcessContext(NetNamespace ns, string hostname, DateTimeOffset epoch)
    {
        Namespace = ns;
        Hostname = hostname;
        Epoch = epoch;
    }

    /// <summary>The network namespace.</summary>
    public NetNamespace Namespace { get; }

    /// <summary>The event loop the process runs on.</summary>
    public EventLoop Loop => Namespace.World.Loop;

    /// <summary>The UTS hostname (the pod name, or the node name for hostNetwork pods).</summary>
    public string Hostname { get; }

    /// <summary>Wall-clock time at virtual time zero (for log timestamps).</summary>
    public DateTimeOffset Epoch { get; }

    /// <summary>The current wall-clock time in the emulation.</summary>
    public DateTimeOffset Now => Epoch + Loop.Now;

    /// <summary>The environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The argv after the program name (container command + args, resolved).</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Files visible in the container, by absolute path.</summary>
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>();

    /// <summary>The pod's name and namespace (what the downward API would give).</summary>
    public string PodName { get; init; } = "";

    /// <summary>The pod's namespace.</summary>
    public string PodNamespace { get; init; } = "";

    /// <summary>Declared container ports (TCP/UDP), for programs that serve on them.</summary>
    public IReadOnlyList<(int Port, string Protocol)> Ports { get; init; } = [];

    /// <summary>The process's stdout/stderr.</summary>
    public ContainerLog Log { get; init; } = new();
}

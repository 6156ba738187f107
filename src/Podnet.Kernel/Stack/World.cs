using Podnet.Kernel.Simulation;
using Podnet.Kernel.Wire;

namespace Podnet.Kernel.Stack;

/// <summary>
/// A whole emulated machine room: every network namespace plus the one event loop they share
/// (DESIGN.md §4). The initial namespace of Linux has no special role here; create the ones you need.
/// </summary>
public sealed class World
{
    private readonly Dictionary<string, NetNamespace> _namespaces = new(StringComparer.Ordinal);

    public World(int seed = 1) => Loop = new EventLoop(seed);

    public EventLoop Loop { get; }

    /// <summary>Recycled frames for the stack's own packets (see <see cref="FramePool"/>).</summary>
    internal FramePool Frames { get; } = new();

    /// <summary>Frames put on any device's wire so far (the "link hops" the benchmarks count).</summary>
    public long LinkHops { get; internal set; }

    public IEnumerable<NetNamespace> Namespaces => _namespaces.Values;

    /// <summary><c>ip netns add NAME</c>: a fresh namespace with only <c>lo</c> (down), or null if the name is taken.</summary>
    public NetNamespace? TryCreateNamespace(string name)
    {
        if (_namespaces.ContainsKey(name)) return null;
        var ns = new NetNamespace(this, name);
        _namespaces.Add(name, ns);
        return ns;
    }

    /// <summary>Creates a namespace; throws if the name is taken (programming error in a caller).</summary>
    public NetNamespace CreateNamespace(string name) =>
        TryCreateNamespace(name) ?? throw new InvalidOperationException($"network namespace \"{name}\" already exists");

    public NetNamespace? GetNamespace(string name) => _namespaces.GetValueOrDefault(name);

    /// <summary><c>ip netns del NAME</c>: removes it; veth peers elsewhere are deleted with their ends, as in Linux.</summary>
    public bool DeleteNamespace(string name)
    {
        if (!_namespaces.Remove(name, out var ns)) return false;
        ns.Destroy();
        return true;
    }

    /// <summary>Runs a program on the loop with both bounds (see <see cref="EventLoop.Run"/>).</summary>
    public RunResult Run(Func<Task> program, TimeSpan virtualLimit, TimeSpan realLimit) => Loop.Run(program, virtualLimit, realLimit);
}

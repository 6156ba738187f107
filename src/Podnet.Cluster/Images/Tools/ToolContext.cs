using System.Text;
using Podnet.Cluster.Dns.Resolver;
using Podnet.Kernel.Tracing;

namespace Podnet.Cluster.Images.Tools;

/// <summary>
/// A command run by <c>podnet exec</c> (or <c>node exec</c>, <c>outside</c>): the process it runs as
/// (namespace, files, environment), what it prints, and, with <c>--trace</c>, the flow traces of
/// every connection it makes.
/// </summary>
public sealed class ToolContext(ProcessContext process, ResolverFlavor flavor, bool trace)
{
    /// <summary>The process the command runs as.</summary>
    public ProcessContext Process { get; } = process;

    /// <summary>The libc resolver of the image the command runs in.</summary>
    public ResolverFlavor Flavor { get; } = flavor;

    /// <summary>Standard output.</summary>
    public StringBuilder Out { get; } = new();

    /// <summary>Standard error.</summary>
    public StringBuilder Err { get; } = new();

    /// <summary>Flows traced (one per connection, datagram exchange or ping).</summary>
    public List<(string Label, FlowTrace Trace)> Traces { get; } = [];

    /// <summary>A new trace sink for a flow when tracing, else null (no cost).</summary>
    public FlowTrace? NewTrace(string label)
    {
        if (!trace) return null;
        var t = new FlowTrace();
        Traces.Add((label, t));
        return t;
    }

    /// <summary>The process's resolv.conf.</summary>
    public ResolvConf ResolvConf => Process.Files.TryGetValue("/etc/resolv.conf", out var t) ? ResolvConf.Parse(t) : new ResolvConf();

    /// <summary>Virtual milliseconds now.</summary>
    public long NowMs => (long)Process.Loop.Now.TotalMilliseconds;
}

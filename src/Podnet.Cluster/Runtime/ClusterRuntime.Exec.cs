using Podnet.Cluster.Images;
using Podnet.Cluster.Images.Tools;
using Podnet.Cluster.Outside;

namespace Podnet.Cluster.Runtime;

public sealed partial class ClusterRuntime
{
    /// <summary>Virtual time a command may take before it is stopped (as a hung command would be interrupted).</summary>
    public static readonly TimeSpan CommandLimit = TimeSpan.FromMinutes(10);

    /// <summary>
    /// <c>kubectl exec</c>: runs <paramref name="argv"/> in container <paramref name="container"/> (or the first)
    /// of the pod, building only the nodes the command can reach. Null with <paramref name="error"/> when the pod or container is not there.
    /// </summary>
    public ExecResult? ExecInPod(string ns, string pod, string? container, IReadOnlyList<string> argv, bool trace, out string? error)
    {
        var sb = EnsurePod(ns, pod, out error);
        if (sb is null) return null;
        var c = container is null ? sb.Containers.FirstOrDefault() : sb.Container(container);
        if (c is null)
        {
            error = $"error: unable to upgrade connection: container not found (\"{container}\")";
            return null;
        }
        EnsureFor(argv.Skip(1));
        if (c.State != "Running")
        {
            error = $"error: unable to upgrade connection: container not found (\"{c.Spec.Name}\")";
            return null;
        }
        var owners = sb.Containers.Where(x => x.State == "Running")
            .SelectMany(x => x.Context.Ports.Select(p => ((p.Protocol == "UDP" ? "udp" : "tcp"), p.Port, x.Program.ProcessName)))
            .GroupBy(x => (x.Item1, x.Port)).ToDictionary(g => g.Key, g => g.First().ProcessName);
        var ctx = new ToolContext(c.Context, ImageCatalog.Libc(c.Spec.Image ?? ""), trace);
        return Run(ctx, argv, owners);
    }

    /// <summary>
    /// <c>kubectl logs</c>: the log of container <paramref name="container"/> (or the first) of a pod, after the
    /// pod's node has been realized and its programs have started (logs live for this runtime only).
    /// </summary>
    public string? Logs(string ns, string pod, string? container, out string? error)
    {
        var sb = EnsurePod(ns, pod, out error);
        if (sb is null) return null;
        Settle();
        var c = container is null ? sb.Containers.FirstOrDefault() : sb.Container(container);
        if (c is null)
        {
            error = $"error: container {container} is not valid for pod {pod}";
            return null;
        }
        return c.Log.Text;
    }

    /// <summary><c>podnet node exec NODE -- CMD</c>: runs a command in the node's namespace (as <c>docker exec</c> into a kind node).</summary>
    public ExecResult? ExecOnNode(string node, IReadOnlyList<string> argv, bool trace, out string? error)
    {
        error = null;
        var host = EnsureNode(node);
        if (host is null)
        {
            error = $"Error from server (NotFound): nodes \"{node}\" not found";
            return null;
        }
        EnsureFor(argv.Skip(1));
        var ctx = new ToolContext(new ProcessContext(host.Namespace, node, Options.Epoch)
        {
            Files = new Dictionary<string, string> { ["/etc/resolv.conf"] = OutsideWorld.ResolvConf, ["/etc/hosts"] = "127.0.0.1\tlocalhost\n" + host.Ip + "\t" + node + "\n" },
            Environment = new Dictionary<string, string> { ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", ["HOSTNAME"] = node },
        }, Dns.Resolver.ResolverFlavor.Glibc, trace);
        return Run(ctx, argv, null);
    }

    /// <summary><c>podnet outside -- CMD</c>: runs a command on the outside client.</summary>
    public ExecResult ExecOutside(IReadOnlyList<string> argv, bool trace)
    {
        EnsureFor(argv.Skip(1));
        var client = Outside.Client;
        var ctx = new ToolContext(new ProcessContext(client.Namespace, "outside", Options.Epoch)
        {
            Files = new Dictionary<string, string> { ["/etc/resolv.conf"] = OutsideWorld.ResolvConf, ["/etc/hosts"] = "127.0.0.1\tlocalhost\n" },
            Environment = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["HOSTNAME"] = "outside" },
        }, Dns.Resolver.ResolverFlavor.Glibc, trace);
        return Run(ctx, argv, null);
    }

    private ExecResult Run(ToolContext ctx, IReadOnlyList<string> argv, IReadOnlyDictionary<(string, int), string>? owners)
    {
        int rc = 0;
        var result = World.Loop.Run(async () => rc = await ToolRunner.RunAsync(ctx, argv, owners), CommandLimit, TimeSpan.FromSeconds(60));
        if (!result.Completed)
        {
            if (result.Exception is not null) throw new InvalidOperationException("command failed inside the emulation", result.Exception);
            ctx.Err.Append("command terminated: it was still waiting after " + CommandLimit.TotalMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture) + " minutes of virtual time\n");
            rc = 137;
        }
        return new ExecResult(rc, ctx.Out.ToString(), ctx.Err.ToString(), ctx.Traces);
    }
}

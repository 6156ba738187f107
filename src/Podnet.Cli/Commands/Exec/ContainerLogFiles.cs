using Podnet.Cluster.Runtime;

namespace Podnet.Cli.Commands.Exec;

/// <summary>
/// Container logs that outlive one command, as the container runtime keeps them under
/// <c>/var/log/pods</c>: one file per container in the cluster's folder
/// (<c>logs/NAMESPACE_POD_CONTAINER.log</c>). The first command that starts a container writes its
/// start-up output; every later command appends only what the container logged while it ran
/// (access-log lines of the requests it served), so <c>podnet logs</c> shows the whole history.
/// </summary>
internal static class ContainerLogFiles
{
    private static string Dir(CliContext context, ClusterSession session) =>
        Path.Combine(new Podnet.Cluster.Api.Store.ClusterHome(context.Home).ClusterDir(session.Name), "logs");

    private static string FileName(string ns, string pod, string container) => $"{ns}_{pod}_{container}.log";

    /// <summary>Appends what the realized containers logged (nothing for throwaway clusters).</summary>
    public static void Persist(CliContext context, ClusterSession session, ClusterRuntime runtime)
    {
        if (session.Ephemeral) return;
        var dir = Dir(context, session);
        Prune(context, session, runtime.Objects.OfType<Podnet.Cluster.Api.Core.Pod>().Select(p => (p.Namespace, p.Name)));
        foreach (var (ns, pod, container, log) in runtime.ContainerLogs())
        {
            var path = Path.Combine(dir, FileName(ns, pod, container));
            var text = File.Exists(path) ? log.SinceStartup : log.Text;
            if (text.Length == 0) continue;
            Directory.CreateDirectory(dir);
            File.AppendAllText(path, text);
        }
    }

    /// <summary>The kept log of a container, or null when no command has run it yet.</summary>
    public static string? Read(CliContext context, ClusterSession session, string ns, string pod, string container)
    {
        if (session.Ephemeral) return null;
        var path = Path.Combine(Dir(context, session), FileName(ns, pod, container));
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    /// <summary>Forgets the logs of pods that no longer exist (a deleted pod's logs go with it).</summary>
    public static void Prune(CliContext context, ClusterSession session, IEnumerable<(string Namespace, string Name)> livePods)
    {
        var dir = Dir(context, session);
        if (session.Ephemeral || !Directory.Exists(dir)) return;
        var live = livePods.Select(p => p.Namespace + "_" + p.Name + "_").ToList();
        foreach (var f in Directory.EnumerateFiles(dir, "*.log"))
        {
            var n = Path.GetFileName(f);
            if (!live.Any(prefix => n.StartsWith(prefix, StringComparison.Ordinal))) File.Delete(f);
        }
    }
}

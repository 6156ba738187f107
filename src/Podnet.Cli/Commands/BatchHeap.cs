using System.Runtime;

namespace Podnet.Cli.Commands;

/// <summary>
/// Holds the garbage collector off while a command builds a large throwaway cluster from manifests (a read
/// command with <c>-f</c>): nearly everything a convergence allocates lives until the command exits, so each
/// collection would only move live objects (at issue 2's full size the collector paused the process for
/// 3–4.5 s of 12 s). The command runs in a no-GC region of up to 2.5 GiB (a quarter of the memory available,
/// at most); past that budget the runtime simply collects as usual. Small inputs and the store's own writes
/// (whose commit allocates past any such budget) run with the collector as configured.
/// </summary>
internal static class BatchHeap
{
    /// <summary>Manifests at least this large (in bytes) hold the collector off.</summary>
    public const long Threshold = 1 << 20;

    private const long MaxBudget = 2560L << 20;

    /// <summary>Holds the collector off when the manifest files named in <paramref name="files"/> are large.</summary>
    public static void EnterFor(IReadOnlyList<string> files, bool recursive)
    {
        if (InputBytes(files, recursive) < Threshold || GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            return;
        }
        var budget = Math.Min(MaxBudget, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);
        try
        {
            GC.TryStartNoGCRegion(budget);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException)
        {
            // the runtime cannot reserve that much here: collect as usual
        }
    }

    /// <summary>Lets the collector run again (for a command that goes on serving after building its cluster).</summary>
    public static void Leave()
    {
        if (GCSettings.LatencyMode != GCLatencyMode.NoGCRegion)
        {
            return;
        }
        try
        {
            GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            // the region already ended (its budget was used up)
        }
    }

    private static long InputBytes(IReadOnlyList<string> files, bool recursive)
    {
        long total = 0;
        foreach (var f in files)
        {
            try
            {
                if (File.Exists(f))
                {
                    total += new FileInfo(f).Length;
                }
                else if (Directory.Exists(f))
                {
                    foreach (var p in Directory.EnumerateFiles(f, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly))
                    {
                        total += new FileInfo(p).Length;
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // the reader reports unreadable paths in kubectl's words
            }
            if (total >= Threshold)
            {
                break;
            }
        }
        return total;
    }
}

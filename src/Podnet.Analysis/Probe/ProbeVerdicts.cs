namespace Podnet.Analysis.Probe;

/// <summary>Helpers for <see cref="ProbeVerdict"/>.</summary>
public static class ProbeVerdicts
{
    /// <summary>Whether the verdict means NetworkPolicy allowed the connection.</summary>
    public static bool IsAllowed(this ProbeVerdict verdict) => verdict is ProbeVerdict.Connected or ProbeVerdict.Refused;

    /// <summary>The truth-table mark: <c>.</c> allowed, <c>X</c> blocked, <c>!</c> check failed (Cyclonus's marks).</summary>
    public static string Mark(this ProbeVerdict verdict) => verdict switch
    {
        ProbeVerdict.Connected or ProbeVerdict.Refused => ".",
        ProbeVerdict.Blocked => "X",
        _ => "!",
    };
}
